"""The kiosk window: a stack of screens, the language switch and kiosk mode.

Every screen's buttons send the flow's event with its value; the window gathers them into
one signal, ``chosen(event, value)``, which the controller (:mod:`kiosk.ui.controller`) hands
to the flow. It never calls the flow itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QImage, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui import theme
from kiosk.ui.i18n import Languages, say
from kiosk.ui.screens import SCREEN_CLASSES
from kiosk.ui.screens.face import FaceScreen
from kiosk.ui.screens.start import StartScreen
from kiosk.ui.widgets import Screen


class KioskWindow(QWidget):
    """The patient-facing window. In kiosk mode it has no frame and no cursor, and it
    swallows close and escape; only the staff console can let it go (:meth:`release`)."""

    chosen = Signal(object, object)  # (kiosk.reception.Event, value)
    screen_shown = Signal(str)
    language_changed = Signal(str)

    def __init__(self, languages: Languages, *, kiosk_mode: bool = False) -> None:
        super().__init__()
        self.setWindowTitle(say("window.title"))
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
            screen.chosen.connect(self.chosen)
            if isinstance(screen, StartScreen):
                screen.language_chosen.connect(self.set_language)
        self.current_id = "start"
        self._scale = 1.0
        if kiosk_mode:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setCursor(QCursor(Qt.CursorShape.BlankCursor))

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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.setWindowTitle(say("window.title"))
        super().changeEvent(event)

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
