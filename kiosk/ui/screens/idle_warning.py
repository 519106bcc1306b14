"""idle-warning: no activity; the seconds left counted down large, 続ける at the expected
place, at least 20 s to answer."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.ui.i18n import say
from kiosk.ui.widgets import Choices, Screen, label


class IdleWarningScreen(Screen):
    screen_id = "idle-warning"

    def build(self) -> None:
        self.body.addStretch(1)
        self.left = label("count")
        self.left.setObjectName("seconds_left")
        self.body.addWidget(self.left)
        self.body.addStretch(1)
        self.go_on = self.add_actions(Choices({Event.CONTINUE}))

    def retranslate(self) -> None:
        super().retranslate()
        self.set_title(self.text())
        seconds = self.data.get("seconds_left")
        self.left.setText(
            say("idle-warning.seconds", n=int(seconds)) if isinstance(seconds, int | float) else ""
        )
