"""card-error: the code large (001 not recognised, 002 not a My Number card, 006 certificate
revoked or expired; none for the kiosk's own failure), what happened and what to do, and the
flow's button (read again, or call the staff); the screen stays until the card is taken."""

from __future__ import annotations

from kiosk.texts import Text
from kiosk.ui.widgets import Choices, Screen, label
from kiosk.vocabulary import ReaderError


class CardErrorScreen(Screen):
    screen_id = "card-error"

    def build(self) -> None:
        self.code = label("code")
        self.code.setObjectName("code")
        self.body.addWidget(self.code)
        self.hint = label("body")
        self.hint.setObjectName("what_to_do")
        self.body.addWidget(self.hint)
        self.more = label("fact")
        self.more.setObjectName("take_card")
        self.body.addWidget(self.more)
        self.body.addStretch(1)
        self.answers = self.add_actions(Choices())

    def texts(self) -> tuple[Text, ...]:
        body = self.data.get("body")
        code = str(self.data.get("code", ReaderError.NOT_RECOGNISED.value))
        return tuple(body) if body else (Text(f"card-error.{code}"),)

    def retranslate(self) -> None:
        super().retranslate()
        code, title, *rest = self.lines()  # the catalogue's card-error lines
        self.code.setText(code)
        self.code.setVisible(bool(code))
        self.set_title(title)
        self.hint.setText("\n".join(rest))
        more = [self.text(i) for i in range(1, len(self.texts()))]
        self.more.setText("\n".join(more))
        self.more.setVisible(bool(more))

    def spoken_text(self) -> str:
        return " ".join(t for t in (self.title.text(), self.hint.text(), self.more.text()) if t)
