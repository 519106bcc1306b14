"""``kiosk demo``: one readable headless reception, printed as it happens (日本語 / English)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.scenarios.demo import run_demo


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help="one headless reception printed as it happens",
        description="Run one reception with the in-process virtual card and the person: "
        "camera of the card's holder (the real face pipeline), printing every screen in "
        "Japanese and English. Runs in a temporary KIOSK_HOME unless --home is given.",
    )
    parser.add_argument("--card", default="standard", metavar="PROFILE", help="deck profile")
    parser.add_argument(
        "--camera",
        default=None,
        help="camera spec (default person:<holder>; scripted:match for no face models)",
    )
    parser.add_argument("--home", type=Path, default=None, help="KIOSK_HOME to keep the records")
    parser.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:

    return run_demo(sys.stdout, camera=args.camera, profile=args.card, home=args.home)
