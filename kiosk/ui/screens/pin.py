"""pin: a 4-digit pad, digits masked ●●●●, 訂正 on the pad and 確定 at the expected place, the
tries left as the card reports them, a prominent warning at the last try (with face
authentication offered), and the other ways the flow offers (face, staff).

The digits live only in this widget until 確定; then they are sent once as
``chosen(Event.PIN_ENTERED, digits)`` and forgotten. They are never logged or shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout

from kiosk.reception import Event
from kiosk.ui.i18n import say
from kiosk.ui.widgets import Choices, Screen, button, label

PIN_LENGTH = 4


class PinScreen(Screen):
    screen_id = "pin"

    def build(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._digits = ""
        row = QHBoxLayout()
        row.setSpacing(40)
        left = QVBoxLayout()
        left.addStretch(1)
        self.dots = label("dots", wrap=False)
        self.dots.setObjectName("dots")
        left.addWidget(self.dots)
        self.tries = label("body")
        self.tries.setObjectName("tries")
        left.addWidget(self.tries)
        self.message = label("alert")
        self.message.setObjectName("wrong_pin")
        left.addWidget(self.message)
        self.last_try = label("warning")
        self.last_try.setObjectName("last_try")
        self.last_try.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        left.addWidget(self.last_try)
        left.addStretch(1)
        row.addLayout(left, 1)
        pad = QGridLayout()
        pad.setSpacing(12)
        self.keys = {}
        for index, digit in enumerate("123456789"):
            key = button("key", f"key_{digit}")
            key.setText(digit)
            key.clicked.connect(lambda _=False, d=digit: self.press(d))
            pad.addWidget(key, index // 3, index % 3)
            self.keys[digit] = key
        self.clear = button("", "key_clear")
        self.clear.clicked.connect(self.correct)
        zero = button("key", "key_0")
        zero.setText("0")
        zero.clicked.connect(lambda: self.press("0"))
        self.keys["0"] = zero
        pad.addWidget(self.clear, 3, 0)
        pad.addWidget(zero, 3, 1)
        row.addLayout(pad, 1)
        self.body.addLayout(row, 1)
        self.ways = self.add_actions(Choices(primary=False))
        self.ok = button("primary", "key_ok")
        self.ok.clicked.connect(self.confirm)
        self.set_primary(self.ok)
        self._refresh()

    def press(self, digit: str) -> None:
        if len(self._digits) < PIN_LENGTH:
            self._digits += digit
        self._refresh()

    def correct(self) -> None:
        """訂正: clear what was typed."""
        self._digits = ""
        self._refresh()

    def confirm(self) -> None:
        """確定: hand the 4 digits to the flow and forget them."""
        if len(self._digits) != PIN_LENGTH:
            return
        digits, self._digits = self._digits, ""
        self._refresh()
        self.chosen.emit(Event.PIN_ENTERED, digits)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit() and len(text) == 1:
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.correct()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
        else:
            super().keyPressEvent(event)

    def show_data(self, data: dict[str, object]) -> None:
        self._digits = ""
        super().show_data(data)
        self._refresh()

    def _refresh(self) -> None:
        self.dots.setText("●" * len(self._digits) + "○" * (PIN_LENGTH - len(self._digits)))
        self.ok.setEnabled(len(self._digits) == PIN_LENGTH)

    def retranslate(self) -> None:
        super().retranslate()
        self.set_title(self.text())
        tries = self.data.get("tries_left")
        self.tries.setText(say("pin.tries", n=tries) if isinstance(tries, int) else "")
        last = tries == 1
        wrong = bool(self.data.get("wrong")) and isinstance(tries, int)
        face = self.ways.button_for(Event.CHOOSE_FACE)
        offer_face = face is not None and face.isEnabled()
        if last:  # one framed warning says it all: wrong, one try left, what to do
            warning = say("pin.last_try_face" if offer_face else "pin.last_try")
            self.last_try.setText(f"{say('pin.wrong_last')}\n{warning}" if wrong else warning)
            self.message.setText("")
        else:
            self.last_try.setText("")
            self.message.setText(say("pin.wrong", n=tries) if wrong else "")
        self.message.setVisible(bool(self.message.text()))
        self.last_try.setVisible(last)
        self.tries.setVisible(not last)  # the warning says it: one try left
        self.clear.setText(say("pin.clear"))
        self.ok.setText(say("pin.ok"))

    def spoken_text(self) -> str:
        said = [t for t in (self.message.text(), self.last_try.text()) if t]
        return " ".join(said) if said else self.title.text()
