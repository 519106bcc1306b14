"""The operator panel's smartphone group and its controller: make a phone from a deck card
(iPhone or Android), hold it over the 汎用カードリーダー (or take it away early), take it
away, and set how the iPhone's own Face ID / Touch ID check ends.

:class:`PhoneGroup` is the widget (staff texts, the facility's language); :class:`PhoneDesk`
does the work on the flow's thread. With a PC/SC phone reader (``[phone] reader = "pcsc…"``,
e.g. ``kiosk phone serve``) the desk watches the reader while the kiosk asks for the phone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from kiosk.reception import Change, Event, State
from kiosk.simcard.issue import issue_card
from kiosk.simcard.phone import issue_phone
from kiosk.simcard.state import UserVerification
from kiosk.simcard.virtual import VirtualCard
from kiosk.texts import catalogue
from kiosk.ui.bridge import FlowBridge
from kiosk.vocabulary import PhoneOs
from kiosk.wiring.phone import PhoneSlot, TakenAwayEarly

log = logging.getLogger(__name__)

WATCH_MS = 300
"""How often a PC/SC phone reader is looked at while the kiosk asks for the phone."""

VERIFICATIONS = {
    UserVerification.OK: "operator.verification_ok",
    UserVerification.FAILS: "operator.verification_fails",
    UserVerification.NOT_ENROLLED: "operator.verification_not_enrolled",
}


class PhoneGroup(QGroupBox):
    """The panel's smartphone controls."""

    place_requested = Signal(str, str, bool)  # os, deck profile, taken away early
    remove_requested = Signal()
    verification_requested = Signal(str)  # a UserVerification value

    def __init__(
        self,
        profiles: Sequence[str],
        *,
        language: str = "ja",
        available: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("phone_group")
        self.language = language
        grid = QGridLayout(self)
        self.os = QComboBox()
        self.os.setObjectName("phone_os")
        self.os.addItems(["iPhone", "Android"])
        self.profile = QComboBox()
        self.profile.setObjectName("phone_profile")
        self.profile.addItems(list(profiles))
        self.place = QPushButton()
        self.place.setObjectName("phone_place")
        self.early = QPushButton()
        self.early.setObjectName("phone_early")
        self.remove = QPushButton()
        self.remove.setObjectName("phone_remove")
        self.verification_label = QLabel()
        self.verification = QComboBox()
        self.verification.setObjectName("phone_verification")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setVisible(not available)
        grid.addWidget(self.os, 0, 0)
        grid.addWidget(self.profile, 0, 1, 1, 2)
        grid.addWidget(self.place, 1, 0)
        grid.addWidget(self.early, 1, 1)
        grid.addWidget(self.remove, 1, 2)
        grid.addWidget(self.verification_label, 2, 0, 1, 3)
        grid.addWidget(self.verification, 3, 0, 1, 3)
        grid.addWidget(self.note, 4, 0, 1, 3)
        for widget in (self.os, self.profile, self.place, self.early, self.remove):
            widget.setEnabled(available)
        self.place.clicked.connect(lambda: self._place(early=False))
        self.early.clicked.connect(lambda: self._place(early=True))
        self.remove.clicked.connect(lambda: self.remove_requested.emit())
        self.verification.currentIndexChanged.connect(self._verification_changed)
        self.retranslate()

    def chosen_os(self) -> PhoneOs:
        return PhoneOs.IOS if self.os.currentIndex() == 0 else PhoneOs.ANDROID

    def _place(self, *, early: bool) -> None:
        profile = self.profile.currentText().strip()
        self.place_requested.emit(self.chosen_os().value, profile, early)

    def _verification_changed(self, index: int) -> None:
        if 0 <= index < len(VERIFICATIONS):
            self.verification_requested.emit(list(VERIFICATIONS)[index].value)

    def _say(self, key: str) -> str:
        return catalogue().get(key, self.language)

    def retranslate(self) -> None:
        self.setTitle(self._say("operator.phone"))
        self.place.setText(self._say("operator.phone_place"))
        self.early.setText(self._say("operator.phone_early"))
        self.remove.setText(self._say("operator.phone_remove"))
        self.verification_label.setText(self._say("operator.phone_verification"))
        index = max(0, self.verification.currentIndex())
        self.verification.blockSignals(True)
        self.verification.clear()
        self.verification.addItems([self._say(key) for key in VERIFICATIONS.values()])
        self.verification.setCurrentIndex(index)
        self.verification.blockSignals(False)
        self.note.setText(self._say("operator.phone_none"))


class PhoneDesk(QObject):
    """Carries the phone group's requests out on the flow's thread."""

    def __init__(self, bridge: FlowBridge, services: Any, group: PhoneGroup | None) -> None:
        super().__init__()
        self.bridge = bridge
        self.slot: PhoneSlot | None = getattr(services, "phone", None)
        self.verification = UserVerification.OK
        self.phone: Any = None
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._look)
        bridge.job_done.connect(self._job_done)
        bridge.changed.connect(self._on_change)
        if group is not None:
            group.place_requested.connect(self.place)
            group.remove_requested.connect(self.remove)
            group.verification_requested.connect(self.set_verification)

    @property
    def watching_pcsc(self) -> bool:
        return self.slot is not None and self.slot.pcsc_reader is not None

    def place(self, os_value: str, profile: str, early: bool) -> None:
        if self.slot is None:
            return
        self.bridge.run_job("phone-place", lambda: self._make_and_place(os_value, profile, early))

    def _make_and_place(self, os_value: str, profile: str, early: bool) -> str:
        card = issue_card(profile)
        state = issue_phone(card, PhoneOs(os_value), verification=self.verification)
        self.phone = VirtualCard(state)
        slot = self.slot
        if slot is None:
            return "no reader"
        slot.insert(TakenAwayEarly(self.phone) if early else self.phone)
        return "placed"

    def remove(self) -> None:
        if self.slot is not None:
            self.bridge.run_job("phone-remove", self.slot.remove)

    def set_verification(self, value: str) -> None:
        self.verification = UserVerification(value)

        def apply() -> str:
            info = getattr(getattr(self.phone, "state", None), "phone", None)
            if info is not None:
                info.user_verification = self.verification
            return value

        self.bridge.run_job("phone-verification", apply)

    def _job_done(self, tag: str, result: object) -> None:
        if tag == "phone-place" and result == "placed":
            self.bridge.request(Event.PHONE_PLACED)
        elif tag == "phone-place" and isinstance(result, Exception):
            log.warning("phone could not be made: %s", result)
        elif tag == "phone-present" and result is True:
            self.bridge.request(Event.PHONE_PLACED)

    def _on_change(self, change: Change) -> None:
        if not self.watching_pcsc:
            return
        if change.state == State.PHONE_HOLD:
            self._watch.start()
        else:
            self._watch.stop()

    def _look(self) -> None:
        slot = self.slot
        if slot is not None:
            self.bridge.run_job("phone-present", slot.present)
