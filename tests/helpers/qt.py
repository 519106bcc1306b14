"""Driving the kiosk's widgets as a patient does: tap a button, wait for a screen, answer the
consent screens. ``kiosk`` is anything with a ``window`` (a KioskWindow): the ``make_kiosk``
and ``make_app`` kiosks of tests/ui, a station's on-reader kiosk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

TIMEOUT_MS = 60_000
"""Generous: a wait ends as soon as its condition holds, and a busy machine is slow."""


def tap(qtbot: Any, widget: QWidget, name: str) -> None:
    """Tap the visible, enabled button called ``name`` inside ``widget``."""
    button = widget.findChild(QPushButton, name)
    assert button is not None, f"no button {name!r}"
    assert button.isVisible() and button.isEnabled(), f"button {name!r} not usable"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_screen(qtbot: Any, kiosk: Any, screen_id: str) -> None:
    """Wait until the window shows ``screen_id`` (driven by the flow's changes)."""
    qtbot.waitUntil(lambda: kiosk.window.current_id == screen_id, timeout=TIMEOUT_MS)


def answer_consents(
    qtbot: Any, kiosk: Any, answers: Sequence[bool], high_cost: str = "not_use"
) -> list[str]:
    """The consent walk: from the first consent screen, answer each item in turn (True: agree,
    False: disagree), then tap ``high_cost`` on the high-cost screen and wait for the done
    screen. Returns the items asked, in order."""
    wait_screen(qtbot, kiosk, "consent-item")
    asked = []
    for number, answer in enumerate(answers, start=1):
        qtbot.waitUntil(
            lambda n=number: kiosk.window.current().data.get("index") == n, timeout=TIMEOUT_MS
        )
        screen = kiosk.window.current()
        assert screen.data.get("total") == len(answers), screen.data
        asked.append(screen.data.get("item"))
        tap(qtbot, screen, "agree" if answer else "disagree")
    wait_screen(qtbot, kiosk, "high-cost")
    tap(qtbot, kiosk.window.current(), high_cost)
    wait_screen(qtbot, kiosk, "done")
    return asked
