"""method: choose face or PIN. No PIN for a face-only card; a locked auth PIN is shown
disabled with the reason and where it is unlocked."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label


class MethodScreen(Screen):
    screen_id = "method"
    method_chosen = Signal(str)  # "face" | "pin" | "staff"

    def build(self) -> None:
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.face = button("primary", "method_face")
        self.pin = button("", "method_pin")
        self.face.setMinimumHeight(180)
        self.pin.setMinimumHeight(180)
        self.face.clicked.connect(lambda: self.method_chosen.emit("face"))
        self.pin.clicked.connect(lambda: self.method_chosen.emit("pin"))
        row.addWidget(self.face)
        row.addWidget(self.pin)
        self.body.addLayout(row)
        self.staff = button("", "method_staff")
        self.staff.clicked.connect(lambda: self.method_chosen.emit("staff"))
        self.body.addWidget(self.staff)
        self.reason = label("alert")
        self.reason.setObjectName("pin_reason")
        self.body.addWidget(self.reason)
        self.body.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(tr("本人確認の方法を選んでください"))
        self.face.setText(tr("顔認証"))
        self.pin.setText(tr("暗証番号"))
        self.staff.setText(tr("職員を呼ぶ"))
        self.staff.setVisible(bool(self.data.get("can_call_staff", True)))
        face_only = bool(self.data.get("face_only"))
        locked = bool(self.data.get("pin_locked"))
        self.pin.setVisible(not face_only)
        self.pin.setEnabled(not locked)
        if locked and not face_only:
            self.reason.setText(
                tr(
                    "暗証番号（利用者証明用）はロックされているため使えません。"
                    "ロックの解除はお住まいの市区町村の窓口で行えます。"
                )
            )
        else:
            self.reason.setText("")
        self.reason.setVisible(bool(self.reason.text()))
