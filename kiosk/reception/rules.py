"""The rules of the reception, each a guard named after the rule it enforces.

A guard looks at :class:`Facts` — the visit, the facility's policy, the value the event
carries and how long the screen has waited — and answers yes or no. The transition table
(kiosk.reception.flow) names them; nothing here changes anything.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.reception.events import StaffAnswer, StaffMode
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import CertificateCheck
from kiosk.reception.states import State
from kiosk.reception.visit import Visit
from kiosk.vocabulary import AUTH_PIN, CallReason, PhoneOs, ReaderError

USABLE = frozenset({"valid", "expired"})
"""Certificate statuses that may still pass (an expired one only within the grace months)."""


@dataclass(frozen=True)
class Facts:
    """What a rule may look at when an event arrives."""

    visit: Visit
    policy: FlowPolicy
    now: datetime
    value: Any = None  # what the event carries (an answer, a PIN, a face verdict)
    credential_valid: bool = False  # STAFF_MODE: the staff credential it carries is right
    idle_s: float = 0.0  # since the patient's (or staff's) last action
    shown_s: float = 0.0  # since the current screen was entered


# -- dates ----------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` shifted by whole calendar months (day clamped to the month's length)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def certificate_usable(check: CertificateCheck, now: datetime, policy: FlowPolicy) -> bool:
    """Not revoked, issued by the CA, and not past expiry + grace (error 006 otherwise)."""
    if check.status not in USABLE:
        return False
    return now <= add_months(check.not_after, policy.grace_months)


def in_expiry_alert_window(not_after: datetime, now: datetime, policy: FlowPolicy) -> bool:
    """From ``alert_months`` before expiry to ``grace_months`` after it."""
    start = add_months(not_after, -policy.alert_months)
    end = add_months(not_after, policy.grace_months)
    return start <= now <= end


# -- the guards -----------------------------------------------------------------------------


def certificate_in_alert_window(f: Facts) -> bool:
    cert = f.visit.cert
    return cert is not None and in_expiry_alert_window(cert.not_after, f.now, f.policy)


def card_unregistered(f: Facts) -> bool:
    return not f.visit.registered


def patient_agrees(f: Facts) -> bool:
    return f.value is True


def card_is_face_only(f: Facts) -> bool:
    return f.visit.face_only


def auth_pin_locked(f: Facts) -> bool:
    return f.visit.auth_pin_locked


def pin_usable(f: Facts) -> bool:
    return not f.visit.face_only and not f.visit.auth_pin_locked


def pin_tries_left(f: Facts) -> bool:
    return not f.visit.auth_pin_locked


def pin_format(f: Facts) -> bool:
    """4 ASCII digits, checked before the card: a typo spends no try."""
    return isinstance(f.value, str) and bool(AUTH_PIN.fullmatch(f.value))


def face_matched(f: Facts) -> bool:
    return f.value is True


def face_attempts_left(visit: Visit, policy: FlowPolicy) -> int:
    """Face attempts the facility still allows in this visit."""
    return max(0, policy.face_attempts - visit.face_failures)


def face_attempts_spent(visit: Visit, policy: FlowPolicy) -> bool:
    """The visit has failed the face as often as the facility allows."""
    return face_attempts_left(visit, policy) == 0


def face_tries_left(f: Facts) -> bool:
    return not face_attempts_spent(f.visit, f.policy)


def only_staff_can_confirm(visit: Visit, policy: FlowPolicy) -> bool:
    """No usable PIN (a face-only card, or the auth PIN locked) and the face attempts spent:
    only 目視確認 is left, and the kiosk calls the desk itself."""
    no_pin = visit.face_only or visit.auth_pin_locked
    return no_pin and face_attempts_spent(visit, policy)


def only_staff_left(f: Facts) -> bool:
    return only_staff_can_confirm(f.visit, f.policy)


def staff_mode_visual(f: Facts) -> bool:
    return f.visit.staff_visual


def staff_credential_valid(f: Facts) -> bool:
    """Switching 無人 / 目視確認 needs a staff credential the kiosk accepts."""
    return isinstance(f.value, StaffMode) and f.credential_valid


def staff_rejects(f: Facts) -> bool:
    return not (isinstance(f.value, StaffAnswer) and f.value.ok)


def qualification_valid(f: Facts) -> bool:
    return f.visit.qualification is not None and f.visit.qualification.valid


def insurance_not_confirmed(visit: Visit) -> bool:
    """The eligibility service answered, but not with a valid insurance (資格無効, 該当資格なし …):
    the reception is recorded, yet the patient cannot be checked in without the desk."""
    return visit.qualification is not None and not visit.qualification.valid


def more_consent_items(f: Facts) -> bool:
    """After this answer, an item is still to be asked."""
    return f.visit.consent_index + 1 < len(f.policy.consent_items)


def asks_consent(f: Facts) -> bool:
    return qualification_valid(f) and bool(f.policy.consent_items)


def asks_high_cost(f: Facts) -> bool:
    return qualification_valid(f) and f.policy.show_high_cost


def asks_prescription(f: Facts) -> bool:
    return qualification_valid(f) and f.policy.issues_e_prescription


def specific_disease(f: Facts) -> bool:
    q = f.visit.qualification
    return q is not None and q.has_specific_disease


def idle_too_long(f: Facts) -> bool:
    return f.idle_s >= f.policy.idle_timeout_s


def staff_wait_too_long(f: Facts) -> bool:
    return f.idle_s >= f.policy.staff_wait_timeout_s


def warning_elapsed(f: Facts) -> bool:
    return f.shown_s >= f.policy.idle_warning_s


def displayed(f: Facts) -> bool:
    return f.shown_s >= f.policy.display_s


def still_showing(f: Facts) -> bool:
    return f.shown_s < f.policy.display_s


def card_gone(f: Facts) -> bool:
    """The visit ended because the card was taken away."""
    return f.visit.card_gone


def desk_called(f: Facts) -> bool:
    """On an end screen, the desk is on its way (the patient pressed 職員を呼ぶ, or the kiosk
    called it because the insurance could not be confirmed or the eligibility check failed):
    the screen stays until the card is taken, its code and reason in view."""
    return f.visit.staff_called or insurance_not_confirmed(f.visit) or bool(f.visit.service_fault)


def card_left_too_long(f: Facts) -> bool:
    return f.shown_s >= f.policy.card_left_alert_s


def card_unreadable(f: Facts) -> bool:
    """Error 001: the card could not be read (it may read when placed again)."""
    return f.visit.error is ReaderError.NOT_RECOGNISED


# -- the smartphone path ------------------------------------------------------------------

PHONE_PIN_LOCKED = "pin_locked"
"""visit.phone_problem when the Android phone's auth PIN is locked."""
PHONE_MOVED = "moved"
"""visit.phone_problem when the phone was taken away before the read finished."""
PHONE_RETRYABLE = frozenset({"verification_failed", "not_enrolled", "not_a_phone", "card"})
"""Problems the patient may fix and hold the phone again for (the iPhone's Face ID, the
wrong thing held); a locked PIN or an unusable certificate are not."""
PHONE_CERTIFICATE = frozenset({"certificate_expired", "certificate_revoked", "certificate_invalid"})


