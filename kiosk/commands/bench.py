"""``kiosk bench <name> [--json]``: speed and memory figures, printed as JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
from typing import Any

import kiosk.bench


def _names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(kiosk.bench.__path__) if not m.name.startswith("_")
    )


def register(sub: Any) -> None:
    parser = sub.add_parser("bench", help="run a benchmark and print its figures")
    benches = parser.add_subparsers(dest="bench", metavar="NAME")
    benches.required = True
    for name in _names():
        module = importlib.import_module(f"kiosk.bench.{name}")
        bench = benches.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        bench.add_argument("--json", action="store_true", help="print one JSON object")
        module.add_arguments(bench)
        bench.set_defaults(func=_runner(module))


def _runner(module: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        figures: dict[str, Any] = module.run(args)
        if args.json:
            print(json.dumps(figures, ensure_ascii=False))
        else:
            print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0

    return run
