"""done: check-in complete, with a success mark; take the card (no cancel here). When the
insurance could not be confirmed the patient is not checked in: no mark, no 完了, and the
flow's text says the staff were called."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.ui.i18n import say
from kiosk.ui.widgets import ProgressRing, Screen, label


class DoneScreen(Screen):
    screen_id = "done"

    def build(self) -> None:
        self.body.addStretch(1)
        self.mark = ProgressRing(140)
        self.mark.set_done(True)
        self.body.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignCenter)
        self.hint = label("title")
        self.body.addWidget(self.hint)
        self.patient = label("fact")
        self.patient.setObjectName("patient_name")
        self.body.addWidget(self.patient)
        self.notice = label("alert")
        self.notice.setObjectName("qualification_notice")
        self.body.addWidget(self.notice)
        self.body.addStretch(2)

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.mark.setVisible(self.data.get("completed", True) is not False)
        self.set_title(title)
        self.hint.setText("\n".join(rest))
        self.notice.setText(self.text(1))
        self.notice.setVisible(bool(self.notice.text()))
        patient = self.data.get("patient_name")
        self.patient.setText(say("patient-name.shown", name=patient) if patient else "")
        self.patient.setVisible(bool(patient))

    def spoken_text(self) -> str:
        return " ".join(t for t in (self.title.text(), self.hint.text(), self.notice.text()) if t)
