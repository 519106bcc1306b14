"""Test doubles of the reception's collaborators, in memory: a card with a PIN counter and the
reader it lies on, a CA answer, an eligibility table and a records list. They hold no PIN
value (only whether an entry matches). The kiosk's own in-memory collaborators (scripted face
verdicts, a staff credential) are in :mod:`kiosk.wiring.memory`."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk.card.errors import (
    NoCardError,
    NotMyNumberCardError,
    PhoneVerificationError,
    PinBlockedError,
    WrongPinError,
)
from kiosk.errors import KioskError
from kiosk.reception.ports import (
    CardReading,
    CertificateCheck,
    PhoneReading,
    Qualification,
    ReceptionResult,
)
from kiosk.vocabulary import PhoneOs


def _digest(value: str) -> bytes:
    return hashlib.sha256(b"fake-card:" + value.encode()).digest()


@dataclass
class FakeCard:
    """A card as the flow sees it; ``auth_tries`` is the card's own counter (limit 3).
    ``pin`` is the card's PIN as issued: only its digest is kept."""

    pin: str = field(repr=False)
    auth_tries: int = 3
    face_only: bool = False
    my_number: bool = True
    serial: int = 1001
    not_after: datetime = datetime(2030, 1, 1, tzinfo=UTC)
    status: str = "valid"
    photo: bytes = b"\x00jp2-photo"
    fail_on: set[str] = field(default_factory=set)  # method names raising NoCardError (removal)
    pin_digest: bytes = b""

    def __post_init__(self) -> None:
        self.pin_digest = _digest(self.pin)
        self.pin = ""  # keep only the digest

    # PlacedCard
    def read_for_reception(self) -> CardReading:
        self._maybe_fail("read_for_reception")
        if not self.my_number:
            raise NotMyNumberCardError("no JPKI applet")
        cert = b"CERT" + self.serial.to_bytes(4, "big")
        return CardReading(cert, self.auth_tries, self.face_only)

    def read_face_photo(self) -> bytes:
        self._maybe_fail("read_face_photo")
        return self.photo

    def prove_possession(self, pin: str) -> None:
        self._maybe_fail("prove_possession")
        if self.auth_tries <= 0:
            raise PinBlockedError(0x6984, "auth PIN blocked")
        if hmac.compare_digest(_digest(pin), self.pin_digest):
            self.auth_tries = 3
            return
        self.auth_tries -= 1
        if self.auth_tries == 0:
            raise PinBlockedError(0x63C0, "auth PIN blocked")
        raise WrongPinError(0x63C0 | self.auth_tries, "wrong auth PIN", self.auth_tries)

    def pin_statuses(self) -> list[Any]:
        return [("auth", self.auth_tries)]

    def close(self) -> None:
        return None

    def _maybe_fail(self, name: str) -> None:
        if name in self.fail_on:
            raise NoCardError("card removed")


class FakeSlot:
    """A reader holding zero or one :class:`FakeCard`."""

    def __init__(self, card: FakeCard | None = None) -> None:
        self.card = card

    def open(self) -> FakeCard:
        if self.card is None:
            raise NoCardError("no card on the reader")
        return self.card


@dataclass
class FakePhone:
    """A smartphone and the 汎用カードリーダー it is held over, as the flow's phone port sees
    them: ``on_reader`` while held; ``tries`` its auth PIN counter (Android; only the digest
    of ``pin`` is kept); ``verification`` the iPhone's own check (ok / failed /
    not_enrolled); ``early``: taken away during the next read."""

    pin: str = field(repr=False, default="")
    os: PhoneOs = PhoneOs.ANDROID
    tries: int = 3
    serial: int = 1001
    verification: str = "ok"
    on_reader: bool = False
    early: bool = False
    pin_digest: bytes = b""
    armed: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.pin_digest = _digest(self.pin)
        self.pin = ""

    def present(self) -> bool:
        return self.on_reader

    def arm(self, pin: str) -> None:
        self.armed = _digest(pin)

    def disarm(self) -> None:
        self.armed = None

    def read(self) -> PhoneReading:
        if not self.on_reader:
            raise NoCardError("no phone on the reader")
        if self.early:
            self.early = self.on_reader = False
            raise NoCardError("the phone was taken away")
        if self.os is PhoneOs.IOS and self.verification != "ok":
            raise PhoneVerificationError("not verified", self.verification)
        if self.os is PhoneOs.ANDROID:
            if self.tries <= 0:
                raise PinBlockedError(0x6984, "auth PIN blocked")
            if self.armed is None or not hmac.compare_digest(self.armed, self.pin_digest):
                self.tries -= 1
                if self.tries == 0:
                    raise PinBlockedError(0x63C0, "auth PIN blocked")
                raise WrongPinError(0x63C0 | self.tries, "wrong auth PIN", self.tries)
            self.tries = 3
        return PhoneReading(self.os, b"CERT" + self.serial.to_bytes(4, "big"))


class FakeCertificates:
    """Answers from the FakeCard the certificate came from."""

    def __init__(self, slot: FakeSlot) -> None:
        self.slot = slot

    def check(self, cert_der: bytes, at: datetime) -> CertificateCheck:
        card = self.slot.card
        if card is None:
            raise NoCardError("no card on the reader")
        status = card.status
        if status == "valid" and at > card.not_after:
            status = "expired"
        return CertificateCheck(status, int.from_bytes(cert_der[4:], "big"), card.not_after)


@dataclass
class FakeEligibility:
    registered: set[int] = field(default_factory=lambda: {1001})
    validity: int = 1
    has_limit_info: bool = False
    has_specific_disease: bool = False
    register_all: bool = False

    def is_registered(self, cert_der: bytes) -> bool:
        return self.register_all or int.from_bytes(cert_der[4:], "big") in self.registered

    def register(self, cert_der: bytes) -> None:
        self.registered.add(int.from_bytes(cert_der[4:], "big"))

    def lookup(
        self, cert_der: bytes, at: datetime, checked: CertificateCheck | None = None
    ) -> Qualification:
        return Qualification(self.validity, self.has_limit_info, self.has_specific_disease)


class RecordFailedError(KioskError):
    """The fake store was told to fail."""


@dataclass
class MemoryRecords:
    receptions: list[ReceptionResult] = field(default_factory=list)
    events: list[tuple[str, dict[str, str | int]]] = field(default_factory=list)
    fail: bool = False

    def record_reception(self, result: ReceptionResult) -> str | None:
        if self.fail:
            raise RecordFailedError("disk full")
        self.receptions.append(result)
        return None

    def record_event(self, kind: str, details: Mapping[str, str | int], at: datetime) -> None:
        self.events.append((kind, dict(details)))
