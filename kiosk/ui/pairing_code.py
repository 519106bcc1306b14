"""The pairing code in a corner of the kiosk window while this kiosk is paired with no staff
station: staff type it at the station (キオスク tab) to pair it. Hidden once paired."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.ui.i18n import say


class PairingCode(QLabel):
    """A small label over ``window``'s top right corner; :meth:`show_code` from any thread."""

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
        self.setText(say("pairing.code", code=self.code))
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.move(max(0, parent.width() - self.width() - 16), 16)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
