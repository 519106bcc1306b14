"""Every other benchmark, each in its own process, as one JSON object with targets.

``kiosk bench all --json`` runs ``kiosk bench <name> --json`` for each benchmark module (card,
face, flow, startup — whichever exist; ``records``, minutes long, only when named in
``--only``) in a subprocess, so one benchmark's imports, models and
memory do not colour another's. The object holds, per benchmark, its figures, the wall time,
and ``targets``: each figure next to its target (met or not) and to what it is compared with
(OpenSC's APDU count for reading the certificate, the naive face_recognition pipeline).
``--quick`` runs reduced sizes (CI); ``--only card,flow`` picks benchmarks.
"""

from __future__ import annotations

import argparse
import json
import pkgutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import kiosk.bench
from kiosk.errors import KioskError

QUICK_ARGS: dict[str, list[str]] = {
    "card": ["--runs", "5"],
    "face": ["--frames", "5", "--seconds", "2"],
    "flow": ["--seconds", "1", "--face-receptions", "2", "--workers", "1"],
    "startup": ["--runs", "2"],
    "records": ["--receptions", "2000", "--appends", "20"],
}
ON_REQUEST = frozenset({"records"})
"""Benchmarks run only when named in ``--only`` (``kiosk bench records`` fills 100,000)."""
MAIN = "import sys; from kiosk.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Target:
    """``figure`` (a dotted path into the benchmark's JSON) against ``limit``."""

    figure: str
    limit: float | None  # None: the target is to beat ``compared_with``
    better: str  # "lower" or "higher"
    unit: str
    compared_with: str | None = None  # dotted path of the reference figure
    reference: str = ""
    condition: str = ""  # what the target was set for, when the run may differ

    def judge(self, figures: dict[str, Any]) -> dict[str, Any]:
        value = _get(figures, self.figure)
        sign = "≤" if self.better == "lower" else "≥"
        other = None if self.compared_with is None else _get(figures, self.compared_with)
        limit = self.limit if self.limit is not None else other
        entry: dict[str, Any] = {
            "figure": self.figure,
            "value": value,
            "target": f"{sign} {self.limit:g} {self.unit}"
            if self.limit is not None
            else f"{'<' if self.better == 'lower' else '>'} {self.reference}",
            "met": None,
        }
        if isinstance(value, int | float) and isinstance(limit, int | float):
            if self.limit is None:
                entry["met"] = value < limit if self.better == "lower" else value > limit
            else:
                entry["met"] = value <= limit if self.better == "lower" else value >= limit
        if self.condition:
            entry["set_for"] = self.condition
        if self.compared_with is not None:
            entry["compared_with"] = {"what": self.reference, "value": other}
            if isinstance(value, int | float) and isinstance(other, int | float) and value:
                entry["compared_with"]["ratio"] = round(other / value, 2)
        return entry


TARGETS: dict[str, list[Target]] = {
    "card": [
        Target("in_process.apdus", 8, "lower", "APDUs", "opensc_cert_read.total_apdus",
               "OpenSC pkcs15-tool --read-certificate 01 (all APDUs it sends)"),
        Target("in_process.apdus", 8, "lower", "APDUs", "opensc_cert_read_apdus",
               "OpenSC: APDUs for the certificate itself (SELECT EF + READ BINARYs)"),
        Target("in_process.median_ms", 50, "lower", "ms"),
        Target("pcsc.median_ms", 100, "lower", "ms"),
        Target("all_pins_apdus", 10, "lower", "APDUs"),
    ],
    "face": [
        Target("decision_ms", 150, "lower", "ms", "naive_decision_ms",
               "naive face_recognition (face_locations + face_encodings, full frame)"),
        Target("speedup", 3, "higher", "x naive"),
        Target("preview_fps", 25, "higher", "fps"),
        Target("peak_rss_mb", 450, "lower", "MB"),
    ],
    "flow": [
        Target("pin_receptions_per_s", 200, "higher", "receptions/s"),
        Target("pin_own_ms", 2.5, "lower", "ms"),
        Target("pin_cpu_ms", 2.5, "lower", "ms"),
        Target("face_receptions_per_s", 3, "higher", "receptions/s",
               condition="480x360 and a blink every 0.4 s; at the kiosk camera's 1280x720 and "
               "a blink every 3 s each reception waits for the blink (docs/benchmarks.md)"),
    ],
    "startup": [
        Target("start_screen_ms", 1000, "lower", "ms"),
        Target("version_ms", 150, "lower", "ms"),
    ],
    "records": [
        Target("append_filled_over_fresh", 1.2, "lower", "x fresh"),
        Target("verify_peak_rss_mb", 300, "lower", "MB"),
        Target("export_peak_rss_mb", 300, "lower", "MB"),
    ],
}  # fmt: skip


def _get(figures: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(figures, dict) or part not in figures:
            return None
        figures = figures[part]
    return figures


def names() -> list[str]:
    """The other benchmarks (modules of kiosk.bench)."""
    return sorted(
        m.name
        for m in pkgutil.iter_modules(kiosk.bench.__path__)
        if m.name != "all" and not m.name.startswith("_")
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="reduced sizes (CI)")
    parser.add_argument("--only", help="comma-separated benchmarks (default: all)")
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds each benchmark may take (900)"
    )
    parser.add_argument(
        "--reader", help="card benchmark: also through pcscd on this reader (Virtual PCD 00 00)"
    )


def run_one(
    name: str, extra: list[str], timeout_s: float, runner: Callable[..., Any] = subprocess.run
) -> dict[str, Any]:
    """``kiosk bench <name> --json`` in a subprocess: its figures, or why there are none."""
    argv = [sys.executable, "-c", MAIN, "bench", name, "--json", *extra]
    start = time.perf_counter()
    try:
        done = runner(argv, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout_s:g} s", "seconds": timeout_s}
    seconds = round(time.perf_counter() - start, 2)
    lines = [line for line in done.stdout.splitlines() if line.strip().startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-3:]
        return {
            "ok": False,
            "error": f"exit {done.returncode}: {' | '.join(tail)}",
            "seconds": seconds,
        }
    try:
        figures = json.loads(lines[-1])
    except json.JSONDecodeError as exc:
        return {"ok": False, "error": f"not JSON: {exc}", "seconds": seconds}
    targets = [t.judge(figures) for t in TARGETS.get(name, [])]
    return {
        "ok": True,
        "seconds": seconds,
        "figures": figures,
        "targets": [t for t in targets if t["value"] is not None],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    chosen = names()
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(chosen))
        if unknown:
            raise KioskError(f"unknown benchmarks {unknown}; known: {', '.join(chosen)}")
        chosen = [n for n in chosen if n in wanted]
    else:
        chosen = [n for n in chosen if n not in ON_REQUEST]
    results: dict[str, Any] = {}
    for name in chosen:
        extra = QUICK_ARGS.get(name, []) if args.quick else []
        if name == "card" and getattr(args, "reader", None):
            extra = [*extra, "--reader", args.reader]
        results[name] = run_one(name, extra, args.timeout)
    missed = [
        f"{name}.{t['figure']}"
        for name, result in results.items()
        for t in result.get("targets", [])
        if t["met"] is False
    ]
    return {
        "benchmarks": results,
        "all_ran": all(r["ok"] for r in results.values()),
        "targets_missed": missed,
        "python": sys.version.split()[0],
        "quick": bool(args.quick),
    }
