"""done: check-in complete; take the card (no cancel here). When the insurance could not be
confirmed, the flow's second text says so."""

from __future__ import annotations

from kiosk.ui.widgets import Screen, label


class DoneScreen(Screen):
    screen_id = "done"

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
        title, *rest = self.lines()
        self.title.setText(title)
        self.hint.setText("\n".join(rest))
        self.notice.setText(self.text(1))
        self.notice.setVisible(bool(self.notice.text()))

    def spoken_text(self) -> str:
        return " ".join(t for t in (self.title.text(), self.hint.text(), self.notice.text()) if t)
