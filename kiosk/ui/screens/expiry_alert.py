"""expiry-alert: the auth certificate expires (or expired) within 3 months; renew it."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.texts import Text
from kiosk.ui.widgets import Choices, Screen, label


class ExpiryAlertScreen(Screen):
    screen_id = "expiry-alert"

    def build(self) -> None:
        self.when = label("alert")
        self.when.setObjectName("expiry_date")
        self.body.addWidget(self.when)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.next = self.add_actions(Choices({Event.NEXT}))

    def texts(self) -> tuple[Text, ...]:
        # the flow speaks of an expiry to come; past it (the grace months) the screen says so
        key = "expiry-alert.expired" if self.data.get("expired") else "expiry-alert.body"
        return (Text(key, {"date": self.data.get("expiry", "")}),)

    def retranslate(self) -> None:
        super().retranslate()
        title, when, *rest = self.lines()
        self.set_title(title)
        self.when.setText(when if self.data.get("expiry") else "")
        self.hint.setText("\n".join(rest))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.when.text()} {self.hint.text()}"
