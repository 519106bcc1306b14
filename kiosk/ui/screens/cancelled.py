"""cancelled: the reception was stopped (cancel, card removed, inactivity); nothing recorded."""

from __future__ import annotations

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, label


class CancelledScreen(Screen):
    """Already stopped: nothing left to cancel."""

    screen_id = "cancelled"
    has_cancel = False

    def build(self) -> None:
        self.body.addStretch(1)
        self.hint = label("title")
        self.body.addWidget(self.hint)
        self.body.addStretch(2)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("受付を中止しました。"))
        self.hint.setText(tr("カードをお取りください。"))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
