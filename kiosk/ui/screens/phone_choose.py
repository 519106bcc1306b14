"""phone-choose: which smartphone the patient holds — iPhone or Android (two large tiles) —
or the マイナポータル screen shown to the staff instead (action bar)."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.ui.widgets import Choices, Screen, label


class PhoneChooseScreen(Screen):
    screen_id = "phone-choose"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.kinds = self.add_choices(Choices({Event.PHONE_OS}, primary=False, role="tile"))
        self.body.addWidget(self.kinds)
        self.body.addStretch(1)
        self.portal = self.add_actions(Choices({Event.CALL_STAFF}, primary=False))

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
