"""expiry-alert: the auth certificate expires (or expired) within 3 months; renew it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label


class ExpiryAlertScreen(Screen):
    screen_id = "expiry-alert"
    proceed = Signal()

    def build(self) -> None:
        self.when = label("alert")
        self.body.addWidget(self.when)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.next = button("primary", "next")
        self.next.clicked.connect(self.proceed)
        self.body.addWidget(self.next)

    def retranslate(self) -> None:
        super().retranslate()
        expiry = self.data.get("expiry")
        if isinstance(self.data.get("expired"), bool) and self.data["expired"]:
            self.title.setText(tr("電子証明書の有効期限が切れています。"))
        else:
            self.title.setText(tr("電子証明書の有効期限が近づいています。"))
        if isinstance(expiry, date):
            self.when.setText(
                tr("期限：{year}年{month}月{day}日").format(
                    year=expiry.year, month=expiry.month, day=expiry.day
                )
            )
        else:
            self.when.setText("")
        self.hint.setText(tr("お住まいの市区町村で更新してください。"))
        self.next.setText(tr("次へ"))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
