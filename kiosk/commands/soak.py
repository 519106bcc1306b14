"""``kiosk soak --receptions N --seed S [--json]``: many receptions with random faults.

Runs N headless receptions in this process (random patients, cards and faults: see
:mod:`kiosk.faults.soak`) in a temporary KIOSK_HOME and checks that nothing crashed, memory
stayed flat (RSS growth under 10 % after the warm-up), the record chain verifies and the store
holds exactly the outcomes it acknowledged. Exit 0 when all of that holds, 1 otherwise.
The full run: ``kiosk soak --receptions 1000 --seed 1 --json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.faults.soak import FAULT_NAMES, soak


def register(sub: Any) -> None:

    parser = sub.add_parser("soak", help="many headless receptions with random faults")
    parser.add_argument("--receptions", type=int, default=1000, help="visits to run (1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same run)")
    parser.add_argument(
        "--faults",
        default=",".join(FAULT_NAMES[1:]),
        help=f"comma-separated faults to inject (default all: {', '.join(FAULT_NAMES[1:])})",
    )
    parser.add_argument("--home", type=Path, help="KIOSK_HOME to keep (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:

    if args.receptions < 1:
        raise KioskError("--receptions must be 1 or more")
    faults = {f.strip() for f in args.faults.split(",") if f.strip()}
    unknown = faults - set(FAULT_NAMES[1:])
    if unknown:
        raise KioskError(
            f"unknown faults {', '.join(sorted(unknown))}; known: {', '.join(FAULT_NAMES[1:])}"
        )

    def progress(done: int) -> None:
        if not args.json and (done % 100 == 0 or done == args.receptions):
            print(f"  {done}/{args.receptions} receptions", file=sys.stderr, flush=True)

    logger = logging.getLogger("kiosk")
    level = logger.level
    if not getattr(args, "verbose", 0):  # faults are expected: keep their warnings quiet
        logger.setLevel(logging.ERROR)
    try:
        report = soak(args.receptions, args.seed, faults=faults, home=args.home, progress=progress)
    finally:
        logger.setLevel(level)
    figures = report.to_dict()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        print("soak passed" if report.ok else "soak FAILED", file=sys.stderr)
    return 0 if report.ok else 1
