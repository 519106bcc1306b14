"""consent-item: one information item a screen, 同意する / 同意しない (valid 24 h)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label

ITEMS = ("medication", "checkups", "treatment", "surgery")


def item_texts(item: str) -> tuple[str, str]:
    """(〔name〕, question) for a consent item key."""
    if item == "medication":
        return tr("〔薬剤情報〕"), tr("過去のお薬の情報を当院に提供することに同意しますか？")
    if item == "checkups":
        return tr("〔特定健診情報〕"), tr(
            "過去の特定健診の結果を当院に提供することに同意しますか？"
        )
    if item == "treatment":
        return tr("〔診療情報〕"), tr("過去の診療の情報を当院に提供することに同意しますか？")
    if item == "surgery":
        return tr("〔手術情報〕"), tr("過去の手術の情報を当院に提供することに同意しますか？")
    return f"〔{item}〕", tr("この情報を当院に提供することに同意しますか？")


class ConsentScreen(Screen):
    screen_id = "consent-item"
    consent_answered = Signal(str, bool)  # (item, agreed)

    def build(self) -> None:
        self.question = label("body")
        self.body.addWidget(self.question)
        self.explain = label("small")
        self.body.addWidget(self.explain)
        self.step = label("small")
        self.step.setObjectName("consent_step")
        self.body.addWidget(self.step)
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.agree = button("primary", "agree")
        self.refuse = button("", "refuse")
        self.agree.clicked.connect(lambda: self._answer(True))
        self.refuse.clicked.connect(lambda: self._answer(False))
        row.addWidget(self.agree)
        row.addWidget(self.refuse)
        self.body.addLayout(row)

    def _answer(self, agreed: bool) -> None:
        self.consent_answered.emit(str(self.data.get("item", "")), agreed)

    def retranslate(self) -> None:
        super().retranslate()
        name, question = item_texts(str(self.data.get("item", "medication")))
        self.title.setText(name)
        self.question.setText(question)
        self.explain.setText(tr("同意すると、医師・薬剤師が24時間この情報を見ることができます。"))
        index, total = self.data.get("index"), self.data.get("total")
        if isinstance(index, int) and isinstance(total, int):
            self.step.setText(tr("{index} / {total} 項目").format(index=index, total=total))
        else:
            self.step.setText("")
        self.agree.setText(tr("同意する"))
        self.refuse.setText(tr("同意しない"))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.question.text()}"
