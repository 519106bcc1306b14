"""The window builds its start screen first and the other screens once it has painted."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk.ui.i18n import Languages
from kiosk.ui.screens import SCREEN_CLASSES
from kiosk.ui.window import KioskWindow

LIMIT_MS = 60_000


def _window(qtbot: Any) -> KioskWindow:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = KioskWindow(Languages(app))
    qtbot.addWidget(window)
    return window


def test_only_the_start_screen_is_built_before_the_first_frame(qtbot: Any) -> None:
    window = _window(qtbot)
    assert [s.screen_id for s in window.screens.built()] == ["start"]
    assert len(window.screens) == len(SCREEN_CLASSES)  # every screen is still named
    window.show()
    qtbot.waitUntil(lambda: len(window.screens.built()) == len(SCREEN_CLASSES), timeout=LIMIT_MS)
    assert window.stack.count() == len(SCREEN_CLASSES)
    assert window.current_id == "start" and window.stack.currentWidget() is window.screens["start"]


def test_a_screen_asked_for_early_is_built_then_and_once(qtbot: Any) -> None:
    window = _window(qtbot)
    pin = window.show_screen("pin", {})
    assert window.stack.currentWidget() is pin and window.screens["pin"] is pin
    window.show()
    qtbot.waitUntil(lambda: len(window.screens.built()) == len(SCREEN_CLASSES), timeout=LIMIT_MS)
    assert window.stack.count() == len(SCREEN_CLASSES)  # pin was not built twice


def test_a_screen_built_late_takes_the_large_text_and_voice_state(qtbot: Any) -> None:
    window = _window(qtbot)
    window.set_large_text(True)
    window.set_voice_on(False)
    method = window.screens["method"]  # built after both were set
    assert method.large_text and not method.voice_on
    assert window.screens["start"].large_text  # and the one built before them changed too
