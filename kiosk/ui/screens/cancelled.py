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
        title, *rest = self.lines()
        self.set_title(title)
        self.hint.setText("\n".join(rest))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
