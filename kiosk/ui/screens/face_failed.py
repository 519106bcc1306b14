"""face-failed: try again / use the PIN / call staff, as the tries left and the card allow."""

from __future__ import annotations

from PySide6.QtCore import Signal

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label


class FaceFailedScreen(Screen):
    screen_id = "face-failed"
    method_chosen = Signal(str)  # "face" | "pin" | "staff"

    def build(self) -> None:
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)
        self.retry = button("primary", "retry_face")
        self.pin = button("", "use_pin")
        self.staff = button("", "call_staff")
        for choice, method in ((self.retry, "face"), (self.pin, "pin"), (self.staff, "staff")):
            choice.clicked.connect(lambda _=False, m=method: self.method_chosen.emit(m))
            self.body.addWidget(choice)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("顔認証できませんでした。"))
        reason = self.data.get("face_reason", "")
        if reason == "camera":
            why = tr("カメラを使用できません。")
        elif reason == "photo":
            why = tr("カードの顔写真を読み取れませんでした。")
        else:
            why = ""
        self.hint.setText(
            f"{why}{tr('方法を選んでください。')}" if why else tr("方法を選んでください。")
        )
        self.retry.setText(tr("もう一度"))
        self.pin.setText(tr("暗証番号で確認"))
        self.staff.setText(tr("職員を呼ぶ"))
        self.retry.setVisible(bool(self.data.get("can_retry", True)))
        self.pin.setVisible(bool(self.data.get("can_use_pin", True)))
