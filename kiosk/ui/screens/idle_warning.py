"""idle-warning: no activity; one large 続ける button, at least 20 s to answer."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.ui.i18n import say
from kiosk.ui.widgets import Choices, Screen, label


class IdleWarningScreen(Screen):
    screen_id = "idle-warning"

    def build(self) -> None:
        self.left = label("body")
        self.left.setObjectName("seconds_left")
        self.body.addWidget(self.left)
        self.body.addStretch(1)
        self.go_on = self.add_choices(Choices({Event.CONTINUE}, height=200))
        self.body.addWidget(self.go_on)
        self.body.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.text())
        seconds = self.data.get("seconds_left")
        self.left.setText(
            say("idle-warning.seconds", n=int(seconds)) if isinstance(seconds, int | float) else ""
        )
