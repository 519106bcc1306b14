"""What each state shows, as a pure function of (state, visit, policy): the text (catalogue
keys, kiosk.texts), the buttons — each the event it sends with its value, enabled or not with
the rule's reason — and the details a screen needs. See docs/screens.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.reception.events import Event
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import CAMERA_UNAVAILABLE, FACE_UNAVAILABLE, PHOTO_UNUSABLE
from kiosk.reception.rules import (
    PHONE_MOVED,
    PHONE_RETRYABLE,
    face_attempts_left,
    insurance_not_confirmed,
    only_staff_can_confirm,
)
from kiosk.reception.states import State
from kiosk.reception.visit import Visit
from kiosk.texts import Text, catalogue
from kiosk.vocabulary import PhoneOs, ReaderError

E = Event


@dataclass(frozen=True)
class Option:
    """A button: the event it sends (with ``value``), its label, and why it is disabled."""

    event: Event
    label: str  # catalogue key
    value: Any = None
    enabled: bool = True
    reason: str = ""  # catalogue key of why it is disabled
    confirm: str = ""  # catalogue key of the question asked before it is sent (はい / いいえ)

    def label_in(self, language: str) -> str:
        return catalogue().get(self.label, language)

    def reason_in(self, language: str) -> str:
        return catalogue().get(self.reason, language) if self.reason else ""

    @property
    def ja(self) -> str:
        return self.label_in("ja")

    @property
    def en(self) -> str:
        return self.label_in("en")


@dataclass(frozen=True)
class Screen:
    id: str
    body: tuple[Text, ...] = ()
    options: tuple[Option, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        """The screen's sentences in ``language``."""
        parts = [catalogue().render(t, language) for t in self.body]
        return ("" if language == "ja" else " ").join(parts)

    @property
    def ja(self) -> str:
        return self.text("ja")

    @property
    def en(self) -> str:
        return self.text("en")

    def option(self, event: Event) -> Option | None:
        """The first button that sends ``event``."""
        return next((o for o in self.options if o.event == event), None)


NO_CANCEL = frozenset(
    {
        State.START,
        State.DONE,
        State.CANCELLED,
        State.CARD_ERROR,
        State.TAKE_CARD,
        State.CARD_LEFT,
        State.READING,
        State.PIN_CHECK,
        State.QUALIFYING,
        State.FINISHING,
        State.PHONE_READING,
        State.PORTAL_DONE,
    }
)
"""Screens without 「やめる」 (end screens, and the kiosk's own work)."""

CONSENT_HOURS = 24
"""How long a consent lets the facility see the information, from the moment it is given."""

CANCEL = Option(E.CANCEL, "option.cancel", confirm="cancel.question")
"""「やめる」: it ends a check-in under way, so the patient confirms it (はい / いいえ)."""


def _yes_no(event: Event, yes: str, no: str) -> list[Option]:
    return [Option(event, f"option.{yes}", True), Option(event, f"option.{no}", False)]


