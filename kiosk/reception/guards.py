"""The rules of the reception as guard methods (each named after the rule it enforces).

Guards take the event's context as keyword arguments and return a bool; the flow's declared
transitions name them (kiosk.reception.flow.Reception.TRANSITIONS).
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.reception.clock import Clock
from kiosk.reception.errors import need
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import CardReading, CertificateCheck, Eligibility, Qualification
from kiosk.reception.rules import in_expiry_alert_window
from kiosk.reception.states import State

PIN_FORMAT = re.compile(r"[0-9]{4}")
"""The 利用者証明用 PIN: exactly 4 digits (checked before the card: a typo spends no try)."""


class Guards:
    """Mixed into Reception."""

    # provided by Reception
    state: Any
    policy: FlowPolicy
    clock: Clock
    eligibility: Eligibility
    staff_visual: bool
    reading: CardReading | None
    registered: bool
    cert: CertificateCheck | None
    auth_tries_left: int | None
    face_failures: int
    qualification: Qualification | None
    consent_index: int
    _last_activity: float
    _entered_at: float

    def certificate_in_alert_window(self, **_: Any) -> bool:
        cert = need(self.cert, "certificate check")
        return in_expiry_alert_window(cert.not_after, self.clock.now(), self.policy)

    def card_unregistered(self, **_: Any) -> bool:
        return not self.registered

    def patient_agrees(self, agree: bool = False, **_: Any) -> bool:
        return agree

    def card_is_face_only(self, **_: Any) -> bool:
        return self.reading is not None and self.reading.face_only

    def auth_pin_locked(self, **_: Any) -> bool:
        return self.auth_tries_left is not None and self.auth_tries_left <= 0

    def pin_usable(self, **_: Any) -> bool:
        return not self.card_is_face_only() and not self.auth_pin_locked()

    def pin_tries_left(self, **_: Any) -> bool:
        return not self.auth_pin_locked()

    def pin_format(self, pin: str = "", **_: Any) -> bool:
        return bool(PIN_FORMAT.fullmatch(pin))

    def face_matched(self, matched: bool = False, **_: Any) -> bool:
        return matched

    def face_tries_left(self, **_: Any) -> bool:
        return self.face_failures < self.policy.face_attempts

    def staff_mode_visual(self, **_: Any) -> bool:
        return self.staff_visual

    def staff_rejects(self, ok: bool = True, **_: Any) -> bool:
        return not ok

    def qualification_valid(self, **_: Any) -> bool:
        return self.qualification is not None and self.qualification.valid

    def more_consent_items(self, **_: Any) -> bool:
        return self.consent_index < len(self.policy.consent_items)

    def asks_consent(self, **_: Any) -> bool:
        return (
            self.qualification_valid()
            and self.state != State.CONSENT
            and bool(self.policy.consent_items)
        )

    def asks_high_cost(self, **_: Any) -> bool:
        return self.qualification_valid() and self.policy.show_high_cost

    def asks_prescription(self, **_: Any) -> bool:
        return self.qualification_valid() and self.policy.issues_e_prescription

    def specific_disease(self, **_: Any) -> bool:
        return self.qualification is not None and self.qualification.has_specific_disease

    def idle_too_long(self, **_: Any) -> bool:
        return self.clock.monotonic() - self._last_activity >= self.policy.idle_timeout_s

    def staff_wait_too_long(self, **_: Any) -> bool:
        return self.clock.monotonic() - self._last_activity >= self.policy.staff_wait_timeout_s

    def warning_elapsed(self, **_: Any) -> bool:
        return self.clock.monotonic() - self._entered_at >= self.policy.idle_warning_s

    def displayed(self, **_: Any) -> bool:
        return self.clock.monotonic() - self._entered_at >= self.policy.display_s

    def idle_seconds_left(self) -> float:
        """On the idle warning: seconds before the kiosk returns to the start."""
        return max(0.0, self.policy.idle_warning_s - (self.clock.monotonic() - self._entered_at))
