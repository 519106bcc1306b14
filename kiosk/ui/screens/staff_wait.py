"""staff-wait: a staff member confirms the patient's identity (目視確認)."""

from __future__ import annotations

from kiosk.ui.widgets import Screen, label


class StaffWaitScreen(Screen):
    screen_id = "staff-wait"

    def build(self) -> None:
        self.body.addStretch(1)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(2)

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.set_title(title)
        self.hint.setText("\n".join(rest))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
