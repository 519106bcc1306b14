"""done: check-in complete; take the card (no cancel here)."""

from __future__ import annotations

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, label


class DoneScreen(Screen):
    screen_id = "done"
    has_cancel = False

    def build(self) -> None:
        self.body.addStretch(1)
        self.hint = label("title")
        self.body.addWidget(self.hint)
        self.notice = label("alert")
        self.notice.setObjectName("qualification_notice")
        self.body.addWidget(self.notice)
        self.body.addStretch(2)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("受付が完了しました。"))
        self.hint.setText(tr("カードをお取りください。"))
        validity = self.data.get("validity")
        self.notice.setText(
            tr("資格情報を確認できませんでした。受付窓口にお声がけください。")
            if validity not in (None, 1)
            else ""
        )

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
