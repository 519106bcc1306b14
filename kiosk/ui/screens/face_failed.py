"""face-failed: try again / the PIN / call staff, as the flow offers them (tries left, the
card's PIN); why the attempt failed when the camera or the card photo is at fault."""

from __future__ import annotations

from kiosk.ui.widgets import Choices, Screen, label


class FaceFailedScreen(Screen):
    screen_id = "face-failed"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.reason = label("alert")
        self.reason.setObjectName("pin_reason")
        self.body.addWidget(self.reason)
        self.body.addStretch(1)
        self.ways = self.add_choices(Choices(row=False))
        self.body.addWidget(self.ways)

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.title.setText(title)
        more = [self.text(i) for i in range(1, len(self.texts()))]
        self.hint.setText("\n".join([*rest, *more]))
        self.reason.setText("\n".join(self.ways.reasons()))
        self.reason.setVisible(bool(self.reason.text()))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}".strip()
