"""No control overlaps another: on every patient screen, in both languages, at both window
sizes and with large text, no two tappable areas overlap, every one lies inside the window
(which keeps its size: no screen needs more), and the staff button is at least a finger's
width from every patient control.

Every screen is shown as ``kiosk screenshots`` shows it (each of :func:`variants`: every
state and variant the screenshots know), at each of the screenshots' window sizes
(:data:`SIZES`: 1280x800 and 1920x1080), in Japanese and English, with normal text, with
large text (文字を大きく, text x1.4), and with large text while voice guidance cannot be
heard (the top bar's fullest: 音声案内なし takes room from its buttons). The staff-wait
screen carries the discreet 職員 button as the kiosk's on-reader staff wiring puts it there
(:class:`~kiosk.ui.staff_keypad.OnReaderStaff` makes a :class:`StaffButton` on it).

A tappable area is a visible button (:class:`QAbstractButton`, enabled or disabled) or any
other visible widget with a ``clicked`` signal; the top bar's もう一度読む, 文字を大きく,
日本語 and English are tappable areas on every screen. Geometry is compared in the window's
coordinates once the layout has settled (the window shown offscreen, events processed until
two looks in a row find every control where it was).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from helpers.qt import TIMEOUT_MS
from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.screenshots import SIZES, show_shot, stand_in_frame, variants
from kiosk.ui.staff_keypad import StaffButton
from kiosk.ui.window import KioskWindow

FINGER_MM = 9.0
"""A finger's width: no patient control may come closer than this to the staff button."""

ASSUMED_DPI = 96
"""The density the kiosk's sizes assume (window pixels per inch)."""

FINGER_PX = round(FINGER_MM / 25.4 * ASSUMED_DPI)
"""9 mm at 96 dpi: 34 px (in the window's pixels, at every window size)."""

STAFF = "staff_button"
TOP_BAR = ("repeat", "large_text", "lang_ja", "lang_en")

FRAMES = {
    "normal-text": (False, True),
    "large-text": (True, True),
    "large-text-no-voice": (True, False),
}
"""(large text, voice guidance heard) of each frame state tried."""

Area = tuple[str, QRect]


@pytest.fixture
def window(qtbot: Any) -> Iterator[KioskWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app)
    languages = Languages(app)
    made = KioskWindow(languages)
    qtbot.addWidget(made)
    made.show()
    # as at the kiosk: every screen built (with normal text) before a patient asks for more
    qtbot.waitUntil(lambda: len(made.screens.built()) == len(made.screens), timeout=TIMEOUT_MS)
    yield made
    languages.switch("ja")  # the language is the application's: leave it as found


def test_every_screen_is_among_the_variants(window: KioskWindow) -> None:
    assert set(window.screens) == {screen_id for _, screen_id, _ in variants()}


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("frame", list(FRAMES))
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_tappable_area_overlaps_another(
    qtbot: Any, window: KioskWindow, size: tuple[int, int], frame: str, language: str
) -> None:
    StaffButton(window.screens["staff-wait"])  # as OnReaderStaff puts it there
    large, voice = FRAMES[frame]
    window.set_large_text(large)
    window.set_voice_on(voice)
    window.set_language(language)
    picture = stand_in_frame()
    faults: list[str] = []
    staff_seen = 0
    shots = variants()
    for name, screen_id, data in shots:
        window.resize(*size)
        show_shot(window, name, screen_id, data, picture)
        areas = _settled(qtbot, window)
        names = [area_name for area_name, _ in areas]
        missing = [n for n in TOP_BAR if n not in names]
        assert not missing, f"{name}: top-bar buttons not found: {missing}"
        if window.size() != QSize(*size):  # the panel would cut the screen's bottom off
            faults.append(f"{name}: the window grew to {window.size().toTuple()}")
        faults += _faults(name, areas, QRect(QPoint(0, 0), QSize(*size)))
        staff_seen += names.count(STAFF)
    waits = sum(screen_id == "staff-wait" for _, screen_id, _ in shots)
    assert staff_seen == waits, "the staff button was not found on the staff-wait screens (only)"
    assert not faults, "\n".join(faults)


def _settled(qtbot: Any, window: KioskWindow) -> list[Area]:
    """The tappable areas of the screen shown, once two looks in a row agree."""
    looks: list[tuple[QSize, list[Area]]] = []

    def still() -> bool:
        looks.append((window.size(), _tappable(window)))
        return len(looks) > 1 and _same(looks[-2], looks[-1])

    qtbot.waitUntil(still, timeout=TIMEOUT_MS)
    return looks[-1][1]


def _same(a: tuple[QSize, list[Area]], b: tuple[QSize, list[Area]]) -> bool:
    return a[0] == b[0] and [(n, r.getRect()) for n, r in a[1]] == [
        (n, r.getRect()) for n, r in b[1]
    ]


def _tappable(window: QWidget) -> list[Area]:
    """Every visible tappable widget's name and rectangle, in the window's coordinates."""
    areas = []
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and _is_tappable(widget):
            name = widget.objectName() or type(widget).__name__
            areas.append((name, QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())))
    return areas


def _is_tappable(widget: QWidget) -> bool:
    return (
        isinstance(widget, QAbstractButton)
        or widget.metaObject().indexOfSignal("clicked()") >= 0
        or widget.metaObject().indexOfSignal("clicked(bool)") >= 0
    )


def _faults(shot: str, areas: list[Area], window: QRect) -> list[str]:
    faults = []
    for name, rect in areas:
        if not window.contains(rect):
            faults.append(f"{shot}: {name} {rect.getRect()} is not inside the window")
    for (one, a), (other, b) in combinations(areas, 2):
        if a.intersects(b):
            faults.append(f"{shot}: {one} {a.getRect()} overlaps {other} {b.getRect()}")
        elif STAFF in (one, other) and _gap(a, b) < FINGER_PX:
            faults.append(
                f"{shot}: {one} and {other} are {_gap(a, b):.0f} px apart,"
                f" under a finger's width ({FINGER_PX} px)"
            )
    return faults


def _gap(a: QRect, b: QRect) -> float:
    """The shortest distance between two rectangles (0 when they touch or overlap)."""
    dx = max(b.x() - (a.x() + a.width()), a.x() - (b.x() + b.width()), 0)
    dy = max(b.y() - (a.y() + a.height()), a.y() - (b.y() + b.height()), 0)
    return float((dx * dx + dy * dy) ** 0.5)
