"""The kiosk window: a stack of screens, the language switch, the large-text mode, kiosk
mode and covering the whole screen.

Only the start screen is built before the window first shows; the others are built one per
turn of the event loop once it has painted (or at once, when one is asked for earlier), so
the patient sees the kiosk sooner and a touch is never kept waiting by more than one screen.

Every screen's buttons send the flow's event with its value; the window gathers them into
one signal, ``chosen(event, value)``, which the controller (:mod:`kiosk.ui.controller`) hands
to the flow. It never calls the flow itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QGuiApplication, QImage, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui import theme
from kiosk.ui.i18n import Languages, say
from kiosk.ui.screens import SCREEN_CLASSES
from kiosk.ui.screens.face import FaceScreen
from kiosk.ui.widgets import Screen


class KioskWindow(QWidget):
    """The patient-facing window. In kiosk mode it has no frame and no cursor, and it
    swallows close and escape; only the staff console can let it go (:meth:`release`)."""

    chosen = Signal(object, object)  # (kiosk.reception.Event, value)
    screen_shown = Signal(str)
    language_changed = Signal(str)
    repeat_requested = Signal()  # 「もう一度読む」

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
        self.current_id = "start"
        self._scale = 1.0
        self.large_text = False
        self.voice_on = True
        self.screens = Screens(self._build)
        self.screens.prepare("start")  # the first screen shown: built now
        self._painted = False
        if kiosk_mode:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setCursor(QCursor(Qt.CursorShape.BlankCursor))

    def _build(self, cls: type[Screen]) -> Screen:
        screen = cls(self.stack)
        self.stack.addWidget(screen)
        screen.chosen.connect(self.chosen)
        screen.language_chosen.connect(self.set_language)
        screen.large_text_toggled.connect(self.toggle_large_text)
        screen.repeat_requested.connect(self.repeat_requested)
        if self.large_text or not self.voice_on:
            screen.set_frame_state(large_text=self.large_text, voice_on=self.voice_on)
        return screen

    def _build_next(self) -> None:
        """Build one screen not built yet, then come back on the next turn of the loop."""
        if self.screens.build_one():
            QTimer.singleShot(0, self.stack, self._build_next)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.stack, self._build_next)  # after the first frame
        return super().event(event)

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

    def clear_images(self) -> None:
        """Forget every image of the last patient (the camera preview above all)."""
        for screen in self.screens.built():
            screen.clear_images()

    def set_large_text(self, large: bool) -> None:
        """Text about 1.4 times larger on every screen (or back to normal)."""
        if large == self.large_text:
            return
        self.large_text = large
        self._restyle()
        self._frame_state()

    def toggle_large_text(self) -> None:
        self.set_large_text(not self.large_text)

    def set_voice_on(self, on: bool) -> None:
        """Whether voice guidance can be heard (every screen says so when it cannot)."""
        self.voice_on = on
        self._frame_state()

    def _frame_state(self) -> None:
        for screen in self.screens.built():
            screen.set_frame_state(large_text=self.large_text, voice_on=self.voice_on)

    def _restyle(self) -> None:
        self.stack.setStyleSheet(
            theme.style(self._scale, theme.LARGE_TEXT if self.large_text else 1.0)
        )

    def cover_screen(self) -> None:
        """Cover the whole screen the window is on, with or without a window manager.

        Without a window manager (a bare X session started by xinit) the full-screen hint
        is not honoured: the geometry is set to the screen's own first, then the window is
        shown full screen (a Wayland kiosk compositor such as cage honours the hint).
        """
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

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
            self._restyle()
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


class Screens(Mapping[str, Screen]):
    """The window's screens by id, each built on first use (``build`` makes one from its
    class). Iterating names every screen; :meth:`built` yields only those made so far."""

    def __init__(self, build: Any) -> None:
        self._classes = {cls.screen_id: cls for cls in SCREEN_CLASSES}
        self._build = build
        self._made: dict[str, Screen] = {}

    def __getitem__(self, screen_id: str) -> Screen:
        screen = self._made.get(screen_id)
        if screen is None:
            screen = self._build(self._classes[screen_id])  # KeyError for an unknown id
            self._made[screen_id] = screen
        return screen

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def prepare(self, screen_id: str) -> Screen:
        """The screen, built now if it was not."""
        return self[screen_id]

    def built(self) -> list[Screen]:
        return list(self._made.values())

    def build_one(self) -> bool:
        """Build the next screen not made yet; False when every screen is made."""
        for screen_id in self._classes:
            if screen_id not in self._made:
                self.prepare(screen_id)
                return True
        return False
