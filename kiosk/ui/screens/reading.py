"""reading: the card is being read; do not move it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer

from kiosk.ui.widgets import ProgressRing, Screen, label


class ReadingScreen(Screen):
    screen_id = "reading"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.ring = ProgressRing(180)
        self.ring.set_value(None)
        self.body.addWidget(self.ring, 1, Qt.AlignmentFlag.AlignCenter)
        self._spin = QTimer(self)
        self._spin.setInterval(80)
        self._spin.timeout.connect(self.ring.step)

    def showEvent(self, event: object) -> None:
        self._spin.start()

    def hideEvent(self, event: object) -> None:
        self._spin.stop()

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)
