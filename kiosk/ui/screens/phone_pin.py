"""phone-pin: the Android phone's 利用者証明用 PIN typed on the kiosk (the card's keypad,
masked ●●●●), tries left as the phone reported them, then the phone is held over the reader.
The digits leave this widget once, on 確定, and are forgotten."""

from __future__ import annotations

from kiosk.ui.i18n import say
from kiosk.ui.screens.pin import PinScreen


class PhonePinScreen(PinScreen):
    screen_id = "phone-pin"

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.set_title(title)
        tries = self.data.get("tries_left")
        wrong = bool(self.data.get("wrong")) and isinstance(tries, int) and tries > 0
        self.message.setText(say("phone-pin.wrong", n=tries) if wrong else "")
        self.message.setVisible(wrong)
        self.last_try.setVisible(False)
        # what comes next, beside the keypad (no extra row: the screen keeps the pin's size)
        left = [say("pin.tries", n=tries)] if isinstance(tries, int) else []
        self.tries.setText("\n".join([*rest, *left]))
        self.tries.setVisible(not wrong)
