"""pin-locked: names which PIN is locked (利用者証明用), the ways left, where it is unlocked."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from kiosk.ui.i18n import tr
from kiosk.ui.widgets import Screen, button, label


class PinLockedScreen(Screen):
    screen_id = "pin-locked"
    method_chosen = Signal(str)  # "face" | "staff"

    def build(self) -> None:
        self.ways = label("body")
        self.body.addWidget(self.ways)
        self.where = label("body")
        self.body.addWidget(self.where)
        self.body.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.face = button("primary", "locked_face")
        self.staff = button("", "locked_staff")
        self.face.clicked.connect(lambda: self.method_chosen.emit("face"))
        self.staff.clicked.connect(lambda: self.method_chosen.emit("staff"))
        row.addWidget(self.face)
        row.addWidget(self.staff)
        self.body.addLayout(row)

    def retranslate(self) -> None:
        super().retranslate()
        # The kiosk only ever verifies the 利用者証明用 PIN, so that is the one it names.
        self.title.setText(tr("暗証番号がロックされました（利用者証明用）。"))
        self.ways.setText(tr("顔認証または職員による確認で受付できます。"))
        self.where.setText(tr("ロックの解除はお住まいの市区町村の窓口で行えます。"))
        self.face.setText(tr("顔認証"))
        self.staff.setText(tr("職員を呼ぶ"))
        self.face.setVisible(bool(self.data.get("can_use_face", True)))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.ways.text()}"
