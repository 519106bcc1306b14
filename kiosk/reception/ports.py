"""What the flow asks of its collaborators: small protocols, passed in at construction.

Card errors are those of :mod:`kiosk.card.errors` (NoCardError / TransportError -> 001,
NotMyNumberCardError -> 002, WrongPinError(tries_left), PinBlockedError). Adapters over the
real packages live in :mod:`kiosk.wiring` (scripted face verdicts and a fixed staff credential
in :mod:`kiosk.wiring.memory`; the tests' doubles in ``tests/helpers/doubles.py``); the
reception never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kiosk.errors import KioskError
from kiosk.vocabulary import AuditKind, ConsentItem, IdentityMethod, Outcome, PhoneOs


@dataclass(frozen=True)
class CardReading:
    """What the kiosk reads from a card without any PIN."""

    auth_certificate: bytes  # X.509 DER of the 利用者証明用 certificate
    auth_pin_tries_left: int  # as the card answers the free query (63Cx)
    face_only: bool  # 顔認証マイナンバーカード


class PlacedCard(Protocol):
    """One placed card. Every method may raise kiosk.card.errors.CardError subclasses."""

    def read_for_reception(self) -> CardReading: ...

    def read_face_photo(self) -> bytes:
        """The chip's face photo (JPEG 2000), opened with 照合番号B from the card front."""
        ...

    def prove_possession(self, pin: str) -> None:
        """Verify the auth PIN, sign a fresh challenge, check it against the certificate."""
        ...

    def pin_statuses(self) -> list[Any]:
        """Every PIN's tries left (kiosk.card.mynumber.PinStatus), spending no try."""
        ...

    def close(self) -> None: ...


class CardSlot(Protocol):
    """The reader: ``open()`` the card lying on it (raises NoCardError when there is none)."""

    def open(self) -> PlacedCard: ...


@dataclass(frozen=True)
class PhoneReading:
    """What the kiosk gets from a smartphone held over the 汎用カードリーダー."""

    os: PhoneOs
    auth_certificate: bytes  # X.509 DER of the phone's 利用者証明用 certificate


class PhoneReader(Protocol):
    """The 汎用カードリーダー beside the kiosk (kiosk.card.phone over a Transport).

    ``arm(pin)`` keeps the Android PIN typed on the kiosk until the phone is read (or
    ``disarm()`` at the visit's end); ``read()`` reads the phone lying on it: WrongPinError /
    PinBlockedError, kiosk.card.phone.PhoneVerificationError (iPhone), NotAPhoneError,
    TransportError (taken away during the read), NoCardError (nothing there)."""

    def present(self) -> bool: ...

    def arm(self, pin: str) -> None: ...

    def disarm(self) -> None: ...

    def read(self) -> PhoneReading: ...


@dataclass(frozen=True)
class CertificateCheck:
    """The CA's view of a certificate: status is valid / expired / not_yet_valid / revoked /
    unknown_ca; ``serial`` identifies the card in records (hashed there)."""

    status: str
    serial: int
    not_after: datetime


class CertificateChecker(Protocol):
    def check(self, cert_der: bytes, at: datetime) -> CertificateCheck: ...


@dataclass(frozen=True)
class FaceFrame:
    """One camera frame during a face attempt; ``image`` must not be kept by listeners."""

    image: Any  # numpy RGB uint8 HxWx3, or None for scripted verifiers
    guidance: str | None  # closer / brighter / one_face / blink / None
    progress: float  # 0..1


CAMERA_UNAVAILABLE = "camera"
"""FaceVerdict.reason when the camera failed (unplugged, source ended) during an attempt."""

PHOTO_UNUSABLE = "photo"
"""FaceVerdict.reason when the chip photo cannot be used (the face path is closed)."""

FACE_UNAVAILABLE = "unavailable"
"""FaceVerdict.reason when face verification cannot run on this kiosk (its model file is
missing or damaged): the face path is closed, PIN and staff remain."""


class FaceUnavailableError(KioskError):
    """Face verification cannot run here (raised by ``FaceVerifier.prepare``); the message
    names the file and how to restore it."""


@dataclass(frozen=True)
class FaceVerdict:
    matched: bool
    reason: str = ""  # no_match / not_live / timeout / stopped / camera / photo / unavailable


class FaceVerifier(Protocol):
    def prepare(self, card_photo: bytes) -> None: ...

    def attempt(self, on_frame: Callable[[FaceFrame], bool]) -> FaceVerdict:
        """One attempt; ``on_frame`` returns False to stop early (card removed, cancel).
        A camera failure may raise a KioskError (kiosk.face.errors.CameraError): the flow
        turns it into a failed attempt (reason ``camera``)."""
        ...

    def forget(self) -> None:
        """Drop the card photo's encoding (end of the reception)."""
        ...


@dataclass(frozen=True)
class Qualification:
    """The eligibility answer: validity 1 有効, 2 無効, 3 無効(新しい資格あり), 4 該当資格なし."""

    validity: int
    has_limit_info: bool = False  # 限度額適用認定証 data available
    has_specific_disease: bool = False  # 特定疾病 data available
    payload: Any = None  # the eligibility package's own result, handed to records
    name: str = ""  # the patient's name as the service sent it (● where it could not)
    name_kana: str = ""  # the half-width kana, likewise

    @property
    def valid(self) -> bool:
        return self.validity == 1


class Eligibility(Protocol):
    """オンライン資格確認 by the auth certificate (DER). Failures raise KioskError subclasses."""

    def is_registered(self, cert_der: bytes) -> bool: ...

    def register(self, cert_der: bytes) -> None: ...

    def lookup(
        self, cert_der: bytes, at: datetime, checked: CertificateCheck | None = None
    ) -> Qualification:
        """The holder's qualification at ``at``. ``checked`` is the kiosk's own check of this
        certificate when it read the card (the same CA and CRL): it is not checked again."""
        ...


@dataclass
class ReceptionResult:
    """A completed reception, handed to the records once, at the end."""

    reception_id: str
    cert_serial: int
    method: IdentityMethod
    started_at: datetime
    finished_at: datetime
    qualification: Qualification
    consents: dict[ConsentItem, bool] = field(default_factory=dict)
    high_cost: bool | None = None
    limit_consent: bool | None = None
    specific_disease_consent: bool | None = None
    electronic_prescription: bool | None = None
    registered_now: bool = False
    staff_id: str | None = None  # who confirmed identity by 目視確認 (method VISUAL)


class Records(Protocol):
    def record_reception(self, result: ReceptionResult) -> str | None:
        """Keep the record and drop the result file; return the file's path (or None)."""
        ...

    def record_event(
        self, kind: Outcome | AuditKind, details: Mapping[str, str | int], at: datetime
    ) -> None:
        """An :class:`Outcome` ends a visit with no completed reception (no consent kept); an
        :class:`AuditKind` is noted with the visit (a wrong PIN, a failed face, a staff
        action). Details never hold a PIN, a photo or the individual number."""
        ...


class StaffAuthenticator(Protocol):
    def check(self, credential: str) -> bool: ...
