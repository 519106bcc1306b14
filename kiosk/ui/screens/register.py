"""register: the card is not registered for health-insurance use; register now?"""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.ui.widgets import Choices, Screen, label


class RegisterScreen(Screen):
    screen_id = "register"

    def build(self) -> None:
        self.question = label("body")
        self.body.addWidget(self.question)
        self.body.addStretch(1)
        self.answers = self.add_actions(Choices({Event.REGISTER}))

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.set_title(title)
        self.question.setText("\n".join(rest))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.question.text()}"
