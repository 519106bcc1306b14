"""Look of the kiosk: a CJK font picked from the fonts installed, sizes and colours.

Touch targets are at least :data:`TOUCH_PX` pixels high (15 mm on a 1080p 21.5" panel);
text is large enough to read standing up and dark on light for high contrast. Sizes are
given for an 800 px high window and scaled with the window; the large-text mode multiplies
every text size by :data:`LARGE_TEXT`.

Every screen has the same frame: a top bar (language, large text, read again), the title,
the body, and an action bar at the bottom whose rightmost button is the expected choice —
always at the same place, :data:`ACTION_WIDTH` wide.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

TOUCH_PX = 96
"""Minimum height of a touch target in pixels (≥ 15 mm ≈ 90 px at 1080p)."""

UTILITY_PX = 72
"""Height of the top bar's buttons (language, large text, read again)."""

ACTION_WIDTH = 230
"""Minimum width of an action-bar button; the expected choice is the rightmost."""

TILE_PX = 180
"""Height of the large choice tiles (the identity method)."""

TITLE_PX = 40
BODY_PX = 30
SMALL_PX = 22

LARGE_TEXT = 1.4
"""Text size factor of the large-text mode."""

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
ALERT_PAPER = "#fde8ea"
OK = "#1b7a33"
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


def style(scale: float = 1.0, text: float = 1.0) -> str:
    """The style sheet with every size multiplied by ``scale`` (never below 1) and every text
    size by ``text`` as well (the large-text mode).

    Heights are style-sheet ``min-height`` values: a widget's own setMinimumHeight loses to
    the style sheet, so every size a screen relies on is here, by role.
    """
    k = max(1.0, scale)

    def px(value: float) -> int:
        return round(value * k)

    def tx(value: float) -> int:
        return round(value * k * text)

    return f"""
QWidget#screen {{ background: {PAPER}; }}
QWidget#confirm {{ background: {PAPER}; }}
QLabel {{ color: {INK}; }}
QLabel[role="title"] {{ font-size: {tx(TITLE_PX)}px; font-weight: bold; }}
QLabel[role="body"] {{ font-size: {tx(BODY_PX)}px; }}
QLabel[role="fact"] {{ font-size: {tx(BODY_PX)}px; font-weight: bold; color: {INK};
    border-left: {px(8)}px solid {ACCENT}; padding: {px(8)}px {px(16)}px; }}
QLabel[role="small"] {{ font-size: {tx(SMALL_PX)}px; color: {QUIET}; }}
QLabel[role="alert"] {{ font-size: {tx(BODY_PX)}px; color: {ALERT}; font-weight: bold; }}
QLabel[role="warning"] {{ font-size: {tx(BODY_PX + 4)}px; color: {ALERT}; font-weight: bold;
    background: {ALERT_PAPER}; border: 3px solid {ALERT}; border-radius: {px(12)}px;
    padding: {px(12)}px {px(20)}px; }}
QLabel[role="success"] {{ font-size: {tx(TITLE_PX)}px; color: {OK}; font-weight: bold; }}
QLabel[role="code"] {{ font-size: {tx(96)}px; color: {ALERT}; font-weight: bold; }}
QLabel[role="dots"] {{ font-size: {px(64)}px; letter-spacing: {px(12)}px; }}
QLabel[role="count"] {{ font-size: {tx(72)}px; font-weight: bold; color: {ACCENT}; }}
QLabel[role="voice"] {{ font-size: {tx(SMALL_PX)}px; color: {ALERT}; font-weight: bold; }}
QLabel[role="step"] {{ font-size: {tx(SMALL_PX)}px; color: {QUIET}; }}
QLabel[role="step"][state="now"] {{ color: {ACCENT}; font-weight: bold; }}
QLabel[role="step"][state="done"] {{ color: {OK}; font-weight: bold; }}
QPushButton {{
    font-size: {tx(BODY_PX)}px; min-height: {px(TOUCH_PX)}px; padding: 0 {px(24)}px;
    border-radius: {px(14)}px; border: 3px solid {ACCENT}; background: {PAPER}; color: {ACCENT};
}}
QPushButton[bar="true"] {{ min-width: {px(ACTION_WIDTH)}px; max-height: {px(TOUCH_PX)}px;
    padding: 0 {px(12)}px; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: {ACCENT_INK}; font-weight: bold; }}
QPushButton[role="tile"] {{ min-height: {px(TILE_PX)}px; font-size: {tx(TITLE_PX)}px;
    font-weight: bold; }}
QPushButton[role="answer"] {{ min-height: {px(TILE_PX * 0.6)}px; font-size: {tx(TITLE_PX)}px;
    font-weight: bold; }}
QPushButton[role="cancel"] {{ border: 2px solid {QUIET}; color: {QUIET}; }}
QPushButton[role="utility"] {{
    font-size: {tx(SMALL_PX)}px; min-height: {px(UTILITY_PX)}px; max-height: {px(UTILITY_PX)}px;
    padding: 0 {px(16)}px; border: 2px solid {QUIET}; color: {INK};
}}
QPushButton[role="utility"][on="true"] {{ background: {ACCENT}; color: {ACCENT_INK};
    border-color: {ACCENT}; font-weight: bold; }}
QPushButton[role="key"] {{ font-size: {tx(44)}px; min-width: {px(TOUCH_PX + 24)}px; }}
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
