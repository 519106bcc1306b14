"""method: choose face or PIN (two large tiles), or call staff (action bar). The flow offers
no PIN for a face-only card; a locked auth PIN is shown disabled with the flow's reason (and
where it is unlocked)."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.ui.widgets import Choices, Screen, label


class MethodScreen(Screen):
    screen_id = "method"

    def build(self) -> None:
        self.body.addStretch(1)
        self.methods = self.add_choices(
            Choices({Event.CHOOSE_FACE, Event.CHOOSE_PIN}, primary=False, role="tile")
        )
        self.body.addWidget(self.methods)
        self.reason = label("alert")
        self.reason.setObjectName("pin_reason")
        self.body.addWidget(self.reason)
        self.body.addStretch(1)
        self.staff = self.add_actions(Choices({Event.CALL_STAFF}, primary=False))

    def retranslate(self) -> None:
        super().retranslate()
        self.set_title(self.text())
        self.reason.setText("\n".join(self.methods.reasons()))
        self.reason.setVisible(bool(self.reason.text()))
