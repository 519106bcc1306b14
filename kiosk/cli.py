"""Composition root of the command line: ``kiosk <group> <command> …``.

Each command group lives in its own module with ``register(subparsers)``. :data:`COMMANDS`
names the module of every group; only the group on the command line is imported, so
``kiosk --version`` or ``kiosk records verify`` never pays for the face libraries, Qt or
the soak machinery that other groups use.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings
from collections.abc import Sequence

from kiosk import __version__
from kiosk.errors import KioskError

COMMANDS: dict[str, tuple[str, str]] = {
    "card": ("kiosk.commands.card", "make, inspect and serve My Number cards"),
    "phone": ("kiosk.commands.phone", "make, inspect and serve smartphones (マイナ保険証)"),
    "face": ("kiosk.commands.face", "face verification tools"),
    "scenario": ("kiosk.commands.scenario", "run headless reception scenarios (YAML)"),
    "demo": ("kiosk.commands.demo", "one headless reception printed as it happens"),
    "records": ("kiosk.commands.records", "consent and audit records: verify, list, export"),
    "run": ("kiosk.commands.run", "open the kiosk window (headless demo without a display)"),
    "screenshots": (
        "kiosk.commands.screenshots",
        "render every kiosk screen in both languages to PNG (offscreen)",
    ),
    "staff": ("kiosk.commands.staff", "staff console settings"),
    "doctor": ("kiosk.commands.doctor", "check this machine is ready to run the kiosk"),
    "soak": ("kiosk.commands.soak", "many headless receptions with random faults"),
    "bench": ("kiosk.commands.bench", "run a benchmark and print its figures"),
    "fuzz": ("kiosk.commands.fuzz", "feed the kiosk hostile inputs for a while; report what broke"),
}
"""Command group -> (module with ``register(subparsers)``, one line of help)."""


def chosen_group(argv: Sequence[str]) -> str | None:
    """The command group named on the command line (the first word that is not an option)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the group it names is imported and registered in full
    (the others are listed by name and help), without it every group is."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Simulator of the face-authentication card reader for マイナ保険証 check-in.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    wanted = set(COMMANDS) if argv is None else {chosen_group(argv)}
    for group, (module_name, summary) in COMMANDS.items():
        if group not in wanted:
            sub.add_parser(group, help=summary)
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # a build without this group
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # face_recognition_models finds its model files through the deprecated pkg_resources;
    # whichever command imports it first, the warning says nothing to a kiosk user
    warnings.filterwarnings(
        "ignore", message="pkg_resources", category=UserWarning, module="face_recognition_models"
    )
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words)
    args = parser.parse_args(words)
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
