"""The reception as a declared state machine, pure Python (see docs/reception.md).

One event at a time: :meth:`Reception.send` takes an :class:`Event` and its value; the rule
(guard) of the transition decides before anything changes; then the answer the event
carries is kept, the state changes, listeners hear of it, and the entry action of the new
state does its work. When that work decides what comes next (the card was read, the PIN was
wrong) its follow-up event is queued and runs after the current one has finished. An event
the state does not declare raises :class:`FlowError`; one a rule forbids raises
:class:`RefusedError` naming the rule. Nothing is recorded until FINISHING, so a card taken away
or a timeout at any point leaves no consent behind.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from kiosk.errors import KioskError
from kiosk.reception import entry, phone_path
from kiosk.reception.clock import Clock
from kiosk.reception.errors import FlowError, RefusedError
from kiosk.reception.events import FOLLOW_UPS, Event, StaffAnswer, StaffMode
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
    PhoneReader,
    Records,
    StaffAuthenticator,
)
from kiosk.reception.rules import GUARDS, Facts
from kiosk.reception.screens import Screen, build_screen
from kiosk.reception.states import DISPLAY, INTERACTIVE, LEFT_BEHIND, State
from kiosk.reception.visit import Visit
from kiosk.vocabulary import AuditKind, IdentityMethod, Outcome, ReaderError

log = logging.getLogger(__name__)

S = State
E = Event


@dataclass(frozen=True)
class Change:
    """One transition as listeners see it."""

    previous: State
    state: State
    event: Event
    screen: Screen


def _route(event: Event, source: State, *, consent: bool = True) -> list[Transition]:
    """After identity (or the last consent item): the next screen the facility shows."""
    first = [Transition(event, source, S.CONSENT, guard="asks_consent")] if consent else []
    return [
        *first,
        Transition(event, source, S.HIGH_COST, guard="asks_high_cost"),
        Transition(event, source, S.PRESCRIPTION, guard="asks_prescription"),
        Transition(event, source, S.FINISHING),
    ]


def _ordered(states: frozenset[State]) -> list[State]:
    """``states`` in declaration order (so the transition table is deterministic)."""
    return [s for s in State if s in states]


_IDLE = _ordered(INTERACTIVE - {S.STAFF_WAIT})
ENDINGS = frozenset({S.START, S.CANCELLED, S.CARD_ERROR, S.TAKE_CARD, S.PORTAL_DONE})
"""States that end a visit when entered."""
_CANCELLABLE = _ordered(INTERACTIVE | {S.IDLE_WARNING})
MODE_EVENTS = frozenset({E.STAFF_MODE})
"""Events that change the kiosk's mode, not the patient's screen: they restart neither the
screen's clock nor the patient's inactivity."""

Entry = entry.Entry
Answer = Callable[[Visit, Any, FlowPolicy], Visit]
Note = Callable[[Visit, Any], "tuple[AuditKind, dict[str, str | int]] | None"]


def _mode(mode: StaffMode) -> str:
    return "visual" if mode.visual else "unattended"


def _value(event: Event, value: Any) -> Any:
    """An event's value in its one form: a staff answer or mode from the shorter forms
    callers may give (``True``; ``(visual, credential[, staff_id])``)."""
    if event is E.STAFF_CONFIRM and not isinstance(value, StaffAnswer):
        return StaffAnswer(value is True)
    if event is E.STAFF_MODE and isinstance(value, tuple):
        visual, credential, *who = value
        return StaffMode(visual is True, str(credential), *map(str, who))
    return value


class Reception(DeclaredMachine):
    """One kiosk's reception; reusable for visit after visit."""

    state: State
    _history: State

    STATES = State
    INITIAL = S.START
    GUARDS = GUARDS
    TRANSITIONS = (
        *phone_path.TRANSITIONS,  # first: a smartphone visit ends with nothing to take
        Transition(E.CARD_PLACED, S.START, S.READING),
        # reading: the entry work sends one of these
        Transition(E.READ_FAILED, S.READING, S.CARD_ERROR),
        Transition(E.READ_OK, S.READING, S.EXPIRY_ALERT, guard="certificate_in_alert_window"),
        Transition(E.READ_OK, S.READING, S.REGISTER, guard="card_unregistered"),
        Transition(E.READ_OK, S.READING, S.METHOD),
        Transition(E.NEXT, S.EXPIRY_ALERT, S.REGISTER, guard="card_unregistered"),
        Transition(E.NEXT, S.EXPIRY_ALERT, S.METHOD),
        Transition(E.REGISTER, S.REGISTER, S.METHOD, guard="patient_agrees"),
        Transition(E.REGISTER, S.REGISTER, S.CANCELLED),
        # identity
        *transitions(
            E.CHOOSE_FACE, [S.METHOD, S.PIN, S.PIN_LOCKED], S.FACE, guard="face_tries_left"
        ),
        *transitions(E.CHOOSE_PIN, [S.METHOD, S.FACE_FAILED], S.PIN, guard="pin_usable"),
        *transitions(E.CALL_STAFF, [S.METHOD, S.FACE_FAILED, S.PIN, S.PIN_LOCKED], S.STAFF_WAIT),
        Transition(E.FACE_RESULT, S.FACE, S.QUALIFYING, guard="face_matched"),
        # no PIN to fall back on and the face attempts spent: the kiosk calls the desk itself
        Transition(E.FACE_RESULT, S.FACE, S.STAFF_WAIT, guard="only_staff_left"),
        Transition(E.FACE_RESULT, S.FACE, S.FACE_FAILED),
        Transition(E.RETRY_FACE, S.FACE_FAILED, S.FACE, guard="face_tries_left"),
        Transition(E.PIN_ENTERED, S.PIN, S.PIN_CHECK, guard="pin_format"),
        Transition(E.PIN_OK, S.PIN_CHECK, S.QUALIFYING),
        Transition(E.CHECK_FAILED, S.PIN_CHECK, S.CARD_ERROR),
        Transition(E.PIN_WRONG, S.PIN_CHECK, S.PIN, guard="pin_tries_left"),
        Transition(E.PIN_WRONG, S.PIN_CHECK, S.STAFF_WAIT, guard="only_staff_left"),
        Transition(E.PIN_WRONG, S.PIN_CHECK, S.PIN_LOCKED),
        Transition(
            E.STAFF_CONFIRM,
            S.STAFF_WAIT,
            S.QUALIFYING,
            guard="staff_mode_visual",
            unless="staff_rejects",
        ),
        Transition(E.STAFF_CONFIRM, S.STAFF_WAIT, S.CANCELLED, guard="staff_mode_visual"),
        # after identity: the facility's screens
        Transition(E.QUALIFY_FAILED, S.QUALIFYING, S.CARD_ERROR),
        *_route(E.PROCEED, S.QUALIFYING),
        Transition(E.CONSENT, S.CONSENT, S.CONSENT, guard="more_consent_items"),
        *_route(E.CONSENT, S.CONSENT, consent=False),
        Transition(E.HIGH_COST, S.HIGH_COST, S.LIMIT_CONSENT, guard="patient_agrees"),
        Transition(E.HIGH_COST, S.HIGH_COST, S.PRESCRIPTION, guard="asks_prescription"),
        Transition(E.HIGH_COST, S.HIGH_COST, S.FINISHING),
        Transition(E.LIMIT_INFO, S.LIMIT_CONSENT, S.SPECIFIC_DISEASE, guard="specific_disease"),
        Transition(E.LIMIT_INFO, S.LIMIT_CONSENT, S.PRESCRIPTION, guard="asks_prescription"),
        Transition(E.LIMIT_INFO, S.LIMIT_CONSENT, S.FINISHING),
        Transition(E.DISEASE_INFO, S.SPECIFIC_DISEASE, S.PRESCRIPTION, guard="asks_prescription"),
        Transition(E.DISEASE_INFO, S.SPECIFIC_DISEASE, S.FINISHING),
        Transition(E.PRESCRIPTION, S.PRESCRIPTION, S.FINISHING),
        Transition(E.RECORDED, S.FINISHING, S.DONE),
        Transition(E.RECORD_FAILED, S.FINISHING, S.CARD_ERROR),
        # leaving: card taken away, cancel, inactivity, end screens, the card left behind
        *transitions(E.CARD_REMOVED, [S.START, *_ordered(DISPLAY | LEFT_BEHIND)], S.START),
        *transitions(E.CARD_REMOVED, [*_CANCELLABLE, S.READING, S.PIN_CHECK], S.CANCELLED),
        *transitions(E.CANCEL, _CANCELLABLE, S.CANCELLED),
        *transitions(E.TICK, _IDLE, S.IDLE_WARNING, guard="idle_too_long"),
        Transition(E.TICK, S.STAFF_WAIT, S.IDLE_WARNING, guard="staff_wait_too_long"),
        Transition(E.TICK, S.IDLE_WARNING, S.TAKE_CARD, guard="warning_elapsed"),
        Transition(E.CONTINUE, S.IDLE_WARNING, HISTORY),
        *[
            t
            for state in _ordered(DISPLAY)
            for t in (
                Transition(E.TICK, state, S.START, guard="card_gone", unless="still_showing"),
                Transition(E.TICK, state, S.TAKE_CARD, guard="displayed", unless="desk_called"),
            )
        ],
        Transition(E.TICK, S.TAKE_CARD, S.CARD_LEFT, guard="card_left_too_long"),
        Transition(E.RETRY_READ, S.CARD_ERROR, S.READING, guard="card_unreadable"),
        *[Transition(E.CALL_STAFF, s, s) for s in (S.CARD_ERROR, *_ordered(LEFT_BEHIND))],
        # staff switch 無人 / 目視確認 in any state: a mode of the kiosk, not a screen
        *[Transition(E.STAFF_MODE, s, s, guard="staff_credential_valid") for s in State],
    )
    ENTRY: ClassVar[dict[State, Entry]] = {
        S.READING: entry.read_card,
        S.FACE: entry.open_face,
        S.STAFF_WAIT: entry.photo_for_staff,
        S.PIN_CHECK: entry.check_pin,
        S.QUALIFYING: entry.qualify,
        S.FINISHING: entry.finish,
        **phone_path.ENTRY,
    }
    """The work each state does on entry (the ending states are handled by the visit's end)."""

    ANSWERS: ClassVar[dict[Event, Answer]] = {
        E.REGISTER: lambda v, yes, _: v.but(wants_registration=yes is True),
        E.CONSENT: lambda v, yes, p: v.answered(p.consent_items[v.consent_index], yes is True),
        E.HIGH_COST: lambda v, yes, _: v.but(high_cost=yes is True),
        E.LIMIT_INFO: lambda v, yes, _: v.but(limit_info=yes is True),
        E.DISEASE_INFO: lambda v, yes, _: v.but(disease_info=yes is True),
        E.PRESCRIPTION: lambda v, yes, _: v.but(electronic_prescription=yes is True),
        E.PIN_OK: lambda v, _, __: v.but(method=IdentityMethod.PIN),
        E.CALL_STAFF: lambda v, _, __: v.but(staff_called=True) if v.ended else v,
        E.STAFF_CONFIRM: lambda v, answer, _: v.but(
            method=IdentityMethod.VISUAL if answer.ok else None, staff_id=answer.staff_id
        ),
        E.FACE_RESULT: lambda v, ok, _: v.but(method=IdentityMethod.FACE) if ok else v,
        E.STAFF_MODE: lambda v, mode, _: v.but(staff_visual=mode.visual),
        **phone_path.ANSWERS,
    }
    """What an event's value changes in the visit, once its transition has been chosen."""

    NOTES: ClassVar[dict[Event, Note]] = {
        E.STAFF_CONFIRM: lambda v, answer: (
            (
                AuditKind.VISUAL_CONFIRMED if answer.ok else AuditKind.VISUAL_REFUSED,
                {"staff_id": answer.staff_id},
            )
            if v.staff_visual
            else None
        ),
        E.STAFF_MODE: lambda _, mode: (
            AuditKind.STAFF,
            {
                "action": f"{_mode(mode)}_mode",
                "mode": _mode(mode),
                "staff_id": mode.staff_id,
            },
        ),
    }
    """What the records note when an event's transition is taken (before the visit changes)."""

    REFUSAL_NOTES: ClassVar[dict[Event, Note]] = {
        E.STAFF_MODE: lambda _, mode: (
            AuditKind.STAFF,
            {"action": "staff_refused", "staff_id": getattr(mode, "staff_id", "")},
        ),
    }
    """What the records note when a rule refuses an event (a wrong staff credential)."""

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
        phone: PhoneReader | None = None,
    ) -> None:
        super().__init__()
        self.phone = phone  # the 汎用カードリーダー for smartphones (None: none here)
        self.slot = slot
        self.certificates = certificates
        self.face = face
        self.eligibility = eligibility
        self.records = records
        self.staff = staff
        self.clock = clock
        self.policy = policy or FlowPolicy.of()
        self.visit = Visit()
        self._listeners: list[Callable[[Change], None]] = []
        self._frame_listeners: list[Callable[[FaceFrame], None]] = []
        self._stop = threading.Event()
        self._queue: deque[tuple[Event, Any]] = deque()
        self._last_activity = clock.monotonic()
        self._entered_at = clock.monotonic()

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def add_frame_listener(self, listener: Callable[[FaceFrame], None]) -> None:
        self._frame_listeners.append(listener)

    def screen(self) -> Screen:
        """What the patient sees now (texts, options with their rules, details)."""
        visit = self.visit
        if self.state == S.IDLE_WARNING:
            visit = visit.but(idle_seconds_left=self.idle_seconds_left())
        return build_screen(self.state, visit, self.policy)

    # -- events ----------------------------------------------------------------------------

    def send(self, event: Event, value: Any = None) -> State:
        """Handle ``event`` (and the follow-ups its work queues); return the state after.

        Inactivity counts from the END of the event's work: a slow card, eligibility
        service or records write is the kiosk's wait, not the patient's."""
        event = Event(event)
        if event in FOLLOW_UPS:
            raise FlowError(f"event {event.value!r} is the reception's own")
        if event is E.TICK:
            return self._tick()
        if event is E.LOOK_AT_CAMERA:
            return self._look_at_camera()
        value = _value(event, value)
        if event not in MODE_EVENTS:
            self._last_activity = self.clock.monotonic()
        self._stop.clear()
        try:
            self._handle(event, value)
        except RefusedError:
            self._note(self.REFUSAL_NOTES, event, value)
            raise
        finally:
            if event not in MODE_EVENTS:
                self._last_activity = self.clock.monotonic()
        return self.state

    def _handle(self, event: Event, value: Any) -> None:
        """Run ``event``, then every follow-up its work queued, one at a time."""
        self._queue.clear()
        self._queue.append((event, value))
        while self._queue:
            event, value = self._queue.popleft()
            self._step(event, value)
        value = None  # a PIN lives no longer than its own step

    def _step(self, event: Event, value: Any) -> None:
        t = self._select(event, self._facts(value))
        assert t is not None  # noqa: S101 - _select raises instead
        self._note(self.NOTES, event, value)
        answer = self.ANSWERS.get(event)
        if answer is not None:
            self.visit = answer(self.visit, value, self.policy)
        moved_from, entered = self._move(t)
        previous = State(moved_from.value)
        if event not in MODE_EVENTS:
            self._entered_at = self.clock.monotonic()
        if entered and self.state in ENDINGS:
            self._end_visit(previous, event)
        elif entered and self.state == S.READING:
            self.visit = Visit(staff_visual=self.visit.staff_visual)
        self._tell(previous, event)
        work = self.ENTRY.get(self.state) if entered else None
        if work is not None:
            step = work(self._ports(), self.visit, value)
            self.visit = step.visit
            if step.event is not None:
                self._queue.append((step.event, step.value))

    def _facts(self, value: Any = None) -> Facts:
        now = self.clock.monotonic()
        return Facts(
            visit=self.visit,
            policy=self.policy,
            now=self.clock.now(),
            value=value,
            credential_valid=isinstance(value, StaffMode) and self.staff.check(value.credential),
            idle_s=now - self._last_activity,
            shown_s=now - self._entered_at,
        )

    def _note(self, notes: dict[Event, Note], event: Event, value: Any) -> None:
        """Give the records the note ``notes`` declares for ``event``, if any."""
        note = notes.get(event)
        said = None if note is None else note(self.visit, value)
        if said is not None:
            kind, extra = said
            self._audit(self.visit, kind, extra)

    def _tell(self, previous: State, event: Event) -> None:
        if not self._listeners:
            return  # nobody looks: no screen to build
        change = Change(previous, self.state, event, self.screen())
        for listener in list(self._listeners):
            listener(change)

    def allowed_events(self) -> set[str]:
        """Events that would be accepted now (rules evaluated with no value)."""
        facts = self._facts()
        return {e for e in self.known_events() if self._select(e, facts, raise_=False)}

    def _tick(self) -> State:
        """TICK: let time act (inactivity, end screens); a no-op when nothing is due."""
        if E.TICK in self.known_events() and self._select(E.TICK, self._facts(), raise_=False):
            self._handle(E.TICK, None)
        return self.state

    def _look_at_camera(self) -> State:
        """LOOK_AT_CAMERA: one face attempt (blocking: frames until a match or the attempt's
        budget); its verdict follows as FACE_RESULT."""
        self._expect(E.FACE_RESULT)
        self._last_activity = self.clock.monotonic()
        self._stop.clear()
        verdict = self._attempt_face()
        visit = self.visit.but(face_reason=verdict.reason)
        if not verdict.matched and verdict.reason != "stopped":
            visit = visit.but(face_failures=visit.face_failures + 1)
            self._audit(
                visit,
                AuditKind.FACE_FAILED,
                {"attempt": visit.face_failures, "reason": verdict.reason},
            )
        self.visit = visit
        try:
            self._handle(E.FACE_RESULT, verdict.matched)
        finally:
            self._last_activity = self.clock.monotonic()
        return self.state

    def _attempt_face(self) -> FaceVerdict:
        """One attempt through the face port; a port that fails (the camera unplugged or its
        source ended mid-attempt, or any other KioskError) is a failed attempt with reason
        ``camera``, never an exception out of the flow. The card photo's encoding is dropped
        then; a retry prepares it again."""
        try:
            return self.face.attempt(self._on_frame)
        except KioskError as exc:
            log.warning("face attempt failed: %s", type(exc).__name__)
            self.visit = self.visit.but(face_prepared=False)
            try:
                self.face.forget()
            except KioskError as again:
                log.warning("face forget failed: %s", type(again).__name__)
            return FaceVerdict(False, CAMERA_UNAVAILABLE)

    # -- other questions and requests ------------------------------------------------------------

    def idle_seconds_left(self) -> float:
        """On the idle warning: seconds before the kiosk returns to the start."""
        shown = self.clock.monotonic() - self._entered_at
        return max(0.0, self.policy.idle_warning_s - shown)

    def interrupt(self) -> None:
        """Thread-safe: make a running face attempt stop at its next frame."""
        self._stop.set()

    def pin_statuses(self) -> list[Any] | None:
        """Every PIN's tries left through this reception's own card session (None: no card
        session open). Spends no try; call it on the flow's thread."""
        card = self.visit.card
        return None if card is None else card.pin_statuses()

    def staff_photo(self) -> bytes | None:
        """The chip photo for the staff while they confirm (never stored)."""
        return self.visit.photo if self.state == S.STAFF_WAIT else None

    # -- the end of a visit ----------------------------------------------------------------

    def _end_visit(self, previous: State, event: Event) -> None:
        """Note how the visit ended and forget everything about it (face encoding, photo,
        card session); the end screens keep only the error code, how it ended and, when a
        staff member's 確認できない ended it, who answered."""
        visit = self.visit
        if visit.ended:
            if self.state == S.START:
                self.visit = Visit()
            return
        ended_by, outcome = self._ending(previous, event)
        if outcome is not None:
            portal = outcome is Outcome.PORTAL_CONFIRMED and visit.staff_id
            extra: dict[str, str | int] = {"staff_id": visit.staff_id or ""} if portal else {}
            self._audit(visit, outcome, extra, state=previous)
        try:
            self.face.forget()
        finally:
            error = visit.error if self.state == S.CARD_ERROR else None
            fault = visit.service_fault if error is not None else None
            staff = visit.staff_id if event is E.STAFF_CONFIRM else None
            self.visit = (
                Visit()
                if self.state == S.START
                else Visit(
                    error=error,
                    ended_by=ended_by,
                    staff_id=staff,
                    service_fault=fault,
                    by_phone=visit.by_phone,
                )
            )
            if self.phone is not None:
                self.phone.disarm()
            if visit.card is not None:
                try:
                    visit.card.close()
                except KioskError:
                    log.debug("card already gone")

    def _ending(self, previous: State, event: Event) -> tuple[str, Outcome | None]:
        """How the visit ended ("card_removed", "cancel", "timeout", "error", "done") and the
        outcome the records keep (None: the completed reception is recorded already)."""
        if event is E.CARD_REMOVED:
            gone = "card_removed"
            return gone, None if previous == S.DONE else Outcome.CARD_REMOVED
        if self.state == S.CARD_ERROR:
            return "error", Outcome.for_error(self.visit.error or ReaderError.NOT_RECOGNISED)
        if self.state == S.CANCELLED:
            return "cancel", Outcome.CANCELLED
        if self.state == S.PORTAL_DONE:
            return "portal", Outcome.PORTAL_CONFIRMED
        if previous == S.DONE:
            return "done", None
        return "timeout", Outcome.TIMED_OUT

    # -- helpers ---------------------------------------------------------------------------

    def _ports(self) -> entry.Ports:
        return entry.Ports(
            slot=self.slot,
            certificates=self.certificates,
            face=self.face,
            eligibility=self.eligibility,
            records=self.records,
            clock=self.clock,
            policy=lambda: self.policy,
            audit=self._audit,
            phone=self.phone,
        )

    def _on_frame(self, frame: FaceFrame) -> bool:
        for listener in list(self._frame_listeners):
            listener(frame)
        return not self._stop.is_set()

    def _audit(
        self,
        visit: Visit,
        kind: Outcome | AuditKind,
        extra: dict[str, str | int],
        *,
        state: State | None = None,
    ) -> None:
        """Tell the records what happened (an Outcome ends a visit; an AuditKind is kept with
        the visit's record or outcome). Never a PIN, a photo or the individual number."""
        where = state if state is not None else State(self._history)
        details: dict[str, str | int] = {
            "state": where.value,
            "reception_id": visit.reception_id,
            **extra,
        }
        if visit.error is not None:
            details["code"] = visit.error.value
        if visit.service_fault is not None:
            details["fault"] = visit.service_fault.value
        if visit.cert is not None:
            details["cert_serial"] = visit.cert.serial
        try:
            self.records.record_event(kind, details, self.clock.now())
        except KioskError as exc:
            log.warning("audit event %s not recorded: %s", kind.value, type(exc).__name__)
