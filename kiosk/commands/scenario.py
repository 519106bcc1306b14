"""``kiosk scenario run PATH… [--json]``: headless receptions from YAML scenario files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.scenarios.runner import run_scenarios


def register(sub: Any) -> None:
    parser = sub.add_parser("scenario", help="run headless reception scenarios (YAML)")
    commands = parser.add_subparsers(dest="scenario_command", metavar="COMMAND")
    commands.required = True
    run = commands.add_parser(
        "run",
        help="run scenario files or folders; exit 0 only if all pass",
        description="Run YAML reception scenarios headless (virtual card, virtual clock). "
        "Without --home, every run starts from a fresh temporary KIOSK_HOME shared by its "
        "scenarios (card_file: carries a card from one scenario to the next). A run writes "
        "only inside its home: records (never $KIOSK_RECORDS), card files, the outbox; it "
        "writes no staff password.",
    )
    run.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    run.add_argument(
        "--json",
        action="store_true",
        help="JSON lines: one per state change, then a summary line "
        '{"passed": N, "failed": M, "scenarios": [...]}',
    )
    run.add_argument(
        "--home",
        type=Path,
        default=None,
        help="KIOSK_HOME to run in (kept afterwards): a new or empty folder, or one an "
        "earlier scenario run made",
    )
    run.add_argument(
        "--allow-real-home",
        action="store_true",
        help="run in a --home that holds other files (e.g. a kiosk's records) anyway",
    )
    run.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:

    def emit(event: dict[str, Any]) -> None:
        print(json.dumps(event, ensure_ascii=False, default=str), flush=True)

    report = run_scenarios(
        list(args.paths),
        home=args.home,
        emit=emit if args.json else None,
        allow_real_home=args.allow_real_home,
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for result in report.results:
            mark = "PASS" if result.passed else "FAIL"
            print(f"{mark} {result.name} ({result.path})")
            for failure in result.failures:
                print(f"     {failure}")
        print(f"{report.passed} passed, {report.failed} failed", file=sys.stderr)
    return 0 if report.failed == 0 and report.results else 1
