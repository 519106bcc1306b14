"""The operator panel (simulator controls; hidden in kiosk mode): choose a card from the deck,
place and remove it, choose the camera source, set how the eligibility service answers
(``panel_eligibility``), watch the redacted APDU trace and the card's PIN counters change.
Groups of modules of their own join it with :meth:`OperatorPanel.add_group`; it scrolls on a
screen too low for them all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.card.pins import PINS, PinKind
from kiosk.texts import catalogue
from kiosk.ui.panel_eligibility import EligibilityGroup
from kiosk.ui.panel_phone import PhoneGroup
from kiosk.ui.tray import PinCounter

TRACE_LINES = 400


def pin_label(pin: str, language: str) -> str:
    """The PIN's full name with its format, as the card package names it."""

    info = PINS[PinKind(pin)]
    return info.label_ja if language == "ja" else info.label_en


def shrinks(combo: QComboBox) -> QComboBox:
    """A choice that narrows to the panel (its long items elided) instead of widening it."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


class OperatorPanel(QWidget):
    place_requested = Signal(str)  # card spec
    remove_requested = Signal()
    camera_requested = Signal(str)  # camera spec

    def __init__(
        self,
        profiles: Sequence[str],
        cameras: Sequence[str],
        *,
        language: str = "ja",
        eligibility: Any = None,
        phone: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("operator_panel")
        self.language = language
        self.setStyleSheet("QWidget { font-size: 15px; } QPushButton { min-height: 32px; }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()  # every group, scrolled on a screen too low for them all
        scroll.setObjectName("panel_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = self._groups = QVBoxLayout(body)
        self.card_box = QGroupBox()
        card = QGridLayout(self.card_box)
        self.profile = QComboBox()
        self.profile.setObjectName("profile")
        self.profile.setEditable(True)
        self.profile.addItems([f"virtual:{name}" for name in profiles])
        self.place = QPushButton()
        self.place.setObjectName("place")
        self.remove = QPushButton()
        self.remove.setObjectName("remove")
        self.place.clicked.connect(
            lambda: self.place_requested.emit(self.profile.currentText().strip())
        )
        self.remove.clicked.connect(lambda: self.remove_requested.emit())
        card.addWidget(self.profile, 0, 0, 1, 2)
        card.addWidget(self.place, 1, 0)
        card.addWidget(self.remove, 1, 1)
        layout.addWidget(self.card_box)
        self.camera_box = QGroupBox()
        camera = QHBoxLayout(self.camera_box)
        self.camera = QComboBox()
        self.camera.setObjectName("camera")
        self.camera.setEditable(True)
        self.camera.addItems(list(cameras))
        self.apply_camera = QPushButton()
        self.apply_camera.clicked.connect(
            lambda: self.camera_requested.emit(self.camera.currentText().strip())
        )
        camera.addWidget(self.camera, 1)
        camera.addWidget(self.apply_camera)
        layout.addWidget(self.camera_box)
        self.eligibility = EligibilityGroup(eligibility, self.add_trace, language=language)
        layout.addWidget(self.eligibility)
        self.phone_box = PhoneGroup(profiles, language=language, available=phone)
        layout.addWidget(self.phone_box)
        self.pins_box = QGroupBox()
        pins = QVBoxLayout(self.pins_box)
        self.pins = QTableWidget(0, 2)
        self.pins.setObjectName("pin_counters")
        self.pins.verticalHeader().setVisible(False)
        self.pins.horizontalHeader().setStretchLastSection(True)
        pins.addWidget(self.pins)
        layout.addWidget(self.pins_box)
        self.trace_box = QGroupBox()
        trace = QVBoxLayout(self.trace_box)
        self.trace = QPlainTextEdit()
        self.trace.setObjectName("trace")
        self.trace.setReadOnly(True)
        self.trace.setMaximumBlockCount(TRACE_LINES)
        self.trace.setStyleSheet("font-family: monospace; font-size: 12px;")
        trace.addWidget(self.trace)
        layout.addWidget(self.trace_box, 1)
        self._counters: list[PinCounter] = []
        self.retranslate()

    def add_group(self, group: QWidget) -> None:
        """Another group of controls (a module of its own), above the trace."""
        self._groups.insertWidget(self._groups.indexOf(self.trace_box), group)

    def add_trace(self, line: str) -> None:
        """Append one redacted APDU exchange."""
        self.trace.appendPlainText(line)

    def set_counters(self, counters: Sequence[PinCounter]) -> None:
        self._counters = list(counters)
        self.pins.setRowCount(len(self._counters))
        for row, counter in enumerate(self._counters):
            self.pins.setItem(row, 0, QTableWidgetItem(pin_label(counter.pin, self.language)))
            text = f"{counter.tries_left} / {counter.limit}"
            if counter.tries_left <= 0:
                text += " " + self._say("staff.locked")
            self.pins.setItem(row, 1, QTableWidgetItem(text))
        self.pins.resizeColumnsToContents()

    def counter_text(self, pin: str) -> str:
        for row, counter in enumerate(self._counters):
            if counter.pin == pin:
                item = self.pins.item(row, 1)
                return item.text() if item is not None else ""
        return ""

    def _say(self, key: str) -> str:
        """A staff text in the staff's language (never the patient's choice)."""
        return catalogue().get(key, self.language)

    def retranslate(self) -> None:
        self.setWindowTitle(self._say("operator.title"))
        self.card_box.setTitle(self._say("operator.card"))
        self.place.setText(self._say("operator.place"))
        self.remove.setText(self._say("operator.remove"))
        self.camera_box.setTitle(self._say("operator.camera"))
        self.apply_camera.setText(self._say("operator.switch_camera"))
        self.pins_box.setTitle(self._say("operator.pin_counters"))
        self.pins.setHorizontalHeaderLabels(
            [self._say("staff.pin_column"), self._say("staff.tries_column")]
        )
        self.trace_box.setTitle(self._say("operator.trace"))
        self.eligibility.retranslate()
        self.phone_box.retranslate()
        self.set_counters(self._counters)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
