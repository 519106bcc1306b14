"""The shape of a screen that says what went wrong: the title, what happened (in the alert
colour), what to do, and the ways left as buttons. The flow's lines give them in that order."""

from __future__ import annotations

from kiosk.ui.widgets import Choices, Screen, label


class AlertScreen(Screen):
    def build(self) -> None:
        self.what = label("alert")
        self.what.setObjectName("what_happened")
        self.body.addWidget(self.what)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.ways = self.add_actions(Choices())

    def retranslate(self) -> None:
        super().retranslate()
        title, what, *rest = (*self.lines(), "")
        self.set_title(title)
        self.what.setText(what)
        self.hint.setText("\n".join(line for line in rest if line))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.what.text()} {self.hint.text()}"
