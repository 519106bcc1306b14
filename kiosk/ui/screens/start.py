"""start: place the card, photo side up; the language switch 日本語 / English."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.qtfix import emit
from kiosk.ui.widgets import Screen, button, label


class StartScreen(Screen):
    """The idle screen. Nothing to cancel here, so no やめる."""

    screen_id = "start"
    has_cancel = False
    language_chosen = Signal(str)

    def build(self) -> None:
        self.body.addStretch(1)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        # Each language names itself: these two labels are the same in every language.
        for code, name in (("ja", "日本語"), ("en", "English")):
            choice = button("", f"lang_{code}")
            choice.setText(name)
            choice.setMaximumWidth(320)
            choice.clicked.connect(lambda _=False, c=code: emit(self.language_chosen, c))
            row.addWidget(choice)
        row.addStretch(1)
        self.body.addLayout(row)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("マイナンバーカードを置いてください。"))
        self.hint.setText(tr("顔写真を上にして置いてください。"))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
