"""high-cost, limit-consent, specific-disease: use the high-cost medical expense system? then
share the limit information (and 特定疾病 information where relevant). One widget shows the
three steps; ``stage`` is the flow's screen id. The two answers sit side by side in the body
and alike (neither is pushed), away from 「やめる」."""

from __future__ import annotations

from kiosk.texts import Text
from kiosk.ui.i18n import say
from kiosk.ui.widgets import Choices, Screen, label

STAGES = ("high-cost", "limit-consent", "specific-disease")


class HighCostScreen(Screen):
    screen_id = "high-cost"

    def build(self) -> None:
        self.explain = label("body")
        self.body.addWidget(self.explain)
        self.answers = self.add_answers(Choices(primary=False, role="answer"))
        self.body.addStretch(1)

    @property
    def stage(self) -> str:
        stage = str(self.data.get("stage", STAGES[0]))
        return stage if stage in STAGES else STAGES[0]

    def texts(self) -> tuple[Text, ...]:
        body = self.data.get("body")
        return tuple(body) if body else (Text(f"{self.stage}.body"),)

    def retranslate(self) -> None:
        super().retranslate()
        self.set_title(self.text())
        self.explain.setText(say(f"{self.stage}.explain"))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.explain.text()}"
