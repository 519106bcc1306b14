"""The discreet staff button in the bottom-right corner of the waiting screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QPushButton,
    QWidget,
)

from kiosk.ui.i18n import say

MARGIN_PX = 16
"""Gap between the staff button and the screen's right and bottom edges."""


class StaffButton(QPushButton):
    """The discreet staff button in a corner of the waiting screen: the bottom-right one.

    The top bar runs along the top of every screen with the language choice at its right
    (a button in the top-right corner lay over 「English」, so a patient asking for English
    got the staff keypad), and the waiting screen's action bar holds only 「やめる」, at its
    left: the bottom-right corner is the one no patient control reaches, in either language,
    at any window size and with large text (tests/ui/test_no_overlap.py).
    """

    def __init__(self, screen: QWidget) -> None:
        super().__init__(screen)
        self.screen_widget = screen
        self.setObjectName("staff_button")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(
            "QPushButton#staff_button { font-size: 18px; min-height: 56px; min-width: 96px;"
            " padding: 0 12px; color: #6a6a6a; border: 1px solid #c8c8c8;"
            " border-radius: 8px; background: transparent; }"
        )
        self.setText(say("staff-keypad.button"))
        screen.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        self.adjustSize()
        self.move(
            self.screen_widget.width() - self.width() - MARGIN_PX,
            self.screen_widget.height() - self.height() - MARGIN_PX,
        )
        self.raise_()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.setText(say("staff-keypad.button"))
            self._place()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.screen_widget and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.Show,
        ):
            self._place()
        return False
