"""card-error: the code large (001 not recognised, 002 not a My Number card, 006 certificate
revoked or expired) with what to do; the flow returns to the start by itself."""

from __future__ import annotations

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, label


def _messages(code: str) -> tuple[str, str]:
    if code == "001":
        return tr("マイナンバーカードを認識できません。"), tr("置き直してください。")
    if code == "002":
        return tr("マイナンバーカード以外のカードです。"), tr(
            "マイナンバーカードを置いてください。"
        )
    if code == "006":
        return (
            tr("利用者証明用電子証明書が失効しているか有効期限が切れています。"),
            tr("受付窓口にお声がけください。"),
        )
    if code == "900":
        return tr("受付できませんでした。"), tr("受付窓口にお声がけください。")
    return tr("カードを読み取れませんでした。"), tr("受付窓口にお声がけください。")


class CardErrorScreen(Screen):
    screen_id = "card-error"

    def build(self) -> None:
        self.code = label("code")
        self.body.addWidget(self.code)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        code = str(self.data.get("code", "001"))
        title, hint = _messages(code)
        self.code.setText(f"【{code}】" if code != "900" else "")
        self.title.setText(title)
        self.hint.setText(hint)

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
