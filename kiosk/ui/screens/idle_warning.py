"""idle-warning: no activity; one large 続ける button, at least 20 s to answer."""

from __future__ import annotations

from PySide6.QtCore import Signal

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label


class IdleWarningScreen(Screen):
    screen_id = "idle-warning"
    continue_requested = Signal()

    def build(self) -> None:
        self.left = label("body")
        self.left.setObjectName("seconds_left")
        self.body.addWidget(self.left)
        self.body.addStretch(1)
        self.go_on = button("primary", "continue")
        self.go_on.setMinimumHeight(200)
        self.go_on.clicked.connect(self.continue_requested)
        self.body.addWidget(self.go_on)
        self.body.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("操作がないため、まもなく最初の画面に戻ります。"))
        seconds = self.data.get("seconds_left")
        self.left.setText(
            tr("あと {n} 秒").format(n=int(seconds)) if isinstance(seconds, int | float) else ""
        )
        self.go_on.setText(tr("続ける"))
