"""cancelled: the reception was stopped (cancel, card removed, inactivity); nothing recorded."""

from __future__ import annotations

from kiosk.ui.widgets import Screen, label


class CancelledScreen(Screen):
    """Already stopped: nothing left to cancel."""

    screen_id = "cancelled"

    def build(self) -> None:
        self.body.addStretch(1)
        self.hint = label("title")
        self.body.addWidget(self.hint)
        self.body.addStretch(2)

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
