"""The facility's choices the flow obeys (a plain dataclass built from kiosk.config settings)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from kiosk.reception.errors import FlowError
from kiosk.reception.states import ConsentItem

MIN_WARNING_S = 20.0
"""The idle warning gives the patient at least this long to answer (seconds)."""


@dataclass(frozen=True)
class FlowPolicy:
    """Timeouts in seconds; consent items in the order shown."""

    consent_items: tuple[ConsentItem, ...] = (ConsentItem.MEDICATION, ConsentItem.CHECKUPS)
    show_high_cost: bool = True
    issues_e_prescription: bool = False
    face_attempts: int = 3  # face attempts per visit (unverified on real readers)
    idle_timeout_s: float = 60.0
    idle_warning_s: float = 30.0
    staff_wait_timeout_s: float = 300.0
    display_s: float = 10.0  # end screens (done, cancelled, card error) before the start
    alert_months: int = 3  # certificate-expiry alert from this many months before expiry…
    grace_months: int = 3  # …and the card still works this many months after it
    medical_institution_code: str = "1310000001"

    def __post_init__(self) -> None:
        if self.idle_warning_s < MIN_WARNING_S:
            raise FlowError(
                f"idle_warning_s must be at least {MIN_WARNING_S:.0f} s (got {self.idle_warning_s})"
            )
        if self.face_attempts < 1:
            raise FlowError("face_attempts must be at least 1")
        for name in ("idle_timeout_s", "staff_wait_timeout_s", "display_s"):
            if getattr(self, name) <= 0:
                raise FlowError(f"{name} must be positive")

    def with_overrides(self, overrides: dict[str, Any]) -> FlowPolicy:
        """A copy with ``overrides`` applied (unknown names raise FlowError, listing known ones)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise FlowError(f"unknown facility setting(s) {unknown}; known: {sorted(known)}")
        values = dict(overrides)
        if "consent_items" in values:
            try:
                values["consent_items"] = tuple(ConsentItem(i) for i in values["consent_items"])
            except ValueError as exc:
                choices = [i.value for i in ConsentItem]
                raise FlowError(f"consent_items: {exc}; choose from {choices}") from None
        return replace(self, **values)
