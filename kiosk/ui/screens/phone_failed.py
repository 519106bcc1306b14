"""phone-failed: why the smartphone cannot be used (its PIN locked, the iPhone's Face ID /
Touch ID, its certificate expired or revoked — also when the card expired —, a card held
over the phone reader) and what to do: hold it again when that can help, or show the
マイナポータル screen to the staff."""

from __future__ import annotations

from kiosk.ui.widgets import Choices, Screen, label


class PhoneFailedScreen(Screen):
    screen_id = "phone-failed"

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
