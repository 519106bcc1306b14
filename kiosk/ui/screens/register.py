"""register: the card is not registered for health-insurance use; register now?"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label


class RegisterScreen(Screen):
    screen_id = "register"
    register_answered = Signal(bool)

    def build(self) -> None:
        self.question = label("body")
        self.body.addWidget(self.question)
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.yes = button("primary", "register_yes")
        self.no = button("", "register_no")
        self.yes.clicked.connect(lambda: self.register_answered.emit(True))
        self.no.clicked.connect(lambda: self.register_answered.emit(False))
        row.addWidget(self.yes)
        row.addWidget(self.no)
        self.body.addLayout(row)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("健康保険証として利用するための登録がされていません。"))
        self.question.setText(tr("登録しますか？"))
        self.yes.setText(tr("登録する"))
        self.no.setText(tr("登録しない"))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.question.text()}"
