"""face-failed: why the attempt failed (not the card's photo, no blink seen, no face found in
time, the camera or the card photo at fault), then try again / the PIN / call staff, as the
flow offers them."""

from __future__ import annotations

from kiosk.texts import catalogue
from kiosk.ui.i18n import say
from kiosk.ui.widgets import Choices, Screen, label

OWN_REASONS = ("no_match", "not_live", "timeout")
"""Reasons this screen words itself (the flow's text already words camera and photo)."""


class FaceFailedScreen(Screen):
    screen_id = "face-failed"

    def build(self) -> None:
        self.why = label("alert")
        self.why.setObjectName("face_reason")
        self.body.addWidget(self.why)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.reason = label("alert")
        self.reason.setObjectName("pin_reason")
        self.body.addWidget(self.reason)
        self.body.addStretch(1)
        self.ways = self.add_actions(Choices())

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.set_title(title)
        more = [self.text(i) for i in range(1, len(self.texts()))]
        reason = str(self.data.get("reason") or "")
        key = f"face-failed.{reason}"
        own = reason in OWN_REASONS and catalogue().has(key)
        self.why.setText(say(key) if own else "")
        self.why.setVisible(own)
        self.hint.setText("\n".join([*rest, *more]))
        self.reason.setText("\n".join(self.ways.reasons()))
        self.reason.setVisible(bool(self.reason.text()))

    def spoken_text(self) -> str:
        return " ".join(t for t in (self.title.text(), self.why.text(), self.hint.text()) if t)