def build_screen(state: State, visit: Visit, policy: FlowPolicy) -> Screen:
    """The screen for ``state`` during ``visit``."""
    details: dict[str, Any] = {"staff_mode": "visual" if visit.staff_visual else "unattended"}
    body = [Text(f"{state.value}.body")]
    options: list[Option] = []
    if visit.ended:
        details["ended_by"] = visit.ended_by
        details["staff_called"] = visit.staff_called
    if visit.qualification is not None and visit.qualification.name:  # as the service sent it
        details["patient_name"] = visit.qualification.name
        details["patient_kana"] = visit.qualification.name_kana
    if state == State.CARD_ERROR:
        return _card_error(visit, details)
    refused = visit.ended_by == "cancel" and visit.staff_id is not None
    if state == State.START:
        options += start_options(policy)
    elif state in PHONE_STATES:
        body, phone_options = phone_screen(state, visit, details)
        options += phone_options
    elif state == State.STAFF_WAIT and visit.by_phone:
        body = [Text("staff-wait.portal")]
    if state == State.CANCELLED and visit.card_gone:
        body = [Text("cancelled.card_removed")]
    elif state in (State.CANCELLED, State.TAKE_CARD) and refused:  # staff said 確認できない
        body = [Text(f"{state.value}.refused")]
    elif state == State.TAKE_CARD and visit.ended_by == "timeout":
        body = [Text("take-card.timeout")]
    if state == State.TAKE_CARD:  # on card-left the kiosk has called the staff itself
        options.append(Option(E.CALL_STAFF, "option.call_staff", enabled=not visit.staff_called))
    if state == State.EXPIRY_ALERT and visit.cert is not None:
        day = visit.cert.not_after.date()
        body = [Text("expiry-alert.body", {"date": day})]
        details["expiry_date"] = day.isoformat()
        options.append(Option(E.NEXT, "option.next"))
    elif state == State.REGISTER:
        options += _yes_no(E.REGISTER, "register", "not_register")
    elif state in (State.METHOD, State.FACE_FAILED, State.PIN_LOCKED, State.PIN):
        options += _identity_options(state, visit, policy, details)
        if state == State.FACE_FAILED:
            body = _face_failed_text(visit, details)
    elif state == State.FACE:
        _identity_options(state, visit, policy, details)  # details only: no choice here
    elif state == State.STAFF_WAIT and only_staff_can_confirm(visit, policy):
        body = _called_by_the_kiosk(visit, policy, details)
    elif state == State.CONSENT:
        item = policy.consent_items[visit.consent_index]
        body = [
            Text(
                "consent-item.body",
                {"name": Text(f"consent.{item.value}"), "what": Text(f"consent-what.{item.value}")},
            ),
            Text("consent-item.explain", {"hours": CONSENT_HOURS}),
        ]
        details["consent_name_ja"] = catalogue().get(f"consent.{item.value}", "ja")
        details["consent_name_en"] = catalogue().get(f"consent.{item.value}", "en")
        details |= {
            "consent_item": item.value,
            "item_index": visit.consent_index,
            "item_count": len(policy.consent_items),
            "valid_hours": CONSENT_HOURS,
        }
        options += _yes_no(E.CONSENT, "agree", "disagree")
    elif state == State.HIGH_COST:
        options += _yes_no(E.HIGH_COST, "use", "not_use")
    elif state == State.LIMIT_CONSENT:
        options += _yes_no(E.LIMIT_INFO, "share", "not_share")
    elif state == State.SPECIFIC_DISEASE:
        options += _yes_no(E.DISEASE_INFO, "share", "not_share")
    elif state == State.PRESCRIPTION:
        options += _yes_no(E.PRESCRIPTION, "electronic", "paper")
    elif state == State.IDLE_WARNING:
        details["idle_seconds_left"] = round(visit.idle_seconds_left)
        options.append(Option(E.CONTINUE, "option.continue"))
    elif state == State.DONE and visit.qualification is not None:
        details["qualification_validity"] = visit.qualification.validity
        details["completed"] = not insurance_not_confirmed(visit)
        if insurance_not_confirmed(visit):  # not checked in: no ✓, no 完了; the desk is called
            body = [Text("done.not_qualified")]
    if state not in NO_CANCEL:
        options.append(CANCEL)
    return Screen(state.value, tuple(body), tuple(options), details)


def _card_error(visit: Visit, details: dict[str, Any]) -> Screen:
    """The code, what happened in plain words and the one thing to do — which, once the
    patient pressed 職員を呼ぶ, is to wait: the code and the reason stay in view."""
    code = visit.error or ReaderError.NOT_RECOGNISED
    details["error_code"] = code.value
    if visit.service_fault is not None:  # the eligibility check failed: the desk is called
        details["service_fault"] = visit.service_fault.value
        why = Text(f"eligibility-fault.{visit.service_fault}")
        return Screen(State.CARD_ERROR.value, (Text("eligibility-fault.body"), why), (), details)
    body = [Text(f"card-error.{code.value}")]
    options: tuple[Option, ...] = ()
    if code is ReaderError.NOT_RECOGNISED:
        options = (Option(E.RETRY_READ, "option.retry_read"),)
    elif visit.staff_called:
        body.append(Text("card-error.staff_called"))
    else:
        options = (Option(E.CALL_STAFF, "option.call_staff"),)
        if code is not ReaderError.NOT_MY_NUMBER_CARD:  # 002 says to place the right card
            body.append(Text("card-error.call_staff"))
    return Screen(State.CARD_ERROR.value, tuple(body), options, details)


def _called_by_the_kiosk(visit: Visit, policy: FlowPolicy, details: dict[str, Any]) -> list[Text]:
    """staff-wait entered by the kiosk itself (no usable PIN, the face attempts spent): the
    desk was called, why, and — when the PIN is locked — where it is unlocked."""
    _identity_options(State.STAFF_WAIT, visit, policy, details)  # details only
    details["called_by"] = "kiosk"
    reason = visit.face_reason
    why = [Text(f"face-failed.{reason}")] if reason in _FACE_CLOSED else []
    if visit.auth_pin_locked:
        why += [Text("staff-wait.pin_locked_face_failed"), Text("staff-wait.unlock_where")]
    else:
        why.append(Text("staff-wait.face_failed"))
    return [Text("staff-wait.body"), *why]


