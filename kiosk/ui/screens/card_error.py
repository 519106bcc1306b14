"""card-error: the code large (001 not recognised, 002 not a My Number card, 006 certificate
revoked or expired; none for the kiosk's own failure) with what to do; the flow returns to
the start by itself."""

from __future__ import annotations

from kiosk.texts import Text
from kiosk.ui.widgets import Screen, label
from kiosk.vocabulary import ReaderError


class CardErrorScreen(Screen):
    screen_id = "card-error"

    def build(self) -> None:
        self.code = label("code")
        self.body.addWidget(self.code)
        self.hint = label("body")
        self.body.addWidget(self.hint)
        self.body.addStretch(1)

    def texts(self) -> tuple[Text, ...]:
        body = self.data.get("body")
        code = str(self.data.get("code", ReaderError.NOT_RECOGNISED.value))
        return tuple(body) if body else (Text(f"card-error.{code}"),)

    def retranslate(self) -> None:
        super().retranslate()
        code, title, *rest = self.lines()  # the catalogue's card-error lines
        self.code.setText(code)
        self.code.setVisible(bool(code))
        self.title.setText(title)
        self.hint.setText("\n".join(rest))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
