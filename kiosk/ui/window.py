"""The kiosk window: a stack of screens, the language switch and kiosk mode.

It gathers the screens' intents into its own typed signals; the controller
(:mod:`kiosk.ui.controller`) turns them into flow events. It never calls the flow itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QImage, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.screens import SCREEN_CLASSES
from kiosk.ui.screens.face import FaceScreen
from kiosk.ui.widgets import Screen


class KioskWindow(QWidget):
    """The patient-facing window. In kiosk mode it has no frame and no cursor, and it
    swallows close and escape; only the staff console can let it go (:meth:`release`)."""

    cancel_requested = Signal()
    method_chosen = Signal(str)
    pin_entered = Signal(str)
    register_answered = Signal(bool)
    proceed = Signal()
    consent_answered = Signal(str, bool)
    high_cost_answered = Signal(str, bool)
    prescription_chosen = Signal(str)
    continue_requested = Signal()
    screen_shown = Signal(str)
    language_changed = Signal(str)

    def __init__(self, languages: Languages, *, kiosk_mode: bool = False) -> None:
        super().__init__()
        self.setWindowTitle("顔認証付きカードリーダー")
        self.languages = languages
        self.kiosk_mode = kiosk_mode
        self._released = not kiosk_mode
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.screens: dict[str, Screen] = {}
        for cls in SCREEN_CLASSES:
            screen = cls(self.stack)
            self.screens[cls.screen_id] = screen
            self.stack.addWidget(screen)
            screen.cancel_requested.connect(self.cancel_requested)
            self._connect_intents(screen)
        self.current_id = "start"
        self._scale = 1.0
        if kiosk_mode:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setCursor(QCursor(Qt.CursorShape.BlankCursor))

    def _connect_intents(self, screen: Screen) -> None:
        for name in (
            "method_chosen",
            "pin_entered",
            "register_answered",
            "proceed",
            "consent_answered",
            "high_cost_answered",
            "prescription_chosen",
            "continue_requested",
        ):
            signal = getattr(screen, name, None)
            if signal is not None:
                signal.connect(getattr(self, name))
        if screen.screen_id == "start":
            screen.language_chosen.connect(self.set_language)  # type: ignore[attr-defined]

    @property
    def face_screen(self) -> FaceScreen:
        screen = self.screens["face"]
        assert isinstance(screen, FaceScreen)  # noqa: S101 (registry invariant)
        return screen

    def show_screen(self, screen_id: str, data: dict[str, Any] | None = None) -> Screen:
        """Show ``screen_id`` with the flow's ``data``; unknown ids raise KeyError."""
        screen = self.screens[screen_id]
        screen.show_data(data or {})
        self.stack.setCurrentWidget(screen)
        if screen_id == "pin":
            screen.setFocus()
        self.current_id = screen_id
        self.screen_shown.emit(screen_id)
        return screen

    def current(self) -> Screen:
        return self.screens[self.current_id]

    def show_frame(self, frame: QImage) -> None:
        self.face_screen.set_frame(frame)

    def set_language(self, language: str) -> None:
        """Switch every screen to ``language`` ("ja" or "en")."""
        self.languages.switch(language)
        self.language_changed.emit(language)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale text and touch targets with the window (sizes are for 800 px high)."""
        scale = round(max(1.0, self.height() / theme.BASE_HEIGHT), 2)
        if scale != self._scale:
            self._scale = scale
            self.stack.setStyleSheet(theme.style(scale))
        super().resizeEvent(event)

    # -- kiosk mode ---------------------------------------------------------------------------
    def release(self) -> None:
        """Let the window close (called by the staff console only)."""
        self._released = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._released:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.kiosk_mode and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_W):
            event.accept()
            return
        super().keyPressEvent(event)