def phone_offered(f: Facts) -> bool:
    """The facility has a 汎用カードリーダー for smartphones."""
    return bool(f.policy.phone_reader)


def chose_android(f: Facts) -> bool:
    return f.value == PhoneOs.ANDROID.value


def chose_ios(f: Facts) -> bool:
    return f.value == PhoneOs.IOS.value


def phone_retryable(f: Facts) -> bool:
    return f.visit.phone_problem in PHONE_RETRYABLE


def portal_not_confirmed(f: Facts) -> bool:
    """Not a smartphone patient whose マイナポータル screen the staff saw and accepted."""
    answer = f.value
    return not (f.visit.by_phone and isinstance(answer, StaffAnswer) and answer.ok)


def phone_visit_displayed(f: Facts) -> bool:
    """A smartphone visit's end screen was shown long enough (no card to ask for)."""
    return f.visit.by_phone and f.shown_s >= f.policy.display_s


def phone_warning_elapsed(f: Facts) -> bool:
    return f.visit.by_phone and warning_elapsed(f)


def phone_call_reason(visit: Visit) -> CallReason:
    """Which smartphone branch calls the desk, and why."""
    problem = visit.phone_problem
    if visit.phone_os is PhoneOs.ANDROID:
        if problem == PHONE_PIN_LOCKED:
            return CallReason.PHONE_ANDROID_PIN_LOCKED
        if problem in PHONE_CERTIFICATE:
            return CallReason.PHONE_ANDROID_CERTIFICATE
        return CallReason.PHONE_ANDROID_PORTAL
    if visit.phone_os is PhoneOs.IOS:
        if problem in ("verification_failed", "not_enrolled"):
            return CallReason.PHONE_IOS_VERIFICATION
        if problem in PHONE_CERTIFICATE:
            return CallReason.PHONE_IOS_CERTIFICATE
        return CallReason.PHONE_IOS_PORTAL
    return CallReason.PHONE_PORTAL


def desk_call_reason(state: State, visit: Visit, policy: FlowPolicy) -> CallReason | None:
    """Why the desk is needed in ``state`` (None: it is not): the one place that says it."""
    if state == State.STAFF_WAIT and visit.by_phone:
        return phone_call_reason(visit)
    if state == State.PHONE_FAILED and visit.phone_problem == PHONE_PIN_LOCKED:
        return CallReason.PHONE_ANDROID_PIN_LOCKED
    spent = face_attempts_spent(visit, policy)
    if state == State.STAFF_WAIT:
        if visit.face_only:
            return CallReason.FACE_ONLY
        if visit.auth_pin_locked:
            return CallReason.PIN_LOCKED
        return CallReason.FACE_FAILED if spent else CallReason.PATIENT
    if state == State.PIN_LOCKED:
        return CallReason.PIN_LOCKED
    if state == State.CARD_LEFT:
        return CallReason.CARD_LEFT
    if state == State.CARD_ERROR and visit.service_fault is not None:
        return CallReason.for_fault(visit.service_fault)
    if state == State.FACE_FAILED and spent:
        return CallReason.FACE_ONLY if visit.face_only else CallReason.FACE_FAILED
    if state == State.DONE and insurance_not_confirmed(visit):
        return CallReason.NOT_QUALIFIED
    return None


GUARDS: dict[str, Callable[[Facts], bool]] = {
    rule.__name__: rule
    for rule in (
        certificate_in_alert_window,
        card_unregistered,
        patient_agrees,
        card_is_face_only,
        auth_pin_locked,
        pin_usable,
        pin_tries_left,
        pin_format,
        face_matched,
        face_tries_left,
        only_staff_left,
        staff_mode_visual,
        staff_credential_valid,
        staff_rejects,
        qualification_valid,
        more_consent_items,
        asks_consent,
        asks_high_cost,
        asks_prescription,
        specific_disease,
        idle_too_long,
        staff_wait_too_long,
        warning_elapsed,
        displayed,
        still_showing,
        card_gone,
        desk_called,
        card_left_too_long,
        card_unreadable,
        phone_offered,
        chose_android,
        chose_ios,
        phone_retryable,
        portal_not_confirmed,
        phone_visit_displayed,
        phone_warning_elapsed,
    )
}
"""Every rule by name, as the transition table names them."""
