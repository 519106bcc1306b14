"""The operator panel's card-state group (outside kiosk mode): a trainer sets the placed
virtual card's PIN counters (each PIN's tries left, 0 = locked) and its certificate state
(valid, expiring, in grace, expired, revoked) on the card itself — no new card file — to
recreate a patient's situation live. The chip is changed on the flow's thread with the
simulator's card administration (:func:`kiosk.simcard.admin.set_tries_left`,
:func:`kiosk.simcard.admin.recertify`); each change is a line of the panel's trace (never a
PIN value). A counter counts from the card's next PIN check; a certificate is read when the
card is next placed, as on a real reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QPushButton, QSpinBox

from kiosk.errors import KioskError
from kiosk.simcard.admin import CERTIFICATE_STATES, recertify, set_tries_left
from kiosk.simcard.state import PIN_LIMITS
from kiosk.texts import catalogue
from kiosk.ui.operator_panel import pin_label, shrinks
from kiosk.ui.tray import PIN_ORDER, NoVirtualCardError
from kiosk.vocabulary import PinKind

if TYPE_CHECKING:
    from kiosk.simcard.state import CardState
    from kiosk.ui.app import KioskApp

TAG = "card-state"
"""The bridge job tag of a counter's change (its result: the trace line, or the error)."""
CERTIFICATE_TAG = "card-certificate"
"""The bridge job tag of a certificate's change."""


class CardStateGroup(QGroupBox):
    """PIN counters and the certificate state of the placed card; emits what was asked."""

    tries_requested = Signal(str, int)  # PIN (auth, sign, …), tries left (0 = locked)
    certificate_requested = Signal(str)  # valid, expiring, grace, expired, revoked

    def __init__(self, language: str = "ja") -> None:
        super().__init__()
        self.setObjectName("card_state")
        self.language = language
        grid = QGridLayout(self)
        self.pin = QComboBox()
        shrinks(self.pin)
        self.pin.setObjectName("state_pin")
        self.tries = QSpinBox()
        self.tries.setObjectName("state_tries")
        self.set_tries = QPushButton()
        self.set_tries.setObjectName("set_tries")
        self.certificate = QComboBox()
        shrinks(self.certificate)
        self.certificate.setObjectName("state_certificate")
        self.set_certificate = QPushButton()
        self.set_certificate.setObjectName("set_certificate")
        grid.addWidget(self.pin, 0, 0)
        grid.addWidget(self.tries, 0, 1)
        grid.addWidget(self.set_tries, 0, 2)
        grid.addWidget(self.certificate, 1, 0, 1, 2)
        grid.addWidget(self.set_certificate, 1, 2)
        grid.setColumnStretch(0, 1)
        self.pin.currentIndexChanged.connect(self._pin_chosen)
        self.set_tries.clicked.connect(
            lambda: self.tries_requested.emit(self.chosen_pin(), self.tries.value())
        )
        self.set_certificate.clicked.connect(
            lambda: self.certificate_requested.emit(str(self.certificate.currentData()))
        )
        self.retranslate()

    def chosen_pin(self) -> str:
        return str(self.pin.currentData() or PIN_ORDER[0])

    def choose(self, pin: str, tries: int) -> None:
        """Select ``pin`` and ``tries`` (as a trainer would)."""
        self.pin.setCurrentIndex(max(0, self.pin.findData(pin)))
        self.tries.setValue(tries)

    def choose_certificate(self, state: str) -> None:
        self.certificate.setCurrentIndex(max(0, self.certificate.findData(state)))

    def _pin_chosen(self) -> None:
        self.tries.setRange(0, PIN_LIMITS[PinKind(self.chosen_pin())])

    def _say(self, key: str, **values: Any) -> str:
        return catalogue().get(key, self.language, **values)

    def retranslate(self) -> None:
        pin, certificate = self.chosen_pin(), self.certificate.currentData()
        self.setTitle(self._say("operator.card_state"))
        self.pin.blockSignals(True)
        self.pin.clear()
        for name in PIN_ORDER:
            self.pin.addItem(pin_label(name, self.language), name)
        self.pin.setCurrentIndex(max(0, self.pin.findData(pin)))
        self.pin.blockSignals(False)
        self._pin_chosen()
        self.tries.setSpecialValueText(self._say("operator.tries_locked"))
        self.tries.setSuffix(self._say("operator.tries_suffix"))
        self.set_tries.setText(self._say("operator.set_tries"))
        self.certificate.clear()
        for state in CERTIFICATE_STATES:
            self.certificate.addItem(self._say(f"operator.certificate.{state}"), state)
        self.certificate.setCurrentIndex(max(0, self.certificate.findData(certificate)))
        self.set_certificate.setText(self._say("operator.set_certificate"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def attach_card_state(app: KioskApp) -> CardStateGroup | None:
    """The group on ``app``'s operator panel (None in kiosk mode: no panel), wired to the tray
    on the flow's thread."""
    if app.panel is None:
        return None
    group = CardStateGroup(app.panel.language)
    app.panel.add_group(group)
    CardStateWiring(group, app)
    return group


class CardStateWiring(QObject):
    """The group's requests as jobs on the flow's thread, their results in the trace (a
    GUI-thread object: the bridge's signals reach its methods queued)."""

    def __init__(self, group: CardStateGroup, app: KioskApp) -> None:
        super().__init__(group)
        self.group = group
        self.app = app
        group.tries_requested.connect(self.set_tries)
        group.certificate_requested.connect(self.set_certificate)
        app.bridge.job_done.connect(self.job_done)

    def set_tries(self, pin: str, left: int) -> None:
        say, language = self.group._say, self.group.language

        def change(state: CardState) -> str:
            name = set_tries_left(state, pin, left)
            return say(
                "operator.traced_tries",
                pin=pin_label(pin, language),
                tries=left,
                limit=state.pins[name].limit,
            )

        self.app.bridge.run_job(TAG, lambda: _changed(self.app, change))

    def set_certificate(self, state_name: str) -> None:
        say, today = self.group._say, self.app.flow.clock.now().date()

        def change(state: CardState) -> str:
            recertify(state, state_name, today=today)
            label = say(f"operator.certificate.{state_name}")
            return say("operator.traced_certificate", state=label)

        self.app.bridge.run_job(CERTIFICATE_TAG, lambda: _changed(self.app, change))

    def job_done(self, tag: str, result: object) -> None:
        if tag not in (TAG, CERTIFICATE_TAG):
            return
        say, panel = self.group._say, self.app.panel
        assert panel is not None  # noqa: S101 (attached to it)
        if isinstance(result, NoVirtualCardError):
            panel.add_trace(say("operator.no_virtual_card"))
        elif isinstance(result, Exception):
            panel.add_trace(say("operator.refused", reason=str(result)))
        else:
            panel.add_trace(str(result))
        panel.set_counters(self.app.tray.pin_counters())


def _changed(app: KioskApp, change: Callable[[CardState], str]) -> str | KioskError:
    """On the flow's thread: what the change did, or why not (shown in the trace)."""
    try:
        return str(app.tray.change_card(change))
    except KioskError as exc:
        return exc
