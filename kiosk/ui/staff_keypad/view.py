"""The staff keypad: its own on-screen keys over the kiosk window, the sign-in and the
confirmation pages (see the package docstring)."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.i18n import say
from kiosk.ui.staff_keypad.passcode_pad import PASSCODE_DIGITS, PasscodePad

IDLE_MS = 60_000
"""The keypad closes after this long untouched (milliseconds)."""

KEY_PX = 64
"""Height of a key (staff side: smaller than the patient's 96 px, above the 48 px minimum)."""

PHOTO_PX = 300
PHOTO_TAG = "staff-keypad-photo"

LETTER_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm-._")
SYMBOL_ROWS = ("1234567890", "!@#$%&*()", "-_=+.,:;/?", "'\"<>[]{}~^\\|`")

STYLE = f"""
QWidget#staff_keypad {{ background: rgba(0, 0, 0, 150); }}
QWidget#keypad_panel {{ background: #f4f6fa; border: 3px solid #0b4f9c; border-radius: 16px; }}
QLabel {{ font-size: 24px; color: #111111; }}
QLabel[role="title"] {{ font-size: 30px; font-weight: bold; }}
QLabel[role="alert"] {{ color: #b00020; font-weight: bold; }}
QPushButton {{
    font-size: 24px; min-height: {KEY_PX}px; padding: 0 8px; border-radius: 10px;
    border: 2px solid #0b4f9c; background: #ffffff; color: #0b4f9c;
}}
QPushButton[role="primary"] {{ background: #0b4f9c; color: #ffffff; font-weight: bold; }}
QPushButton[role="field"] {{ text-align: left; color: #111111; border-color: #9a9a9a; }}
QPushButton[role="field"][active="true"] {{ border: 4px solid #0b4f9c; }}
QPushButton:checked {{ background: #d6e4f5; font-weight: bold; }}
QPushButton:disabled {{ border-color: #9a9a9a; color: #6a6a6a; background: #eeeeee; }}
"""


class Answer(Protocol):
    """The check's answer: ``verdict`` "ok", "wrong", "locked" or "unreachable"."""

    @property
    def verdict(self) -> str: ...

    @property
    def staff_id(self) -> str: ...

    @property
    def credential(self) -> str: ...

    @property
    def retry_after_s(self) -> int: ...


class StaffCheck(Protocol):
    """Who the staff at the kiosk are (:class:`~kiosk.station.on_reader.KioskStaffCheck`)."""

    def check(self, staff_id: str, password: str) -> Answer: ...

    def check_passcode(self, passcode: str) -> Answer: ...

    def passcode_set(self) -> bool | None: ...

    def mint(self) -> str: ...


def key_name(char: str) -> str:
    """A key's object name: ``key_a``, ``key_7``; symbols by code (``key_u40`` for ``@``)."""
    return f"key_{char}" if char.isalnum() else f"key_u{ord(char):x}"


def _button(name: str, role: str = "") -> QPushButton:
    widget = QPushButton()
    widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setMinimumHeight(KEY_PX)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return widget


class StaffKeypad(QWidget):
    """The overlay: sign-in (the facility's 目視 passcode on a 4-digit pad when one is set,
    else the facility password; or staff ID + password), then the chip photo with the
    answer. Emits what staff do; holds what they type only until it is sent."""

    submitted = Signal(str, str)  # staff ID ("" for the facility password), password
    passcode_submitted = Signal(str)  # the 4-digit 目視 passcode
    answered = Signal(bool)  # 本人確認OK / 確認できない
    dismissed = Signal()  # closed by the staff

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.host = parent
        self.setObjectName("staff_keypad")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.account = False  # staff ID + password (else the facility's passcode or password)
        self.passcode = False  # the facility has a 目視 passcode: its pad, not the password
        self.field = "password"  # the field the keys type into
        self.staff_id = ""
        self._password: list[str] = []
        self.shift = False
        self.symbols = False
        self.message_key = ""
        self.message_params: dict[str, Any] = {}
        self.signed_in_as = ""
        self.keys: dict[str, QPushButton] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 24, 40, 24)
        panel = QWidget()
        panel.setObjectName("keypad_panel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer.addWidget(panel)
        box = QVBoxLayout(panel)
        box.setContentsMargins(24, 16, 24, 16)
        box.setSpacing(10)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.title)
        self.pages = QStackedWidget()
        box.addWidget(self.pages, 1)
        self.pages.addWidget(self._sign_in_page())
        self.pages.addWidget(self._photo_page())
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(IDLE_MS)
        self.idle.timeout.connect(self._dismiss)
        parent.installEventFilter(self)
        self.hide()
        self.retranslate()

    # -- building ---------------------------------------------------------------------------

    def _sign_in_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        kinds = QHBoxLayout()
        self.use_facility = _button("use_facility")
        self.use_account = _button("use_account")
        for widget, account in ((self.use_facility, False), (self.use_account, True)):
            widget.setCheckable(True)
            widget.clicked.connect(lambda _=False, a=account: self._choose(a))
            kinds.addWidget(widget)
        box.addLayout(kinds)
        self.field_id = _button("field_id", "field")
        self.field_id.clicked.connect(lambda: self._focus("staff_id"))
        self.field_password = _button("field_password", "field")
        self.field_password.clicked.connect(lambda: self._focus("password"))
        box.addWidget(self.field_id)
        box.addWidget(self.field_password)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setProperty("role", "alert")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.message)
        self.board = QGridLayout()
        self.board.setSpacing(6)
        box.addLayout(self.board)
        self.pad = PasscodePad(_button)
        self.pad.digit.connect(self._type)
        box.addWidget(self.pad)
        chars = sorted({c for row in LETTER_ROWS + SYMBOL_ROWS for c in row})
        for char in chars:
            key = _button(key_name(char))
            key.setParent(page)
            key.clicked.connect(lambda _=False, c=char: self._type(c))
            self.keys[char] = key
        controls = QHBoxLayout()
        self.key_shift = _button("key_shift")
        self.key_shift.setCheckable(True)
        self.key_shift.clicked.connect(self._toggle_shift)
        self.key_symbols = _button("key_symbols")
        self.key_symbols.clicked.connect(self._toggle_symbols)
        self.key_space = _button("key_space")
        self.key_space.clicked.connect(lambda: self._type(" "))
        self.key_back = _button("key_back")
        self.key_back.clicked.connect(self._back)
        self.key_cancel = _button("key_cancel")
        self.key_cancel.clicked.connect(self._dismiss)
        self.key_ok = _button("key_ok", "primary")
        self.key_ok.clicked.connect(self._submit)
        for widget, stretch in (
            (self.key_shift, 1),
            (self.key_symbols, 1),
            (self.key_space, 3),
            (self.key_back, 1),
            (self.key_cancel, 1),
            (self.key_ok, 2),
        ):
            controls.addWidget(widget, stretch)
        box.addLayout(controls)
        self._lay_out_keys()
        return page

    def _photo_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.confirmer = QLabel()
        self.confirmer.setObjectName("confirmer")
        self.confirmer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.confirmer)
        self.photo = QLabel()
        self.photo.setObjectName("photo")
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setMinimumSize(PHOTO_PX, PHOTO_PX)
        box.addWidget(self.photo, 1)
        self.compare = QLabel()
        self.compare.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.compare.setWordWrap(True)
        box.addWidget(self.compare)
        row = QHBoxLayout()
        self.close_button = _button("close")
        self.close_button.clicked.connect(self._dismiss)
        self.confirm_ng = _button("confirm_ng")
        self.confirm_ng.clicked.connect(lambda: self._answer(False))
        self.confirm_ok = _button("confirm_ok", "primary")
        self.confirm_ok.clicked.connect(lambda: self._answer(True))
        for widget in (self.close_button, self.confirm_ng, self.confirm_ok):
            row.addWidget(widget)
        box.addLayout(row)
        return page

    def _lay_out_keys(self) -> None:
        while self.board.count():
            self.board.takeAt(0)
        for key in self.keys.values():
            key.hide()
        pad = self.passcode and not self.account
        self.pad.setVisible(pad)
        for widget in (self.key_shift, self.key_symbols, self.key_space):
            widget.setVisible(not pad)
        if pad:
            return
        rows = SYMBOL_ROWS if self.symbols else LETTER_ROWS
        for r, row in enumerate(rows):
            for c, char in enumerate(row):
                key = self.keys[char]
                key.setText(char.upper() if self.shift and char.isalpha() else char)
                self.board.addWidget(key, r, c)
                key.show()

    # -- showing ----------------------------------------------------------------------------

    def open(self) -> None:
        """Show the sign-in, empty, over the whole window."""
        self.clear()
        self.pages.setCurrentIndex(0)
        self._choose(False)
        self.setGeometry(self.host.rect())
        self.show()
        self.raise_()
        self.idle.start()

    def show_photo(self, staff_id: str) -> None:
        """Signed in: the photo page (the photo follows with :meth:`set_photo`)."""
        self.signed_in_as = staff_id
        self.photo.clear()
        self.photo.setText(say("staff-keypad.checking"))
        self.confirm_ok.setEnabled(False)
        self.confirm_ng.setEnabled(False)
        self.pages.setCurrentIndex(1)
        self.retranslate()
        self.idle.start()

    def set_photo(self, image: QImage | None) -> None:
        if image is None or image.isNull():
            self.photo.setText(say("staff-keypad.no_photo"))
        else:
            self.photo.setPixmap(
                QPixmap.fromImage(image).scaled(
                    PHOTO_PX,
                    PHOTO_PX,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        self.confirm_ok.setEnabled(True)
        self.confirm_ng.setEnabled(True)

    def refuse(self, key: str, **params: Any) -> None:
        """Back to typing, with a message (wrong password, locked, no records)."""
        self.message_key, self.message_params = key, params
        self._set_busy(False)
        self.retranslate()

    def clear(self) -> None:
        """Forget everything typed, who signed in, and the photo."""
        self.staff_id = ""
        self._password.clear()
        self.signed_in_as = ""
        self.message_key, self.message_params = "", {}
        self.shift = self.symbols = False
        self.key_shift.setChecked(False)
        self.photo.clear()
        self.confirm_ok.setEnabled(False)
        self.confirm_ng.setEnabled(False)
        self._set_busy(False)
        self._lay_out_keys()
        self.retranslate()

    def set_passcode(self, passcode: bool) -> None:
        """Whether the facility has a 目視 passcode (asked of the records when the keypad
        opens): its pad replaces the facility password, unless something is typed."""
        if passcode == self.passcode or (self._password and not self.account):
            return
        self.passcode = passcode
        if not self.account:
            self._choose(False)

    def close_keypad(self) -> None:
        self.idle.stop()
        self.hide()
        self.clear()

    @property
    def password_length(self) -> int:
        return len(self._password)

    # -- keys -------------------------------------------------------------------------------

    def _touched(self) -> None:
        self.idle.start()

    def _choose(self, account: bool) -> None:
        if account != self.account:
            self._password.clear()
        self.account = account
        self.use_facility.setChecked(not account)
        self.use_account.setChecked(account)
        self.field_id.setVisible(account)
        self._lay_out_keys()
        self._focus("staff_id" if account else "password")

    def _focus(self, field: str) -> None:
        self.field = field
        for widget, name in ((self.field_id, "staff_id"), (self.field_password, "password")):
            widget.setProperty("active", "true" if name == field else "false")
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self._touched()
        self.retranslate()

    def _type(self, char: str) -> None:
        if self.shift and char.isalpha():
            char = char.upper()
            self.shift = False
            self.key_shift.setChecked(False)
            self._lay_out_keys()
        if self.field == "staff_id":
            if len(self.staff_id) < 32:
                self.staff_id += char.lower()
        elif self.passcode and not self.account:
            if char.isdigit() and len(self._password) < PASSCODE_DIGITS:
                self._password.append(char)
        elif len(self._password) < 128:
            self._password.append(char)
        self._touched()
        self.retranslate()

    def _back(self) -> None:
        if self.field == "staff_id":
            self.staff_id = self.staff_id[:-1]
        elif self._password:
            self._password.pop()
        self._touched()
        self.retranslate()

    def _toggle_shift(self) -> None:
        self.shift = self.key_shift.isChecked()
        self._lay_out_keys()
        self._touched()

    def _toggle_symbols(self) -> None:
        self.symbols = not self.symbols
        self._lay_out_keys()
        self._touched()
        self.retranslate()

    def _submit(self) -> None:
        if not self._password or (self.account and not self.staff_id):
            return
        pad = self.passcode and not self.account
        if pad and len(self._password) != PASSCODE_DIGITS:
            self.refuse("staff-keypad.passcode_digits")
            return
        password = "".join(self._password)
        self._password.clear()
        staff_id = self.staff_id if self.account else ""
        self.message_key, self.message_params = "staff-keypad.checking", {}
        self._set_busy(True)
        self.retranslate()
        if pad:
            self.passcode_submitted.emit(password)
        else:
            self.submitted.emit(staff_id, password)

    def _answer(self, ok: bool) -> None:
        self.confirm_ok.setEnabled(False)
        self.confirm_ng.setEnabled(False)
        self.answered.emit(ok)

    def _dismiss(self) -> None:
        self.dismissed.emit()

    def _set_busy(self, busy: bool) -> None:
        for widget in (*self.keys.values(), self.key_ok, self.key_back, self.key_space):
            widget.setEnabled(not busy)
        self.pad.set_enabled(not busy)

    # -- texts and size ---------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(say("staff-keypad.title"))
        facility = "use_passcode" if self.passcode else "use_facility"
        self.use_facility.setText(say(f"staff-keypad.{facility}"))
        self.use_account.setText(say("staff-keypad.use_account"))
        self.field_id.setText(f"{say('staff-keypad.staff_id')}: {self.staff_id}")
        dots = "●" * len(self._password)
        if self.passcode and not self.account:
            dots = (dots + "○" * PASSCODE_DIGITS)[:PASSCODE_DIGITS]
            self.field_password.setText(f"{say('staff-keypad.passcode')}: {dots}")
        else:
            self.field_password.setText(f"{say('staff-keypad.password')}: {dots}")
        self.message.setText(
            say(self.message_key, **self.message_params) if self.message_key else ""
        )
        for name in ("ok", "back", "space", "shift", "cancel"):
            getattr(self, f"key_{name}").setText(say(f"staff-keypad.{name}"))
        self.key_symbols.setText(
            say("staff-keypad.letters" if self.symbols else "staff-keypad.symbols")
        )
        self.confirmer.setText(say("staff-keypad.confirmer", staff_id=self.signed_in_as))
        self.compare.setText(say("staff-keypad.compare"))
        self.confirm_ok.setText(say("staff-keypad.confirm_ok"))
        self.confirm_ng.setText(say("staff-keypad.confirm_ng"))
        self.close_button.setText(say("staff-keypad.close"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
        return False
