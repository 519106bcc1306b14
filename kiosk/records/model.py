"""What the kiosk keeps about a reception: audit events and reception outcomes.

Never a PIN, the individual number or face data: a card is named by a salted hash of its
certificate serial (:mod:`kiosk.records.cardref`), and audit details refuse values that could
be a PIN or a number (all-digit text of 4 characters or more; counts are ints).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.records.errors import RecordError
from kiosk.vocabulary import AuditKind, IdentityMethod, Outcome

__all__ = ["AuditEvent", "AuditKind", "IdentityMethod", "Outcome"]


Detail = Mapping[str, str | int | float | bool | None]

_DIGITS = re.compile(r"\d{4,}")
_FORBIDDEN_KEYS = (
    "pin_value",
    "password",
    "individual_number",
    "my_number",
    "encoding",
    "image",
    "photo",
)


def check_detail(detail: Detail) -> dict[str, str | int | float | bool | None]:
    """A copy of ``detail`` if it holds nothing that could be a secret; else RecordError.

    The message names the key, never the value.
    """
    clean: dict[str, str | int | float | bool | None] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or any(bad in key.lower() for bad in _FORBIDDEN_KEYS):
            raise RecordError(f"audit detail {key!r} is not allowed in a record")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise RecordError(f"audit detail {key!r} must be text, a number or true/false")
        if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            raise RecordError(
                f"audit detail {key!r} looks like a PIN or a number; "
                "records never keep those (give counts as ints)"
            )
        clean[key] = value
    return clean


def check_staff_id(staff_id: str | None) -> str | None:
    if staff_id is None:
        return None
    if not isinstance(staff_id, str) or _DIGITS.fullmatch(staff_id.strip()) or not staff_id:
        raise RecordError("staff ids must contain a letter (e.g. 'staff-07'), not only digits")
    return staff_id


@dataclass(frozen=True)
class AuditEvent:
    """One thing that happened. ``at`` is timezone-aware."""

    kind: AuditKind
    at: datetime
    reception_id: str | None = None
    staff_id: str | None = None
    detail: Detail = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise RecordError("audit event times must be timezone-aware")
        object.__setattr__(self, "kind", AuditKind(self.kind))
        object.__setattr__(self, "detail", check_detail(self.detail))
        check_staff_id(self.staff_id)
