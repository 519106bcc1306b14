"""The pairing code in the bottom corner of the kiosk window while this kiosk is paired with
no staff station: staff type it at the station (キオスク tab) to pair it. Hidden once paired."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.ui.i18n import say


class PairingCode(QLabel):
    """A small label over ``window``'s bottom right corner; :meth:`show_code` from any
    thread."""

    code_changed = Signal(object)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("pairing-code")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(
            "QLabel#pairing-code { background: #fff8e1; color: #333; border: 2px solid #b26a00;"
            " border-radius: 8px; padding: 8px 16px; font-size: 20px; }"
        )
        self.code: str | None = None
        self.code_changed.connect(self._show)
        window.installEventFilter(self)
        self.hide()

    def show_code(self, code: str | None) -> None:
        """``code`` (None: paired, hide it); safe from the kiosk link's thread."""
        self.code_changed.emit(code)

    def _show(self, code: object) -> None:
        self.code = code if isinstance(code, str) else None
        if self.code is None:
            self.hide()
            return
        self._words()
        self.show()
        self.raise_()

    def _words(self) -> None:
        self.setText(say("pairing.code", code=self.code or ""))
        self.adjustSize()
        self._place()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            x, y = parent.width() - self.width() - 16, parent.height() - self.height() - 16
            self.move(max(0, x), max(0, y))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        elif event.type() == QEvent.Type.LanguageChange and self.code is not None:
            self._words()
        return False
