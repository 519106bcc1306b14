"""prescription: electronic or paper prescription (facilities issuing 電子処方箋)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button


class PrescriptionScreen(Screen):
    screen_id = "prescription"
    prescription_chosen = Signal(str)  # "electronic" | "paper"

    def build(self) -> None:
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.electronic = button("primary", "rx_electronic")
        self.paper = button("", "rx_paper")
        self.electronic.setMinimumHeight(160)
        self.paper.setMinimumHeight(160)
        self.electronic.clicked.connect(lambda: self.prescription_chosen.emit("electronic"))
        self.paper.clicked.connect(lambda: self.prescription_chosen.emit("paper"))
        row.addWidget(self.electronic)
        row.addWidget(self.paper)
        self.body.addLayout(row)
        self.body.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("処方箋の受け取り方法を選んでください"))
        self.electronic.setText(tr("電子処方箋"))
        self.paper.setText(tr("紙の処方箋"))
