"""The real ``kiosk run`` on a real X server (Xvfb, no window manager: the usual kiosk
session), driven by real input events: the window covers the whole screen, each screen the
patient sees matches the expected rendering, the two answers of a question are of equal
weight on the real screen, and any other expected choice is at the same place at the bottom
right."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QPushButton

from helpers.waiting import wait_for
from kiosk.config import Settings, set_staff_password
from kiosk.simcard.deck import get_profile
from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.screenshots import variants
from kiosk.ui.window import KioskWindow

from .conftest import XServer, kiosk_argv

WIDTH, HEIGHT = 1280, 800
CARD = "standard"
HOLDER = get_profile(CARD).insurance.fields["Name"]  # type: ignore[union-attr]
"""The name the eligibility service sends for the card on the X kiosk."""
TOLERANCE = 8.0
"""Mean grey-level difference (0–255) between the X screen and the expected rendering."""

AFTER_IDENTITY = (
    "consent-medication",
    "consent-checkups",
    "high-cost",
    "limit-consent",
    "specific-disease",
    "prescription",
    "done",
)


class Expected:
    """Every screen rendered offscreen at the X screen's size: images to compare with and
    the places of its buttons."""

    def __init__(self, app: QApplication) -> None:
        theme.apply(app)
        self.window = KioskWindow(Languages(app))
        self.window.resize(WIDTH, HEIGHT)
        self.window.show()
        self.shots = {name: (widget, data) for name, widget, data in variants()}
        self.images: dict[str, np.ndarray] = {}

    def show(self, name: str) -> Any:
        widget, data = self.shots[name]
        if name in AFTER_IDENTITY:  # the kiosk on X greets the card's holder by name
            data = {**data, "patient_name": HOLDER}
        screen = self.window.show_screen(widget, data)
        QApplication.processEvents()
        return screen

    def image(self, name: str) -> np.ndarray:
        if name not in self.images:
            self.show(name)
            self.images[name] = small(self.window.grab().toImage())
        return self.images[name]

    def centre(self, name: str, button: str) -> tuple[int, int]:
        screen = self.show(name)
        widget = screen.findChild(QPushButton, button)
        assert widget is not None and widget.isVisible(), f"{name}: no button {button}"
        point = widget.mapTo(self.window, widget.rect().center())
        return point.x(), point.y()

    def primary(self, name: str) -> tuple[int, int, int, int] | None:
        screen = self.show(name)
        widget = screen.primary_button()
        return None if widget is None else self._place(widget)

    def answers(self, name: str) -> list[tuple[int, int, int, int]]:
        """The places of a question's answers (同意する first), none on other screens."""
        screen = self.show(name)
        choices = getattr(screen, "answers", None)
        if choices is None or choices.primary:
            return []
        return [self._place(w) for w in choices.buttons if w.isVisibleTo(screen)]

    def _place(self, widget: QPushButton) -> tuple[int, int, int, int]:
        top_left = widget.mapTo(self.window, QPoint(0, 0))
        return top_left.x(), top_left.y(), widget.width(), widget.height()

    def close(self) -> None:
        self.window.close()


def small(image: QImage) -> np.ndarray:
    """A 320×200 grey copy, for comparing screens within a tolerance."""
    grey = image.scaled(320, 200).convertToFormat(QImage.Format.Format_Grayscale8)
    data = np.frombuffer(grey.constBits(), dtype=np.uint8, count=grey.sizeInBytes())
    return data.reshape(grey.height(), grey.bytesPerLine())[:, : grey.width()].astype(float)


def fill(image: QImage, place: tuple[int, int, int, int]) -> str:
    """The colour inside a button's place, away from its label."""
    left, top, width, height = place
    return str(image.pixelColor(left + width // 8, top + height // 2).name())


def screen_of(x: XServer) -> QImage:
    image = QImage.fromData(x.grab(), "PNG")
    assert not image.isNull()
    return image


def which(x: XServer, expected: Expected, names: tuple[str, ...]) -> str | None:
    """The expected screen the X screen shows now (None: none within the tolerance)."""
    shown = small(screen_of(x))
    scores = {name: float(np.abs(shown - expected.image(name)).mean()) for name in names}
    best = min(scores, key=scores.__getitem__)
    return best if scores[best] < TOLERANCE else None


@pytest.fixture
def expected(qapp: QApplication):  # type: ignore[no-untyped-def]
    made = Expected(qapp)
    yield made
    made.close()


def test_fullscreen_kiosk_covers_a_bare_x_screen_and_takes_a_reception_by_touch(
    xserver, expected
) -> None:
    x = xserver(WIDTH, HEIGHT)
    set_staff_password(Settings(), "a staff password for the X test")
    kiosk = x.start(
        kiosk_argv(
            "run",
            "--fullscreen",
            "--station-port",
            "0",
            "--card",
            f"virtual:{CARD}",
            "--camera",
            "scripted:match",
            "--no-voice",
        )
    )

    def covering() -> bool:
        assert kiosk.poll() is None, kiosk.stderr.read().decode() if kiosk.stderr else ""
        return any(tuple(geometry) == (0, 0, WIDTH, HEIGHT) for _, *geometry in x.windows())

    wait_for(covering, 120, "the kiosk window covering the whole 1280×800 screen")
    wait_for(lambda: which(x, expected, ("method",)), 120, "the method screen")
    x.tap(*expected.centre("method", "face"))
    places = set()
    seen = []
    while True:
        name = wait_for(lambda: which(x, expected, AFTER_IDENTITY), 60, "the next screen")
        assert isinstance(name, str)
        seen.append(name)
        if name == "done":
            break
        assert len(seen) < 10, seen
        image = screen_of(x)
        answers = expected.answers(name)
        if answers:
            # a question: 同意する and 同意しない look the same on X, neither in the accent
            colours = {fill(image, place) for place in answers}
            assert len(answers) == 2 and len(colours) == 1, f"{name}: {colours}"
            assert theme.ACCENT not in colours, f"{name}: an answer is highlighted"
            place = answers[0]
        else:
            found = expected.primary(name)
            assert found is not None, name
            place = found
            places.add(place)
            # the screen on X has its expected choice there too: the accent colour fills it
            assert fill(image, place) == theme.ACCENT, f"{name}: not the expected choice"
        left, top, width, height = place
        x.tap(left + width // 2, top + height // 2)
        wait_for(lambda n=name: which(x, expected, AFTER_IDENTITY) != n or None, 60, "a change")
    assert seen[0] == "consent-medication" and seen[-1] == "done"
    assert len(places) <= 1, f"the expected choice moved: {places}"
    assert kiosk.poll() is None


def test_windowed_kiosk_and_operator_panel_stay_on_a_small_screen(xserver) -> None:
    x = xserver(WIDTH, HEIGHT)
    kiosk = x.start(
        kiosk_argv("run", "--station-port", "0", "--camera", "scripted:match", "--no-voice")
    )

    def two_windows() -> list[tuple[str, int, int, int, int]] | None:
        assert kiosk.poll() is None, kiosk.stderr.read().decode() if kiosk.stderr else ""
        shown = x.windows()
        return shown if len(shown) >= 2 else None

    shown = wait_for(two_windows, 120, "the kiosk and the operator panel")
    assert isinstance(shown, list)
    # no room beside the kiosk at 1280x800: the staff console waits for Ctrl+Alt+S
    assert len(shown) == 2 and not any(name == "職員用画面" for name, *_ in shown), shown
    for name, left, top, width, height in shown:
        assert left >= 0 and top >= 0, name
        assert left + width <= WIDTH and top + height <= HEIGHT, f"{name} leaves the screen"
