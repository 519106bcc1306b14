"""pin-locked: what happened (the 利用者証明用 PIN locked after wrong entries), the ways left
(face, staff) and where it is unlocked."""

from __future__ import annotations

from kiosk.ui.widgets import Choices, Screen, label


class PinLockedScreen(Screen):
    screen_id = "pin-locked"

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
        # The kiosk only ever verifies the 利用者証明用 PIN, so that is the one it names.
        title, what, *rest = (*self.lines(), "")
        self.set_title(title)
        self.what.setText(what)
        self.hint.setText("\n".join(line for line in rest if line))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.what.text()} {self.hint.text()}"
