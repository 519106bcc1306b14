"""prescription: electronic or paper prescription (facilities issuing 電子処方箋)."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.ui.widgets import Choices, Screen


class PrescriptionScreen(Screen):
    screen_id = "prescription"

    def build(self) -> None:
        self.body.addStretch(1)
        self.forms = self.add_actions(Choices({Event.PRESCRIPTION}))

    def retranslate(self) -> None:
        super().retranslate()
        self.set_title(self.text())
