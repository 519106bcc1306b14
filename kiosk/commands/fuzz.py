"""``kiosk fuzz``: feed the kiosk hostile inputs for a while and report what broke.

Runs the fuzz targets of :mod:`kiosk.fuzz` (card files, settings files, scenario files, APDUs
to the virtual card, records URLs) for ``--minutes`` shared between them, and prints, per
target, the examples tried and any failure; a failure's minimal input is saved under
``KIOSK_HOME/fuzz`` with the head of its traceback beside it. ``--replay FILE`` feeds a saved
input again. Needs Hypothesis (the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.fuzz.registry import TARGETS
from kiosk.fuzz.runner import run_target, save_reproducer
from kiosk.fuzz.target import guarded
from kiosk.paths import kiosk_home


class FuzzError(KioskError):
    """The fuzz run cannot start (no Hypothesis, an unknown target, a bad --minutes)."""


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "fuzz",
        help="feed the kiosk hostile inputs for a while; report what broke",
        description="Fuzz every input a stranger can feed the kiosk for --minutes (shared "
        "between the targets) and print a summary. Exit 0 when nothing broke, 1 when a "
        "target failed (its minimal input is saved under KIOSK_HOME/fuzz).",
    )
    parser.add_argument("--minutes", type=float, default=1.0, help="time budget (default 1)")
    parser.add_argument(
        "--target", action="append", metavar="NAME", help="only this target (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the targets and stop")
    parser.add_argument(
        "--strict", action="store_true", help="count the known failures (kiosk.fuzz.known) too"
    )
    parser.add_argument("--replay", type=Path, metavar="FILE", help="feed one saved input again")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(func=_fuzz)


def _fuzz(args: argparse.Namespace) -> int:
    try:
        from hypothesis.configuration import set_hypothesis_home_dir

    except ImportError as exc:
        if exc.name and exc.name.startswith("hypothesis"):
            raise FuzzError("kiosk fuzz needs Hypothesis: install the dev extra") from None
        raise
    folder = kiosk_home() / "fuzz"
    set_hypothesis_home_dir(folder / "hypothesis")  # not .hypothesis/ in the current folder
    if args.list:
        for target in TARGETS.values():
            print(f"{target.name:12} {target.summary}")
        return 0
    if args.replay is not None:
        return _replay(args.replay, TARGETS)
    names = args.target or list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        raise FuzzError(f"unknown target {unknown[0][:40]!r}; targets: {', '.join(TARGETS)}")
    if not 0 < args.minutes <= 24 * 60:
        raise FuzzError("--minutes: more than 0 and at most a day (1440)")
    seconds = args.minutes * 60 / len(names)
    reports = []
    for name in names:
        target = TARGETS[name]
        if not args.json:
            print(f"{name}: fuzzing for {seconds:.0f} s …", file=sys.stderr, flush=True)
        report = run_target(target, seconds=seconds, database=folder / "db", strict=args.strict)
        if report.failure is not None:
            save_reproducer(target, report.failure, folder)
        reports.append(report)
    if args.json:
        print(json.dumps({"targets": [r.to_dict() for r in reports]}, ensure_ascii=False))
    else:
        _print_summary(reports)
    return 1 if any(r.failure is not None for r in reports) else 0


def _print_summary(reports: list[Any]) -> None:
    print(f"{'target':12} {'examples':>8} {'accepted':>8} {'refused':>8} {'known':>6}  result")
    for r in reports:
        result = "ok" if r.failure is None else f"FAILED: {r.failure.error}"
        print(f"{r.name:12} {r.examples:8} {r.accepted:8} {r.refused:8} {r.known:6}  {result}")
        if r.failure is not None and r.failure.saved is not None:
            print(f"{'':12} minimal input: {r.failure.saved} (traceback: {r.failure.saved}.txt)")


def _replay(path: Path, targets: dict[str, Any]) -> int:

    target = next((t for n, t in targets.items() if path.name.startswith(f"{n}-")), None)
    if target is None:
        raise FuzzError(f"{path}: a saved input is named <target>-<digest> (kiosk fuzz --list)")
    try:
        value = target.decode(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise FuzzError(f"{path}: cannot read the saved input ({exc})") from None
    with tempfile.TemporaryDirectory(prefix="kiosk-fuzz-") as work:
        try:
            answer = guarded(target, value, Path(work), strict=True)
        except Exception:
            traceback.print_exc()
            return 1
    print(f"{target.name}: {answer.value}")
    return 0
