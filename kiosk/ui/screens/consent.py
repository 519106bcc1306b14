"""consent-item: one information item a screen, 同意する / 同意しない side by side in the body
and alike (neither is pushed), away from 「やめる」; how long the doctors may see it (24 hours
from now) stands out, not in small print."""

from __future__ import annotations

from kiosk.reception import Event
from kiosk.texts import Text
from kiosk.ui.i18n import say
from kiosk.ui.widgets import Choices, Screen, label


class ConsentScreen(Screen):
    screen_id = "consent-item"

    def build(self) -> None:
        self.patient = label("fact")
        self.patient.setObjectName("patient_name")
        self.body.addWidget(self.patient)
        self.question = label("body")
        self.body.addWidget(self.question)
        self.explain = label("fact")
        self.explain.setObjectName("hours")
        self.body.addWidget(self.explain)
        self.answers = self.add_answers(Choices({Event.CONSENT}, primary=False, role="answer"))
        self.body.addStretch(1)

    def texts(self) -> tuple[Text, ...]:
        body = self.data.get("body")
        if body:
            return tuple(body)
        item = str(self.data.get("item", "medication"))
        names = {"name": Text(f"consent.{item}"), "what": Text(f"consent-what.{item}")}
        return (Text("consent-item.body", names),)

    def retranslate(self) -> None:
        super().retranslate()
        name, *question = self.lines()
        self.set_title(name)
        self.question.setText("".join(question))
        self.explain.setText(say("consent-item.explain", hours=self.data.get("hours", 24)))
        patient = self.data.get("patient_name")
        self.patient.setText(say("patient-name.shown", name=patient) if patient else "")
        self.patient.setVisible(bool(patient))
        index, total = self.data.get("index"), self.data.get("total")
        if isinstance(index, int) and isinstance(total, int):
            self.step.setText(say("consent-item.step", index=index, total=total))
        else:
            self.step.setText("")

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.question.text()} {self.explain.text()}"
