"""The reception as a declared state machine (RECEPTION_FLOW.md), pure Python.

Events are the public methods (``card_placed``, ``choose_pin``, ``pin_entered`` …). An event the
current state does not declare raises :class:`FlowError`; one a rule forbids raises
:class:`Refused` naming the rule (the guard). Listeners get a :class:`Change` after every
transition; nothing is recorded until the reception finishes (``FINISHING``), so a card taken
away or a timeout at any point leaves no consent behind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kiosk.errors import KioskError
from kiosk.reception.clock import Clock
from kiosk.reception.errors import Refused
from kiosk.reception.guards import Guards
from kiosk.reception.machine import HISTORY, DeclaredMachine, Transition, transitions
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import (
    CAMERA_UNAVAILABLE,
    CardSlot,
    CertificateChecker,
    Eligibility,
    FaceFrame,
    FaceVerdict,
    FaceVerifier,
    Records,
    StaffAuthenticator,
)
from kiosk.reception.screens import Screen, build_screen
from kiosk.reception.states import (
    DISPLAY,
    INTERACTIVE,
    State,
)
from kiosk.reception.visit import VisitWork

log = logging.getLogger(__name__)

S = State


@dataclass(frozen=True)
class Change:
    """One transition as listeners see it."""

    previous: State
    state: State
    event: str
    screen: Screen


def _route(event: str, source: State) -> list[Transition]:
    """After identity (or the last consent item): the next screen the facility shows."""
    return [
        Transition(event, source, S.CONSENT, guard="asks_consent"),
        Transition(event, source, S.HIGH_COST, guard="asks_high_cost"),
        Transition(event, source, S.PRESCRIPTION, guard="asks_prescription"),
        Transition(event, source, S.FINISHING),
    ]


def _ordered(states: frozenset[State]) -> list[State]:
    """``states`` in declaration order (so the transition table is deterministic)."""
    return [s for s in State if s in states]


_IDLE = _ordered(INTERACTIVE - {S.STAFF_WAIT})
_CANCELLABLE = _ordered(INTERACTIVE | {S.IDLE_WARNING})


class Reception(Guards, VisitWork, DeclaredMachine):
    """One kiosk's reception flow; reusable for visit after visit."""

    STATES = State
    INITIAL = S.START
    TRANSITIONS = (
        Transition("card_placed", S.START, S.READING),
        # reading: the entry work fires one of these
        Transition("read_failed", S.READING, S.CARD_ERROR),
        Transition("read_ok", S.READING, S.EXPIRY_ALERT, guard="certificate_in_alert_window"),
        Transition("read_ok", S.READING, S.REGISTER, guard="card_unregistered"),
        Transition("read_ok", S.READING, S.METHOD),
        Transition("next", S.EXPIRY_ALERT, S.REGISTER, guard="card_unregistered"),
        Transition("next", S.EXPIRY_ALERT, S.METHOD),
        Transition("register", S.REGISTER, S.METHOD, guard="patient_agrees"),
        Transition("register", S.REGISTER, S.CANCELLED),
        # identity
        *transitions("choose_face", [S.METHOD, S.PIN, S.PIN_LOCKED], S.FACE),
        *transitions("choose_pin", [S.METHOD, S.FACE_FAILED], S.PIN, guard="pin_usable"),
        *transitions("call_staff", [S.METHOD, S.FACE_FAILED, S.PIN, S.PIN_LOCKED], S.STAFF_WAIT),
        Transition("face_result", S.FACE, S.QUALIFYING, guard="face_matched"),
        Transition("face_result", S.FACE, S.FACE_FAILED),
        Transition("retry_face", S.FACE_FAILED, S.FACE, guard="face_tries_left"),
        Transition("pin_entered", S.PIN, S.PIN_CHECK, guard="pin_format"),
        Transition("pin_ok", S.PIN_CHECK, S.QUALIFYING),
        Transition("check_failed", S.PIN_CHECK, S.CARD_ERROR),
        Transition("pin_wrong", S.PIN_CHECK, S.PIN, guard="pin_tries_left"),
        Transition("pin_wrong", S.PIN_CHECK, S.PIN_LOCKED),
        Transition(
            "staff_confirm",
            S.STAFF_WAIT,
            S.QUALIFYING,
            guard="staff_mode_visual",
            unless="staff_rejects",
        ),
        Transition("staff_confirm", S.STAFF_WAIT, S.CANCELLED, guard="staff_mode_visual"),
        # after identity: the facility's screens
        Transition("qualify_failed", S.QUALIFYING, S.CARD_ERROR),
        *_route("proceed", S.QUALIFYING),
        Transition("consent", S.CONSENT, S.CONSENT, guard="more_consent_items"),
        *_route("consent", S.CONSENT),
        Transition("high_cost", S.HIGH_COST, S.LIMIT_CONSENT, guard="patient_agrees"),
        Transition("high_cost", S.HIGH_COST, S.PRESCRIPTION, guard="asks_prescription"),
        Transition("high_cost", S.HIGH_COST, S.FINISHING),
        Transition("limit_info", S.LIMIT_CONSENT, S.SPECIFIC_DISEASE, guard="specific_disease"),
        Transition("limit_info", S.LIMIT_CONSENT, S.PRESCRIPTION, guard="asks_prescription"),
        Transition("limit_info", S.LIMIT_CONSENT, S.FINISHING),
        Transition("disease_info", S.SPECIFIC_DISEASE, S.PRESCRIPTION, guard="asks_prescription"),
        Transition("disease_info", S.SPECIFIC_DISEASE, S.FINISHING),
        Transition("prescription", S.PRESCRIPTION, S.FINISHING),
        Transition("recorded", S.FINISHING, S.DONE),
        Transition("record_failed", S.FINISHING, S.CARD_ERROR),
        # leaving: card taken away, cancel, inactivity, end screens
        *transitions("card_removed", [S.START, *_ordered(DISPLAY)], S.START),
        *transitions("card_removed", [*_CANCELLABLE, S.READING, S.PIN_CHECK], S.CANCELLED),
        *transitions("cancel", _CANCELLABLE, S.CANCELLED),
        *transitions("tick", _IDLE, S.IDLE_WARNING, guard="idle_too_long"),
        Transition("tick", S.STAFF_WAIT, S.IDLE_WARNING, guard="staff_wait_too_long"),
        Transition("tick", S.IDLE_WARNING, S.START, guard="warning_elapsed"),
        *transitions("tick", _ordered(DISPLAY), S.START, guard="displayed"),
        Transition("continue_", S.IDLE_WARNING, HISTORY),
    )

    def __init__(
        self,
        *,
        slot: CardSlot,
        certificates: CertificateChecker,
        face: FaceVerifier,
        eligibility: Eligibility,
        records: Records,
        staff: StaffAuthenticator,
        clock: Clock,
        policy: FlowPolicy | None = None,
    ) -> None:
        super().__init__()
        self.slot = slot
        self.certificates = certificates
        self.face = face
        self.eligibility = eligibility
        self.records = records
        self.staff = staff
        self.clock = clock
        self.policy = policy or FlowPolicy()
        self.staff_visual = False  # kiosk mode: False 無人, True 目視確認
        self._listeners: list[Callable[[Change], None]] = []
        self._frame_listeners: list[Callable[[FaceFrame], None]] = []
        self._stop = threading.Event()
        self._last_event = ""
        self._last_activity = clock.monotonic()
        self._entered_at = clock.monotonic()
        self._clear_visit()

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def add_frame_listener(self, listener: Callable[[FaceFrame], None]) -> None:
        self._frame_listeners.append(listener)

    def _changed(self, previous: Enum, event: str) -> None:
        self._entered_at = self.clock.monotonic()
        self._last_event = event
        change = Change(State(previous.value), State(self.state.value), event, self.screen())
        for listener in list(self._listeners):
            listener(change)

    def screen(self) -> Screen:
        """What the patient sees now (texts, options with their rules, details)."""
        return build_screen(self)

    # -- events (public) -------------------------------------------------------------------

    def _event(self, event: str, **ctx: Any) -> State:
        """Fire a patient's (or staff's) event. Inactivity counts from the END of the event's
        work: a slow card, eligibility service or records write is the kiosk's wait, not the
        patient's, so the next screen always gets the whole idle time."""
        self._last_activity = self.clock.monotonic()
        self._stop.clear()
        try:
            return State(self._fire(event, **ctx).value)
        finally:
            self._last_activity = self.clock.monotonic()

    def card_placed(self) -> State:
        """A card was put on the reader: read it (blocking card I/O)."""
        return self._event("card_placed")

    def card_removed(self) -> State:
        """The card was taken away: ends the reception; nothing half-done is kept."""
        return self._event("card_removed")

    def cancel(self) -> State:
        """「やめる」."""
        return self._event("cancel")

    def next(self) -> State:
        """「次へ」 on the expiry alert."""
        return self._event("next")

    def register(self, agree: bool) -> State:
        """登録する / 登録しない (the registration is made once identity is confirmed)."""
        self._expect("register")
        self.wants_registration = agree
        return self._event("register", agree=agree)

    def choose_face(self) -> State:
        return self._event("choose_face")

    def choose_pin(self) -> State:
        return self._event("choose_pin")

    def call_staff(self) -> State:
        return self._event("call_staff")

    def retry_face(self) -> State:
        return self._event("retry_face")

    def look_at_camera(self) -> State:
        """Run one face attempt (blocking: frames until a match or the attempt's budget)."""
        self._expect("face_result")
        self._last_activity = self.clock.monotonic()
        verdict = self._attempt_face()
        self.face_reason = verdict.reason
        if not verdict.matched and verdict.reason != "stopped":
            self.face_failures += 1
            self._audit("face-failed", attempt=self.face_failures, reason=verdict.reason)
        return self._event("face_result", matched=verdict.matched)

    def _attempt_face(self) -> FaceVerdict:
        """One attempt through the face port; a port that fails (the camera unplugged or its
        source ended mid-attempt: kiosk.face.errors.CameraError, or any other KioskError) is a
        failed attempt with reason ``camera``, never an exception out of the flow. The card
        photo's encoding is dropped then; a retry prepares it again."""
        try:
            return self.face.attempt(self._on_frame)
        except KioskError as exc:
            log.warning("face attempt failed: %s", type(exc).__name__)
            self._face_prepared = False
            try:
                self.face.forget()
            except KioskError as again:
                log.warning("face forget failed: %s", type(again).__name__)
            return FaceVerdict(False, CAMERA_UNAVAILABLE)

    def pin_entered(self, pin: str) -> State:
        """The 4-digit PIN; it goes to the card and is never kept."""
        return self._event("pin_entered", pin=pin)

    def staff_mode(self, visual: bool, credential: str) -> State:
        """Staff switch the kiosk 無人 / 目視確認 with their credential (any state)."""
        if not self.staff.check(credential):
            self._audit("staff-refused")
            raise Refused("staff_mode", str(self.state.value), "staff_credential_valid")
        self.staff_visual = visual
        self._audit("staff-mode", mode="visual" if visual else "unattended")
        self._changed(self.state, "staff_mode")
        return State(self.state.value)

    def staff_confirm(self, ok: bool) -> State:
        """本人確認OK / 確認できない from the staff console (only in 目視確認 mode)."""
        self._expect("staff_confirm")
        if self.staff_visual:
            self._audit("visual-confirmed" if ok else "visual-refused")
        return self._event("staff_confirm", ok=ok)

    def consent(self, agree: bool) -> State:
        """同意する / 同意しない for the item on screen."""
        self._expect("consent")
        self.consents[self.policy.consent_items[self.consent_index]] = agree
        self.consent_index += 1
        return self._event("consent", agree=agree)

    def high_cost(self, use: bool) -> State:
        self._expect("high_cost")
        self.high_cost_answer = use
        return self._event("high_cost", agree=use)

    def limit_info(self, share: bool) -> State:
        self._expect("limit_info")
        self.limit_answer = share
        return self._event("limit_info")

    def specific_disease_info(self, share: bool) -> State:
        self._expect("disease_info")
        self.disease_answer = share
        return self._event("disease_info")

    def prescription(self, electronic: bool) -> State:
        self._expect("prescription")
        self.prescription_answer = electronic
        return self._event("prescription")

    def continue_(self) -> State:
        """「続ける」 on the idle warning."""
        return self._event("continue_")

    def tick(self) -> State:
        """Let time act (inactivity, end screens); a no-op when nothing is due."""
        if "tick" in self.known_events() and self._select("tick", {}, raise_=False):
            return State(self._fire("tick").value)
        return State(self.state.value)

    def interrupt(self) -> None:
        """Thread-safe: make a running face attempt stop at its next frame."""
        self._stop.set()

    def pin_statuses(self) -> list[Any] | None:
        """Every PIN's tries left through this reception's own card session (None: no card
        session open). Spends no try; call it on the flow's thread."""
        return None if self.card is None else self.card.pin_statuses()

    def staff_photo(self) -> bytes | None:
        """The chip photo for the staff console while staff confirm (never stored)."""
        return self._photo if self.state == S.STAFF_WAIT else None
