"""``kiosk screenshots DIR``: every screen in Japanese and English, as PNG files."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "screenshots", help="render every kiosk screen in both languages to PNG (offscreen)"
    )
    parser.add_argument("dir", type=Path, help="folder to write the PNG files into")
    parser.add_argument(
        "--size",
        action="append",
        default=None,
        metavar="WxH",
        help="window size (repeatable; default 1280x800 and 1920x1080)",
    )
    parser.add_argument(
        "--lang", action="append", choices=("ja", "en"), default=None, help="language(s)"
    )
    parser.set_defaults(func=screenshots)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise KioskError(f"bad --size {text!r}: write it as WIDTHxHEIGHT, e.g. 1280x800") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise KioskError(f"--size {text} is out of range (320x240 … 7680x4320)")
    return width, height


def screenshots(args: argparse.Namespace) -> int:
    sizes = tuple(_size(s) for s in args.size) if args.size else None
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        raise KioskError("the kiosk window needs PySide6: pip install 'kiosk[ui]'") from None
    from kiosk.ui.screenshots import SIZES, render_all

    app = QApplication.instance() or QApplication(["kiosk"])
    assert isinstance(app, QApplication)  # noqa: S101 (we created it)
    written = render_all(
        args.dir, app, sizes=sizes or SIZES, languages=tuple(args.lang or ("ja", "en"))
    )
    print(f"{len(written)} screenshots written to {args.dir}")
    return 0
