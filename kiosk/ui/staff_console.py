"""The staff console: a separate window behind the staff password, for developers and trainers
at the simulator (outside kiosk mode only; in kiosk mode staff use the staff station and the
reader's keypad).

It switches the kiosk between 無人 and 目視確認, shows the waiting patient's chip photo beside
the live camera image with 本人確認OK / 確認できない, lists every PIN of the card with its
tries left — named in full so that 券面事項入力補助用 is never taken for 利用者証明用 — and
where a locked one is unlocked, today's receptions and consents, and the facility settings.
It never asks for, shows or takes a patient's PIN.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.card.pins import PINS
from kiosk.texts import catalogue

PHOTO_PX = 240


def pin_rows(statuses: Sequence[Any], language: str) -> list[tuple[str, str, str]]:
    """(name with format, tries left / limit, where it is unlocked) for each PinStatus."""

    rows = []
    for status in statuses:
        info = PINS[status.kind]
        name = info.label_ja if language == "ja" else info.label_en
        count = f"{status.tries_left} / {status.limit}"
        if status.tries_left <= 0:
            count = f"{count}  {catalogue().get('staff.locked', language)}"
            where = status.unlock_ja if language == "ja" else status.unlock_en
        else:
            where = ""
        rows.append((name, count, where))
    return rows


def jp2_to_image(data: bytes) -> QImage | None:
    """The chip's JPEG 2000 photo as a QImage (decoded with Pillow; None when it cannot be)."""
    import io

    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as photo:
            rgb = photo.convert("RGB")
            raw = rgb.tobytes()
            image = QImage(raw, rgb.width, rgb.height, 3 * rgb.width, QImage.Format.Format_RGB888)
            return image.copy()
    except Exception:  # a broken photo only leaves the box empty
        return None


