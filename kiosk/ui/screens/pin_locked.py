"""pin-locked: names which PIN is locked (利用者証明用), the ways left, where it is unlocked."""

from __future__ import annotations

from kiosk.ui.widgets import Choices, Screen, label


class PinLockedScreen(Screen):
    screen_id = "pin-locked"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.ways = self.add_choices(Choices())
        self.body.addWidget(self.ways)

    def retranslate(self) -> None:
        super().retranslate()
        # The kiosk only ever verifies the 利用者証明用 PIN, so that is the one it names.
        title, *rest = self.lines()
        self.title.setText(title)
        self.hint.setText("\n".join(rest))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
