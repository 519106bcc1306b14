"""high-cost: use the high-cost medical expense system? then share the limit information
(and 特定疾病 information where relevant)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label

STAGES = ("use", "limit", "specific_disease")


class HighCostScreen(Screen):
    screen_id = "high-cost"
    high_cost_answered = Signal(str, bool)  # (stage, yes)

    def build(self) -> None:
        self.explain = label("body")
        self.body.addWidget(self.explain)
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.yes = button("primary", "high_cost_yes")
        self.no = button("", "high_cost_no")
        self.yes.clicked.connect(lambda: self._answer(True))
        self.no.clicked.connect(lambda: self._answer(False))
        row.addWidget(self.yes)
        row.addWidget(self.no)
        self.body.addLayout(row)

    def _answer(self, yes: bool) -> None:
        self.high_cost_answered.emit(str(self.data.get("stage", "use")), yes)

    def retranslate(self) -> None:
        super().retranslate()
        stage = self.data.get("stage", "use")
        if stage == "limit":
            self.title.setText(tr("限度額情報を提供しますか？"))
            self.explain.setText(tr("窓口での支払いが自己負担限度額までになります。"))
            self.yes.setText(tr("提供する"))
            self.no.setText(tr("提供しない"))
        elif stage == "specific_disease":
            self.title.setText(tr("特定疾病の情報を提供しますか？"))
            self.explain.setText(tr("特定疾病療養受療証の情報を当院に提供します。"))
            self.yes.setText(tr("提供する"))
            self.no.setText(tr("提供しない"))
        else:
            self.title.setText(tr("高額療養費制度を利用しますか？"))
            self.explain.setText(tr("医療費が高額になったとき、支払いを限度額までにする制度です。"))
            self.yes.setText(tr("利用する"))
            self.no.setText(tr("利用しない"))
