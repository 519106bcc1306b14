"""A session with a My Number card: applets, certificates, PIN states, signatures, card face.

The session speaks APDUs to any :class:`~kiosk.card.transport.Transport` (the virtual card,
pyscard over pcscd, a scripted transcript); it knows nothing of the simulator. Every status
word other than 9000 goes through :func:`kiosk.card.status.check`, except the tries-left
query, whose 63Cx answer is the information asked for.

APDU budget (docs/card-protocol.md): :meth:`MyNumberCard.read_for_reception` gets what the method
screen needs (auth certificate, JPKI PIN tries, face photo) in 7 APDUs on a card that accepts
extended READ BINARY by short EF id; :meth:`MyNumberCard.all_pin_status` asks every PIN in 9.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from dataclasses import dataclass, field

from kiosk.card import tlv
from kiosk.card.apdu import (
    INS_CHANGE_PIN_JUKI,
    INS_CHANGE_REFERENCE_DATA,
    INS_READ_BINARY,
    INS_SELECT,
    INS_SIGN,
    INS_VERIFY,
    CommandApdu,
)
from kiosk.card.applets import Applet, JpkiFile, KenhojoFile, KenkakuFile
from kiosk.card.cardinfo import BasicInfo, CardFaceInfo, parse_basic_info, parse_card_face
from kiosk.card.errors import (
    CardDataError,
    NotFoundError,
    NotMyNumberCardError,
    NotSupportedError,
    PossessionNotProvenError,
    StatusError,
    TlvError,
    WrongLengthError,
    WrongParametersError,
)
from kiosk.card.pins import (
    FOUR_DIGIT_KINDS,
    PINS,
    UnlockAdvice,
    check_verify_b,
    unlock_advice,
)
from kiosk.card.status import SW, check, is_verify_failed, tries_left
from kiosk.card.transport import Transport
from kiosk.vocabulary import PinKind

log = logging.getLogger(__name__)

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")
"""DER DigestInfo header for SHA-256; the hash follows (the card adds PKCS#1 v1.5 padding)."""

HEADER_READ = 7
"""Bytes read first in the cautious way: enough for any DER/BER header up to the 83 form."""

CHUNK = 256
"""Largest short READ BINARY (Le 00)."""

MAX_OFFSET = 0x7FFF
"""READ BINARY offsets are 15 bits (P1 bit 8 marks a short EF id)."""


def digest_info_sha256(message: bytes) -> bytes:
    """The DigestInfo the card signs for ``message``: prefix + SHA-256(message), 51 bytes."""
    return SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()


@dataclass(frozen=True)
class PinStatus:
    """One PIN's state as the card reports it, without spending a try."""

    kind: PinKind
    tries_left: int
    limit: int
    face_only: bool = False  # the card looks like a 顔認証マイナンバーカード

    @property
    def blocked(self) -> bool:
        return self.tries_left <= 0

    @property
    def unlock(self) -> UnlockAdvice:
        """Where this PIN is reset on this card (a face-only card: the office only)."""
        return unlock_advice(self.kind, face_only=self.face_only)

    @property
    def unlock_ja(self) -> str:
        return self.unlock.ja

    @property
    def unlock_en(self) -> str:
        return self.unlock.en

    def to_dict(self) -> dict[str, object]:
        """JSON shape for ``kiosk card pins --json`` (names, counts, where to unlock)."""
        info = PINS[self.kind]
        return {
            "pin": self.kind.value,
            "name_ja": info.name_ja,
            "name_en": info.name_en,
            "format_ja": info.format_ja,
            "format_en": info.format_en,
            "tries_left": self.tries_left,
            "limit": self.limit,
            "blocked": self.blocked,
            "unlock_at": [place.value for place in self.unlock.places],
            "unlock_ja": self.unlock_ja,
            "unlock_en": self.unlock_en,
            "face_only": self.face_only,
        }


@dataclass(frozen=True)
class ReceptionRead:
    """What the method screen needs right after the card is placed."""

    auth_certificate: bytes  # DER
    auth_tries_left: int
    sign_tries_left: int
    face_photo: bytes | None = field(repr=False)  # JPEG 2000; None without 照合番号B
    sign_certificate: bool | None = None  # None: not asked (the auth PIN is not blocked)

    @property
    def auth_pin_blocked(self) -> bool:
        return self.auth_tries_left <= 0

    @property
    def face_only(self) -> bool:
        """True when the chip looks like a 顔認証マイナンバーカード: the auth PIN blocked and
        no signature certificate (such a card's 4-digit PINs are set at random and blocked at
        issue, and it gets no signature certificate; its signature password is never used).

        The printed 追記欄 (「顔認証」) is the authoritative sign, the chip only suggests it.
        """
        return self.auth_pin_blocked and self.sign_certificate is False


@dataclass(frozen=True)
class PossessionProof:
    """A signature by the card's auth key over a fresh challenge, checked on the host."""

    certificate: bytes  # DER of the auth certificate it verified against
    challenge: bytes
    signature: bytes


class MyNumberCard:
    """A My Number card behind ``transport``.

    ``extended=False`` never tries extended READ BINARY (T=0 readers); otherwise the first
    6700/6Cxx answer to one turns it off for the rest of the session.
    """

    def __init__(self, transport: Transport, *, extended: bool = True) -> None:
        self.transport = transport
        self.extended = extended
        self.verify_by_sfi = True
        self.selected: Applet | None = None
        self._auth_certificate: bytes | None = None

    # -- plumbing ---------------------------------------------------------------------------

    def _send(self, apdu: CommandApdu) -> tuple[bytes, int]:
        data, sw = self.transport.transmit(apdu.encode())
        return bytes(data), sw

    def _call(self, apdu: CommandApdu, what: str) -> bytes:
        data, sw = self._send(apdu)
        check(sw, what)
        return data

    def select(self, applet: Applet) -> None:
        """SELECT an applet by AID (``00 A4 04 0C 0A <AID>``); skipped when already selected.

        A card without the JPKI applet raises :class:`NotMyNumberCardError`.
        """
        if self.selected is applet:
            return
        self.selected = None
        apdu = CommandApdu(0x00, INS_SELECT, 0x04, 0x0C, applet.aid)
        try:
            self._call(apdu, f"SELECT {applet.name}")
        except NotFoundError:
            if applet is Applet.JPKI:
                raise NotMyNumberCardError(
                    "this card has no JPKI applet: it is not a My Number card"
                ) from None
            raise
        self.selected = applet

    def select_ef(self, fid: int) -> None:
        """SELECT EF in the current applet (``00 A4 02 0C 02 <FID>``)."""
        apdu = CommandApdu(0x00, INS_SELECT, 0x02, 0x0C, fid.to_bytes(2, "big"))
        self._call(apdu, f"SELECT EF {fid:04X}")

    def read_binary(self, offset: int, le: int, *, sfi: int | None = None) -> bytes:
        """READ BINARY of the current EF, or of EF ``sfi`` (then offset ≤ 255)."""
        if sfi is not None:
            p1, p2 = 0x80 | sfi, offset
        else:
            p1, p2 = offset >> 8, offset & 0xFF
        apdu = CommandApdu(0x00, INS_READ_BINARY, p1, p2, le=le)
        data, sw = self._send(apdu)
        if sw & 0xFF00 == 0x6C00 and sw & 0xFF:  # wrong Le; the card says the exact length
            data, sw = self._send(CommandApdu(0x00, INS_READ_BINARY, p1, p2, le=sw & 0xFF))
        check(sw, f"READ BINARY at {offset}")
        return data

    def read_object(self, fid: int, what: str) -> bytes:
        """Read one TLV/DER object from EF ``fid`` of the selected applet, header and all.

        Fast way: one extended READ BINARY by short EF id (``00 B0 <80|fid> 00 00 00 00``).
        Cautious way (the card refused that with 6700/6Cxx/6A86): SELECT EF, read the first
        bytes, take the length from the header, read the rest in 256-byte chunks.
        """
        if self.extended:
            apdu = CommandApdu(0x00, INS_READ_BINARY, 0x80 | fid, 0x00, le=65536, extended=True)
            data, sw = self._send(apdu)
            try:
                check(sw, f"READ BINARY {what}")
            except (WrongLengthError, WrongParametersError, NotSupportedError):
                log.debug("extended READ BINARY refused (%04X); reading in short chunks", sw)
                self.extended = False
            else:
                return self._complete(data, what)
        self.select_ef(fid)
        return self._complete(self.read_binary(0, HEADER_READ), what)

    def _complete(self, data: bytes, what: str) -> bytes:
        """Read the rest of an object whose first bytes are ``data`` (current EF)."""
        try:
            total = tlv.der_total_length(data[:HEADER_READ])
        except TlvError as exc:
            raise CardDataError(f"{what}: {exc}") from None
        if total - 1 > MAX_OFFSET:
            raise CardDataError(f"{what}: declared size {total} bytes is too large")
        while len(data) < total:
            chunk = self.read_binary(len(data), min(CHUNK, total - len(data)))
            if not chunk:
                raise CardDataError(f"{what}: EF ends after {len(data)} of {total} bytes")
            data += chunk
        return data[:total]

    # -- certificates -----------------------------------------------------------------------

    def read_auth_certificate(self) -> bytes:
        """The 利用者証明用 certificate (JPKI EF 000A), X.509 DER."""
        if self._auth_certificate is None:
            self.select(Applet.JPKI)
            self._auth_certificate = self.read_object(JpkiFile.AUTH_CERT, "auth certificate")
        return self._auth_certificate

    def read_auth_ca_certificate(self) -> bytes:
        """The auth CA certificate (JPKI EF 000B), X.509 DER."""
        self.select(Applet.JPKI)
        return self.read_object(JpkiFile.AUTH_CA_CERT, "auth CA certificate")

    def has_sign_certificate(self) -> bool | None:
        """Whether the card holds a signature certificate (JPKI EF 0001), asked without the
        signature password: READ BINARY of one byte by short EF id answers 6982 (there, but
        protected) or 6A82 (absent); a card that refuses the short form is asked with
        SELECT EF 0001. None when the card's answers say neither."""
        self.select(Applet.JPKI)
        apdu = CommandApdu(0x00, INS_READ_BINARY, 0x80 | JpkiFile.SIGN_CERT, 0x00, le=1)
        _, sw = self._send(apdu)
        if sw in (SW.SECURITY_STATUS_NOT_SATISFIED, SW.OK):
            return True
        if sw == SW.FILE_NOT_FOUND:
            return False
        apdu = CommandApdu(0x00, INS_SELECT, 0x02, 0x0C, JpkiFile.SIGN_CERT.to_bytes(2, "big"))
        _, sw = self._send(apdu)
        if sw == SW.OK:
            return True
        return False if sw == SW.FILE_NOT_FOUND else None

    # -- PINs -------------------------------------------------------------------------------

    def pin_status(self, kind: PinKind) -> PinStatus:
        """Tries left of one PIN, asked with VERIFY without data (no try is spent).

        ``00 20 00 <80|EF>`` answers 63Cx; a card that refuses the short-EF-id form is asked
        with SELECT EF + ``00 20 00 80`` instead. 9000 (already verified) means a full count;
        6984 means blocked.
        """
        info = PINS[kind]
        self.select(info.applet)
        sw = 0
        if self.verify_by_sfi:
            _, sw = self._send(CommandApdu(0x00, INS_VERIFY, 0x00, 0x80 | info.ef))
            if sw in (SW.INCORRECT_P1P2, SW.WRONG_P1P2, SW.FILE_NOT_FOUND):
                self.verify_by_sfi = False
        if not self.verify_by_sfi:
            self.select_ef(info.ef)
            _, sw = self._send(CommandApdu(0x00, INS_VERIFY, 0x00, 0x80))
        if is_verify_failed(sw):
            return PinStatus(kind, tries_left(sw), info.limit)
        if sw == SW.OK:
            return PinStatus(kind, info.limit, info.limit)
        if sw == SW.AUTH_METHOD_BLOCKED:
            return PinStatus(kind, 0, info.limit)
        check(sw, f"tries left of the {info.name_en}")
        raise StatusError(sw, f"tries left of the {info.name_en}: unexpected answer")

    def all_pin_status(self) -> list[PinStatus]:
        """Every PIN's state (auth, sign, 入力補助, 住基, 共通) in applet order, tries unspent.

        When every 4-digit PIN is blocked the card is also asked whether it holds a signature
        certificate (one APDU): without one it looks like a face-only card, and each status
        says so (its unlock advice then names only the municipal office)."""
        statuses = [self.pin_status(kind) for kind in PINS]
        blocked = all(s.blocked for s in statuses if s.kind in FOUR_DIGIT_KINDS)
        if blocked and self.has_sign_certificate() is False:
            statuses = [dataclasses.replace(s, face_only=True) for s in statuses]
        return statuses

    def _verify(self, applet: Applet, ef: int, secret: bytes, what: str) -> None:
        self.select(applet)
        if self.verify_by_sfi:
            _, sw = self._send(CommandApdu(0x00, INS_VERIFY, 0x00, 0x80 | ef, secret))
            if sw not in (SW.INCORRECT_P1P2, SW.WRONG_P1P2, SW.FILE_NOT_FOUND):
                check(sw, what)
                return
            self.verify_by_sfi = False
        self.select_ef(ef)
        self._call(CommandApdu(0x00, INS_VERIFY, 0x00, 0x80, secret), what)

    def verify_pin(self, kind: PinKind, pin: str) -> None:
        """VERIFY one PIN; :class:`WrongPinError` (with ``tries_left``) or
        :class:`PinBlockedError`."""
        info = PINS[kind]
        self._verify(info.applet, info.ef, info.check_format(pin), f"VERIFY {info.name_en}")

    def verify_auth_pin(self, pin: str) -> None:
        """VERIFY the 利用者証明用 PIN (``00 20 00 98 04 …``)."""
        self.verify_pin(PinKind.AUTH, pin)

    def change_pin(self, kind: PinKind, old: str, new: str) -> None:
        """Change a PIN: SELECT EF, VERIFY the old one, then ``00 24 01 80`` (JPKI, 入力補助)
        or ``80 32 00 80`` (住基, 共通). A wrong old PIN counts on the card."""
        info = PINS[kind]
        old_bytes, new_bytes = info.check_format(old), info.check_format(new)
        self.select(info.applet)
        self.select_ef(info.ef)
        what = f"VERIFY {info.name_en}"
        self._call(CommandApdu(0x00, INS_VERIFY, 0x00, 0x80, old_bytes), what)
        if kind in (PinKind.JUKI, PinKind.KYOTSU):
            apdu = CommandApdu(0x80, INS_CHANGE_PIN_JUKI, 0x00, 0x80, new_bytes)
        else:
            apdu = CommandApdu(0x00, INS_CHANGE_REFERENCE_DATA, 0x01, 0x80, new_bytes)
        self._call(apdu, f"CHANGE {info.name_en}")

    # -- signatures -------------------------------------------------------------------------

    def sign_auth(self, digest_info: bytes) -> bytes:
        """Sign a DigestInfo with the auth key: SELECT EF 0017, ``80 2A 00 80 Lc … 00``.

        Needs :meth:`verify_auth_pin` first (else 6982). Returns the RSA signature (256 bytes).
        """
        self.select(Applet.JPKI)
        self.select_ef(JpkiFile.AUTH_KEY)
        return self._call(
            CommandApdu(0x80, INS_SIGN, 0x00, 0x80, digest_info, le=256), "SIGN with auth key"
        )

    def prove_possession(self, pin: str) -> PossessionProof:
        """Show the card holds the auth key: VERIFY, sign a fresh random challenge, check it.

        Raises :class:`BadPinFormatError` (not 4 digits; nothing sent), :class:`WrongPinError`
        (with ``tries_left``), :class:`PinBlockedError`, :class:`PossessionNotProvenError` (the
        signature does not verify against the card's own auth certificate),
        :class:`NoCardError` / :class:`TransportError`, :class:`StatusError`. Returns the proof
        on success.
        """
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        certificate = self.read_auth_certificate()
        self.verify_auth_pin(pin)
        challenge = os.urandom(32)
        signature = self.sign_auth(digest_info_sha256(challenge))
        try:
            key = x509.load_der_x509_certificate(certificate).public_key()
        except ValueError:
            raise CardDataError("auth certificate is not valid X.509 DER") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise PossessionNotProvenError("auth certificate does not hold an RSA key")
        try:
            key.verify(signature, challenge, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise PossessionNotProvenError(
                "the card's signature does not match its auth certificate"
            ) from None
        return PossessionProof(certificate, challenge, signature)

    # -- card information -------------------------------------------------------------------

    def read_basic_info(self, pin: str | None = None, verify_b: str | None = None) -> BasicInfo:
        """Name, address, birth date, sex from 券面事項入力補助AP, opened by its PIN
        (``00 20 00 91 04 …``) or by 照合番号B (``00 20 00 95 0E …``)."""
        if pin is not None:
            self.verify_pin(PinKind.HOJO, pin)
        elif verify_b is not None:
            self._verify(
                Applet.KENHOJO,
                KenhojoFile.VERIFY_B,
                check_verify_b(verify_b),
                "VERIFY 照合番号B (入力補助AP)",
            )
        else:
            raise ValueError("read_basic_info needs the 入力補助 PIN or 照合番号B")
        self.select(Applet.KENHOJO)
        return parse_basic_info(self.read_object(KenhojoFile.BASIC_INFO, "basic information"))

    def _read_card_face_ef(self, verify_b: str) -> bytes:
        self._verify(
            Applet.KENKAKU, KenkakuFile.VERIFY_B, check_verify_b(verify_b), "VERIFY 照合番号B"
        )
        return self.read_object(KenkakuFile.CARD_FACE, "card face")

    def read_card_face(self, verify_b: str) -> CardFaceInfo:
        """The card face from 券面AP, opened by 照合番号B (``00 20 00 92 0E …``)."""
        return parse_card_face(self._read_card_face_ef(verify_b))

    def read_face_photo(self, verify_b: str) -> bytes:
        """The chip's face photo (DF27 of 券面AP EF 0002): greyscale JPEG 2000."""
        return self.read_card_face(verify_b).face_photo

    def read_for_reception(self, verify_b: str | None = None) -> ReceptionRead:
        """First read after the card is placed: auth certificate, JPKI PIN tries, face photo.

        7 APDUs with ``verify_b`` on a card that allows extended READ BINARY by short EF id
        (SELECT JPKI, READ 000A, ask 0018, ask 001B, SELECT 券面AP, VERIFY 照合番号B,
        READ 0002); 4 without it (no photo); one more when the auth PIN is blocked (is there
        a signature certificate? — a face-only card has none). No PIN try is spent.

        Raises :class:`NoCardError` / :class:`TransportError` (card unreadable or removed),
        :class:`NotMyNumberCardError` (no JPKI applet), :class:`WrongPinError` /
        :class:`PinBlockedError` (照合番号B refused), :class:`CardDataError` (unusable data),
        :class:`StatusError`.
        """
        certificate = self.read_auth_certificate()
        auth = self.pin_status(PinKind.AUTH)
        sign = self.pin_status(PinKind.SIGN)
        sign_certificate = self.has_sign_certificate() if auth.blocked else None
        photo = self.read_face_photo(verify_b) if verify_b is not None else None
        return ReceptionRead(certificate, auth.tries_left, sign.tries_left, photo, sign_certificate)

    def close(self) -> None:
        """Release the card (the transport powers it off / disconnects)."""
        self.selected = None
        self._auth_certificate = None
        self.transport.close()