_FACE_CLOSED = (CAMERA_UNAVAILABLE, PHOTO_UNUSABLE, FACE_UNAVAILABLE)
"""Face reasons that are the kiosk's or the card's fault, not the patient's face."""


def _face_failed_text(visit: Visit, details: dict[str, Any]) -> list[Text]:
    """「顔認証できませんでした。」 with why (camera gone, photo unreadable) and the other ways."""
    reason = visit.face_reason
    details["face_reason"] = reason
    body = [Text("face-failed.body")]
    if reason in _FACE_CLOSED:
        pin_usable = not visit.face_only and not visit.auth_pin_locked
        ways = "other_ways_pin" if pin_usable else "other_ways_staff"
        body += [Text(f"face-failed.{reason}"), Text(f"face-failed.{ways}")]
    return body


def _identity_options(
    state: State, visit: Visit, policy: FlowPolicy, details: dict[str, Any]
) -> list[Option]:
    face_only = visit.face_only
    locked = visit.auth_pin_locked
    face_left = face_attempts_left(visit, policy)
    details |= {
        "face_only": face_only,
        "can_use_pin": not face_only and not locked,
        "pin_tries_left": visit.auth_tries_left,
        "face_tries_left": face_left,
    }
    if locked:
        details["locked_pin"] = "auth"
        where = "pin-locked.unlock_where_face_only" if face_only else "pin-locked.unlock_where"
        details["unlock_where_ja"] = catalogue().get(where, "ja")
        details["unlock_where_en"] = catalogue().get(where, "en")
    options: list[Option] = []
    if state == State.FACE_FAILED:
        options.append(Option(E.RETRY_FACE, "option.retry_face", enabled=face_left > 0))
    if state in (State.METHOD, State.PIN_LOCKED, State.PIN):
        options.append(Option(E.CHOOSE_FACE, "option.face", enabled=face_left > 0))
    if state in (State.METHOD, State.FACE_FAILED) and not face_only:
        reason = "reason.pin_locked" if locked else ""
        options.append(Option(E.CHOOSE_PIN, "option.pin", enabled=not locked, reason=reason))
    options.append(Option(E.CALL_STAFF, "option.call_staff"))
    return options


# -- the smartphone path (kiosk.reception.phone_path) ---------------------------------------

PHONE_STATES = frozenset(
    {
        State.PHONE_CHOOSE,
        State.PHONE_PIN,
        State.PHONE_HOLD,
        State.PHONE_READING,
        State.PHONE_FAILED,
        State.PORTAL_DONE,
    }
)

PORTAL = Option(E.CALL_STAFF, "option.portal")
"""「マイナポータルの画面を見せる」: the staff check the qualification screen by eye."""


def start_options(policy: FlowPolicy) -> list[Option]:
    """The start screen offers the smartphone beside the card when the facility can read one."""
    return [Option(E.CHOOSE_PHONE, "option.phone")] if policy.phone_reader else []


def phone_screen(
    state: State, visit: Visit, details: dict[str, Any]
) -> tuple[list[Text], list[Option]]:
    """The body and buttons of a smartphone screen (``details`` gains what it shows)."""
    os_ = visit.phone_os
    details["phone_os"] = os_.value if os_ is not None else ""
    details["phone_problem"] = visit.phone_problem
    if state == State.PHONE_CHOOSE:
        options = [
            Option(E.PHONE_OS, "option.iphone", PhoneOs.IOS.value),
            Option(E.PHONE_OS, "option.android", PhoneOs.ANDROID.value),
            PORTAL,
        ]
        return [Text("phone-choose.body")], options
    if state == State.PHONE_PIN:
        details["pin_tries_left"] = visit.auth_tries_left
        body = [Text("phone-pin.body")]
        if visit.phone_problem == "wrong_pin" and visit.auth_tries_left is not None:
            body.append(Text("phone-pin.wrong", {"n": visit.auth_tries_left}))
        return body, [PORTAL]
    if state == State.PHONE_HOLD:
        which = "ios" if os_ is PhoneOs.IOS else "android"
        body = [Text(f"phone-hold.{which}")]
        if visit.phone_problem == PHONE_MOVED:
            body.append(Text("phone-hold.moved"))
        return body, [PORTAL]
    if state == State.PHONE_FAILED:
        problem = visit.phone_problem or "unreadable"
        options = [PORTAL]
        if problem in PHONE_RETRYABLE:
            options.insert(0, Option(E.RETRY_PHONE, "option.retry_phone"))
        return [Text(f"phone-failed.{problem}")], options
    return [Text(f"{state.value}.body")], []