class StaffConsole(QWidget):
    """Signals carry the staff's decisions; the controller turns them into flow events."""

    mode_requested = Signal(bool, str)  # (visual, credential)
    confirm_requested = Signal(bool)  # 本人確認OK (True) / 確認できない (False)
    pins_requested = Signal()
    exit_requested = Signal()

    def __init__(
        self,
        check_password: Callable[[str], bool],
        *,
        language: Callable[[], str] = lambda: "ja",
        settings_text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("staff_console")
        self.setStyleSheet(
            "QWidget { font-size: 16px; } QPushButton { min-height: 40px; font-size: 16px; }"
            ' QPushButton[role="primary"] { background: #0b4f9c; color: white; }'
        )
        self._check = check_password
        self._language = language
        self._credential = ""
        self.visual = False
        self._statuses: list[Any] = []
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)
        self.pages.addWidget(self._login_page())
        self.pages.addWidget(self._main_page(settings_text))
        self.retranslate()

    # -- pages ----------------------------------------------------------------------------
    def _login_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.login_label = QLabel()
        layout.addWidget(self.login_label)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.log_in)
        layout.addWidget(self.password)
        self.login = QPushButton()
        self.login.setObjectName("login")
        self.login.clicked.connect(self.log_in)
        layout.addWidget(self.login)
        self.login_message = QLabel()
        self.login_message.setObjectName("login_message")
        self.login_message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.login_message)
        layout.addStretch(1)
        return page

    def _main_page(self, settings_text: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("mode_label")
        top.addWidget(self.mode_label, 1)
        self.unattended = QPushButton()
        self.unattended.setObjectName("mode_unattended")
        self.unattended.clicked.connect(lambda: self._mode(False))
        self.visual_button = QPushButton()
        self.visual_button.setObjectName("mode_visual")
        self.visual_button.clicked.connect(lambda: self._mode(True))
        top.addWidget(self.unattended)
        top.addWidget(self.visual_button)
        self.logout = QPushButton()
        self.logout.clicked.connect(self.log_out)
        top.addWidget(self.logout)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        # 目視確認
        check = QWidget()
        grid = QGridLayout(check)
        self.photo_title, self.live_title = QLabel(), QLabel()
        self.photo, self.live = QLabel(), QLabel()
        for box in (self.photo, self.live):
            box.setFixedSize(PHOTO_PX, PHOTO_PX * 4 // 3)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.setStyleSheet("background: #202830; color: white;")
        self.photo.setObjectName("chip_photo")
        self.live.setObjectName("live_image")
        grid.addWidget(self.photo_title, 0, 0)
        grid.addWidget(self.live_title, 0, 1)
        grid.addWidget(self.photo, 1, 0)
        grid.addWidget(self.live, 1, 1)
        self.waiting = QLabel()
        self.waiting.setObjectName("waiting")
        grid.addWidget(self.waiting, 2, 0, 1, 2)
        self.confirm_ok = QPushButton()
        self.confirm_ok.setObjectName("confirm_ok")
        self.confirm_ng = QPushButton()
        self.confirm_ng.setObjectName("confirm_ng")
        self.confirm_ok.clicked.connect(lambda: self.confirm_requested.emit(True))
        self.confirm_ng.clicked.connect(lambda: self.confirm_requested.emit(False))
        grid.addWidget(self.confirm_ok, 3, 0)
        grid.addWidget(self.confirm_ng, 3, 1)
        self.tabs.addTab(check, "")
        # PINs
        pins = QWidget()
        pins_layout = QVBoxLayout(pins)
        self.pin_table = QTableWidget(0, 3)
        self.pin_table.setObjectName("pin_table")
        self.pin_table.verticalHeader().setVisible(False)
        self.pin_table.horizontalHeader().setStretchLastSection(True)
        self.pin_table.setWordWrap(True)
        pins_layout.addWidget(self.pin_table, 1)
        self.unlock_info = QLabel()
        self.unlock_info.setObjectName("unlock_info")
        self.unlock_info.setWordWrap(True)
        self.unlock_info.setStyleSheet("color: #b00020;")
        pins_layout.addWidget(self.unlock_info)
        self.pins_refresh = QPushButton()
        self.pins_refresh.setObjectName("pins_refresh")
        self.pins_refresh.clicked.connect(lambda: self.pins_requested.emit())
        pins_layout.addWidget(self.pins_refresh)
        self.tabs.addTab(pins, "")
        # today
        self.today = QTableWidget(0, 4)
        self.today.setObjectName("today")
        self.today.verticalHeader().setVisible(False)
        self.today.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.today, "")
        # settings
        self.settings = QPlainTextEdit(settings_text)
        self.settings.setReadOnly(True)
        self.tabs.addTab(self.settings, "")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.exit_kiosk = QPushButton()
        self.exit_kiosk.setObjectName("exit_kiosk")
        self.exit_kiosk.clicked.connect(lambda: self.exit_requested.emit())
        bottom.addWidget(self.exit_kiosk)
        layout.addLayout(bottom)
        self.set_waiting(False)
        return page

    # -- actions --------------------------------------------------------------------------
    def log_in(self) -> None:
        """Check the password (salted scrypt hash); keep it only while logged in."""
        attempt = self.password.text()
        self.password.clear()
        if attempt and self._check(attempt):
            self._credential = attempt
            self.login_message.clear()
            self.pages.setCurrentIndex(1)
        else:
            self.login_message.setText(self._say("staff.wrong_password"))

    def log_out(self) -> None:
        self._credential = ""
        self.pages.setCurrentIndex(0)

    @property
    def logged_in(self) -> bool:
        return bool(self._credential)

    def _mode(self, visual: bool) -> None:
        if self._credential:
            self.mode_requested.emit(visual, self._credential)

    # -- what the flow says ---------------------------------------------------------------
    def set_mode(self, visual: bool) -> None:
        self.visual = visual
        self.retranslate()

    def set_waiting(self, waiting: bool) -> None:
        """A patient waits for 目視確認 (the confirm buttons work only then)."""
        self._waiting = waiting
        self.confirm_ok.setEnabled(waiting and self.visual)
        self.confirm_ng.setEnabled(waiting and self.visual)
        if not waiting:
            self.photo.clear()
            self.live.clear()
        self.retranslate()

    def set_photo(self, image: QImage | None) -> None:
        if image is None:
            self.photo.setText(self._say("staff.no_photo"))
            return
        self.photo.setPixmap(
            QPixmap.fromImage(image).scaled(self.photo.size(), Qt.AspectRatioMode.KeepAspectRatio)
        )

    def _say(self, key: str) -> str:
        """A staff text in the staff's language (never the patient's choice)."""
        return catalogue().get(key, self._language())

    def set_live(self, image: QImage | None) -> None:
        """The camera image while a patient waits for a check; None clears it."""
        if image is None:
            self.live.clear()
            return
        if self._waiting:
            self.live.setPixmap(
                QPixmap.fromImage(image).scaled(
                    self.live.size(), Qt.AspectRatioMode.KeepAspectRatio
                )
            )

    def set_pins(self, statuses: Sequence[Any]) -> None:
        self._statuses = list(statuses)
        rows = pin_rows(self._statuses, self._language())
        self.pin_table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for col, text in enumerate(cells):
                self.pin_table.setItem(row, col, QTableWidgetItem(text))
        self.pin_table.resizeColumnsToContents()
        self.pin_table.resizeRowsToContents()
        colon = catalogue().get("format.colon", self._language())
        self.unlock_info.setText(
            "\n".join(f"{name}{colon}{where}" for name, _count, where in rows if where)
        )

    def set_today(self, rows: Sequence[tuple[str, str, str, str]]) -> None:
        self.today.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for col, text in enumerate(cells):
                self.today.setItem(row, col, QTableWidgetItem(text))

    def retranslate(self) -> None:
        self.setWindowTitle(self._say("staff.title"))
        self.login_label.setText(self._say("staff.password_prompt"))
        self.login.setText(self._say("staff.log_in"))
        self.mode_label.setText(
            self._say("staff.mode_visual") if self.visual else self._say("staff.mode_unattended")
        )
        for button, active in (
            (self.unattended, not self.visual),
            (self.visual_button, self.visual),
        ):
            button.setProperty("role", "primary" if active else "")
            button.style().unpolish(button)
            button.style().polish(button)
        self.unattended.setText(self._say("staff.unattended"))
        self.visual_button.setText(self._say("staff.visual"))
        self.logout.setText(self._say("staff.log_out"))
        self.photo_title.setText(self._say("staff.chip_photo"))
        self.live_title.setText(self._say("staff.live_image"))
        waiting = getattr(self, "_waiting", False)
        if waiting and not self.visual:
            self.waiting.setText(self._say("staff.waiting_switch"))
        elif waiting:
            self.waiting.setText(self._say("staff.waiting_compare"))
        else:
            self.waiting.setText(self._say("staff.nobody_waiting"))
        self.confirm_ok.setText(self._say("staff.confirm_ok"))
        self.confirm_ng.setText(self._say("staff.confirm_ng"))
        self.tabs.setTabText(0, self._say("staff.visual"))
        self.tabs.setTabText(1, self._say("staff.pins_tab"))
        self.tabs.setTabText(2, self._say("staff.today_tab"))
        self.tabs.setTabText(3, self._say("staff.settings_tab"))
        self.pin_table.setHorizontalHeaderLabels(
            [
                self._say("staff.pin_column"),
                self._say("staff.tries_column"),
                self._say("staff.unlock_column"),
            ]
        )
        self.pins_refresh.setText(self._say("staff.pins_refresh"))
        self.today.setHorizontalHeaderLabels(
            [
                self._say("staff.time_column"),
                self._say("staff.kind_column"),
                self._say("staff.identity_column"),
                self._say("staff.consent_column"),
            ]
        )
        self.exit_kiosk.setText(self._say("staff.exit"))
        if self._statuses:
            self.set_pins(self._statuses)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
