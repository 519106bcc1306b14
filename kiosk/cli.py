"""Composition root of the command line: ``kiosk <group> <command> …``.

Each command group lives in ``kiosk.commands.<group>`` and exposes
``register(subparsers)``; groups import their heavy dependencies lazily, inside the commands.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.errors import KioskError

GROUPS = (
    "card",
    "face",
    "scenario",
    "demo",
    "records",
    "run",
    "screenshots",
    "staff",
    "doctor",
    "soak",
    "bench",
    "fuzz",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Simulator of the face-authentication card reader for マイナ保険証 check-in.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for group in GROUPS:
        try:
            module = importlib.import_module(f"kiosk.commands.{group}")
        except ModuleNotFoundError as exc:
            if exc.name == f"kiosk.commands.{group}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        result: int = args.func(args)
    except KioskError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
