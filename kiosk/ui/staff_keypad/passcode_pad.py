"""The reader's own 4-digit pad for the facility's 目視 passcode: ten digit keys in the
telephone order of a reader's PIN pad, shown on the staff keypad in place of the letters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

PASSCODE_DIGITS = 4
PAD_ROWS = ("123", "456", "789", " 0 ")


def pad_key_name(digit: str) -> str:
    """A pad key's object name: ``pad_7`` (the letter board's digits are ``key_7``)."""
    return f"pad_{digit}"


class PasscodePad(QWidget):
    """Emits ``digit`` for each key; holds nothing itself."""

    digit = Signal(str)

    def __init__(self, make_key: Callable[[str], QPushButton]) -> None:
        super().__init__()
        self.setObjectName("passcode_pad")
        grid = QGridLayout(self)
        grid.setContentsMargins(120, 0, 120, 0)
        grid.setSpacing(8)
        self.keys: dict[str, QPushButton] = {}
        for r, row in enumerate(PAD_ROWS):
            for c, char in enumerate(row):
                if char == " ":
                    continue
                key = make_key(pad_key_name(char))
                key.setText(char)
                key.clicked.connect(lambda _=False, d=char: self.digit.emit(d))
                grid.addWidget(key, r, c)
                self.keys[char] = key

    def set_enabled(self, enabled: bool) -> None:
        for key in self.keys.values():
            key.setEnabled(enabled)
