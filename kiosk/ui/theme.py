"""Look of the kiosk: a CJK font picked from the fonts installed, sizes and colours.

Touch targets are at least :data:`TOUCH_PX` pixels high (15 mm on a 1080p 21.5" panel);
text is large enough to read standing up and dark on light for high contrast.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

TOUCH_PX = 96
"""Minimum height of a touch target in pixels (≥ 15 mm ≈ 90 px at 1080p)."""

TITLE_PX = 40
BODY_PX = 30
SMALL_PX = 22

CJK_FAMILIES = (
    "IPAPGothic",
    "IPAGothic",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "TakaoPGothic",
    "VL PGothic",
)

INK = "#111111"
PAPER = "#ffffff"
ACCENT = "#0b4f9c"
ACCENT_INK = "#ffffff"
ALERT = "#b00020"
QUIET = "#4a4a4a"


def cjk_family() -> str:
    """The first installed font family that renders Japanese ("" when there is none)."""
    families = set(QFontDatabase.families())
    for name in CJK_FAMILIES:
        if name in families:
            return name
    for name in sorted(families):
        if QFontDatabase.WritingSystem.Japanese in QFontDatabase.writingSystems(name):
            return name
    return ""


BASE_HEIGHT = 800
"""Sizes above are for an 800 px high window; larger windows scale them up."""


def style(scale: float = 1.0) -> str:
    """The style sheet with every size multiplied by ``scale`` (never below 1)."""
    k = max(1.0, scale)

    def px(value: int) -> int:
        return round(value * k)

    return f"""
QWidget#screen {{ background: {PAPER}; }}
QLabel {{ color: {INK}; }}
QLabel[role="title"] {{ font-size: {px(TITLE_PX)}px; font-weight: bold; }}
QLabel[role="body"] {{ font-size: {px(BODY_PX)}px; }}
QLabel[role="small"] {{ font-size: {px(SMALL_PX)}px; color: {QUIET}; }}
QLabel[role="alert"] {{ font-size: {px(BODY_PX)}px; color: {ALERT}; font-weight: bold; }}
QLabel[role="code"] {{ font-size: {px(96)}px; color: {ALERT}; font-weight: bold; }}
QLabel[role="dots"] {{ font-size: {px(64)}px; letter-spacing: {px(12)}px; }}
QPushButton {{
    font-size: {px(BODY_PX)}px; min-height: {px(TOUCH_PX)}px; padding: 0 {px(28)}px;
    border-radius: {px(14)}px; border: 3px solid {ACCENT}; background: {PAPER}; color: {ACCENT};
}}
QPushButton[role="primary"] {{ background: {ACCENT}; color: {ACCENT_INK}; font-weight: bold; }}
QPushButton[role="cancel"] {{
    font-size: {px(SMALL_PX)}px; border: 2px solid {QUIET}; color: {QUIET};
    min-width: {px(180)}px;
}}
QPushButton[role="key"] {{ font-size: {px(44)}px; min-width: {px(TOUCH_PX + 24)}px; }}
QPushButton#continue {{ font-size: {px(56)}px; min-height: {px(200)}px; }}
QPushButton:disabled {{ border-color: #9a9a9a; color: #6a6a6a; background: #eeeeee; }}
QPushButton:pressed {{ background: #d6e4f5; }}
"""


STYLE = style(1.0)


def apply(app: QApplication) -> str:
    """Set the application font (a CJK family when available) and the style sheet.

    Returns the font family chosen.
    """
    family = cjk_family()
    font = QFont(family) if family else QFont()
    font.setPixelSize(BODY_PX)
    app.setFont(font)
    app.setStyleSheet(STYLE)
    return family
