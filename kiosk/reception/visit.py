"""What the kiosk knows about one visit: a value replaced whole when a card is placed and
forgotten when the visit ends (no PIN ever; the photo and card session live only here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from kiosk.reception.ports import CardReading, CertificateCheck, PlacedCard, Qualification
from kiosk.vocabulary import ConsentItem, EligibilityFault, IdentityMethod, PhoneOs, ReaderError


@dataclass(frozen=True)
class Visit:
    """One patient's visit, from the card placed to the card taken (or the end screen).

    ``staff_visual`` is the kiosk's mode (無人 / 目視確認) for this visit: staff may set it
    before the card is placed, and it returns to 無人 when the visit ends.
    """

    reception_id: str = ""
    started_at: datetime | None = None
    staff_visual: bool = False
    card: PlacedCard | None = field(default=None, repr=False, compare=False)
    reading: CardReading | None = field(default=None, repr=False)
    cert: CertificateCheck | None = None
    registered: bool = True
    wants_registration: bool = False
    error: ReaderError | None = None
    service_fault: EligibilityFault | None = None  # how the eligibility check failed
    auth_tries_left: int | None = None
    photo: bytes | None = field(default=None, repr=False, compare=False)  # the chip photo
    face_prepared: bool = False  # the face port holds this visit's photo encoding
    face_failures: int = 0
    face_reason: str = ""  # the last failed attempt's FaceVerdict.reason
    method: IdentityMethod | None = None
    staff_id: str | None = None  # who confirmed identity by 目視確認
    qualification: Qualification | None = field(default=None, repr=False)
    consents: Mapping[ConsentItem, bool] = field(default_factory=dict)
    high_cost: bool | None = None
    limit_info: bool | None = None
    disease_info: bool | None = None
    electronic_prescription: bool | None = None
    result_path: str | None = None
    idle_seconds_left: float = 0.0  # on the idle warning
    ended_by: str = ""  # once over: "card_removed", "cancel", "timeout", "error" or "done"
    staff_called: bool = False  # the patient asked for help on an end screen
    by_phone: bool = False  # the smartphone path (no card on the reader: nothing to take)
    phone_os: PhoneOs | None = None  # iPhone or Android, as the patient chose
    phone_problem: str = ""  # why the phone could not be used (kiosk.reception.phone_path)

    @property
    def consent_index(self) -> int:
        """How many consent items have been answered."""
        return len(self.consents)

    @property
    def face_only(self) -> bool:
        return self.reading is not None and self.reading.face_only

    @property
    def auth_pin_locked(self) -> bool:
        return self.auth_tries_left is not None and self.auth_tries_left <= 0

    @property
    def ended(self) -> bool:
        return bool(self.ended_by)

    @property
    def card_gone(self) -> bool:
        """The card was taken away (the visit ended by its removal)."""
        return self.ended_by == "card_removed"

    def but(self, **changes: Any) -> Visit:
        """A copy with ``changes`` (unknown names raise TypeError, as ``replace`` would)."""
        if not changes.keys() <= _FIELDS:
            raise TypeError(f"Visit has no field(s) {sorted(changes.keys() - _FIELDS)}")
        new = object.__new__(Visit)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    def answered(self, item: ConsentItem, agree: bool) -> Visit:
        return self.but(consents={**self.consents, item: agree})


_FIELDS = frozenset(f.name for f in fields(Visit))
