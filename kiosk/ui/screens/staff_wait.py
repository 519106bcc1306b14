"""staff-wait: the desk was called and a staff member confirms the patient's identity
(目視確認); when the kiosk called the desk itself, why (no usable PIN, the face attempts
spent) above the one thing to do: wait. While the staff station cannot be reached nobody
was called, and the screen says so and sends the patient to the desk instead."""

from __future__ import annotations

from kiosk.ui.i18n import say
from kiosk.ui.widgets import Screen, label


class StaffWaitScreen(Screen):
    screen_id = "staff-wait"

    def build(self) -> None:
        self.body.addStretch(1)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.desk_notice = label("alert")  # the staff station cannot be reached
        self.desk_notice.hide()
        self.reachable = True
        self.body.addWidget(self.desk_notice)
        self.body.addStretch(2)

    def set_desk_reachable(self, reachable: bool) -> None:
        """Whether the staff can be called from here; if not, the patient goes to the desk."""
        self.reachable = reachable
        self.desk_notice.setVisible(not reachable)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        why = [self.text(i) for i in range(1, len(self.texts()))]
        if not self.reachable:  # nobody was called: one instruction, the desk
            title, rest = say("staff-wait.not_called"), []
        self.set_title(title)
        self.hint.setText("\n".join([*why, *rest]))
        self.desk_notice.setText(say("staff-wait.go_to_desk"))

    def spoken_text(self) -> str:
        notice = f" {self.desk_notice.text()}" if self.desk_notice.isVisibleTo(self) else ""
        return f"{self.title.text()} {self.hint.text()}{notice}"
