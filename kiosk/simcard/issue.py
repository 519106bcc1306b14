"""Issuing a virtual card from a deck profile, as the municipal office does.

:func:`issue_card` makes fresh RSA-2048 keys, has the simulated CA certify them (auth, and
sign unless the card is face-only), picks a per-card salt and individual-number seed, sets
the PINs and applies the profile's counters. Each call makes a new card: new serial, new
keys, new individual number.
"""

from __future__ import annotations

import secrets
import string
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.deck import (
    FOUR_DIGIT_PINS,
    USER_PINS,
    DeckError,
    PinFormatError,
    Profile,
    check_pin_format,
    get_profile,
)
from kiosk.simcard.ledger import CertificateKind, LedgerEntry
from kiosk.simcard.state import CardState
from kiosk.vocabulary import PinKind

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from kiosk.simcard.ca import CertificateAuthority

__all__ = [
    "PinFormatError",
    "certify",
    "issue_card",
    "new_card_serial",
    "random_pin",
    "register_card",
]

SALT_BYTES = 16
SEED_BYTES = 16
FACE_ONLY_REMARK = "顔認証"
BROKEN_CHIP_CERTIFICATE = bytes(range(0xF0, 0x100)) * 8
"""What a broken chip's JPKI applet holds for the auth certificate: no DER at all (a reader
shows error 001, card not recognised)."""


def new_card_serial() -> str:
    """A fresh card serial: 16 upper-case hex digits."""
    return f"{secrets.randbits(64):016X}"


def random_pin(name: PinKind) -> str:
    """A random value in ``name``'s format (the lock tool's and the face-only card's PINs)."""
    if name is PinKind.SIGN:
        alphabet = string.ascii_uppercase + string.digits
        return "".join(secrets.choice(alphabet) for _ in range(16))
    return "".join(secrets.choice(string.digits) for _ in range(4))


def new_private_key() -> tuple[RSAPrivateKey, bytes]:
    """A new RSA-2048 key and its PKCS#8 DER (~0.1 s)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key, der


def issue_card(
    profile: str | Profile,
    *,
    auth_pin: str | None = None,
    sign_pin: str | None = None,
    today: date | None = None,
    ca: CertificateAuthority | None = None,
    serial: str | None = None,
) -> CardState:
    """A new card for ``profile`` (a name from the deck, or a :class:`Profile`).

    ``auth_pin`` / ``sign_pin`` replace the profile's test PINs (checked: 4 digits; 6-16 of
    A-Z 0-9 — :class:`PinFormatError` otherwise). ``today`` anchors the profile's relative
    dates (default: the local date). The certificates are recorded in the CA's ledger
    (``ca`` defaults to :meth:`CertificateAuthority.load`); the revoked-certificate profile
    has them revoked at once. A face-only profile ignores ``auth_pin`` / ``sign_pin``: its
    PINs are random, the 4-digit ones blocked, as on the real card.
    """
    prof = get_profile(profile) if isinstance(profile, str) else profile
    if auth_pin is not None:
        check_pin_format(PinKind.AUTH, auth_pin)
    if sign_pin is not None:
        check_pin_format(PinKind.SIGN, sign_pin)
    today = today if today is not None else date.today()
    remarks = list(prof.remarks)
    if prof.face_only and FACE_ONLY_REMARK not in remarks:
        remarks.append(FACE_ONLY_REMARK)
    face = prof.card_face(today)
    face.remarks = remarks
    state = CardState(
        profile=prof.name,
        serial=serial or new_card_serial(),
        face=face,
        salt=secrets.token_bytes(SALT_BYTES),
        number_seed=secrets.token_bytes(SEED_BYTES),
        pins={},
        has_jpki=prof.has_jpki,
        face_only=prof.face_only,
        registered_for_insurance=prof.registered_for_insurance,
    )
    _set_pins(state, prof, auth_pin=auth_pin, sign_pin=sign_pin)
    if prof.has_jpki:
        certify(state, prof, today, ca)
    if prof.broken_chip:
        state.auth_cert = BROKEN_CHIP_CERTIFICATE
    return state


def _set_pins(
    state: CardState, prof: Profile, *, auth_pin: str | None, sign_pin: str | None
) -> None:
    if prof.face_only:
        # 顔認証マイナンバーカード: nobody knows any PIN; every one is random, the 4-digit ones
        # blocked; the signature password stays as set (there is no signature certificate)
        for name in USER_PINS:
            state.set_pin(name, random_pin(name))
            if name in FOUR_DIGIT_PINS:
                state.pins[name].tries_left = 0
        return
    chosen = {PinKind.AUTH: auth_pin, PinKind.SIGN: sign_pin}
    for name in USER_PINS:
        value = chosen.get(name) or prof.pins[name]
        state.set_pin(name, value)
    for name, left in prof.tries_left.items():
        state.pins[name].tries_left = left


def certify(state: CardState, prof: Profile, today: date, ca: CertificateAuthority | None) -> None:
    """New keys and certificates for ``state`` with ``prof``'s dates (auth, and sign unless
    the profile is face-only), recorded in the CA's ledger; revoked when ``prof`` is."""

    authority = ca if ca is not None else CertificateAuthority.load()
    not_before, not_after = prof.cert_validity(today)
    kinds = [CertificateKind.AUTH] if prof.face_only else list(CertificateKind)
    serials = issue_certificates(
        state,
        authority,
        kinds,
        not_before=not_before,
        not_after=not_after,
        municipality=prof.municipality,
        profile=prof.name,
        person=prof.person,
    )
    if prof.revoked:
        for serial, kind in serials:
            authority.revoke(serial, kind)


def issue_certificates(
    state: CardState,
    authority: CertificateAuthority,
    kinds: list[CertificateKind],
    *,
    not_before: datetime,
    not_after: datetime,
    municipality: str,
    profile: str,
    person: str,
) -> list[tuple[int, CertificateKind]]:
    """A new key and certificate of each of ``kinds`` for ``state`` (a card or a phone),
    kept in it; returns their serials."""
    serials: list[tuple[int, CertificateKind]] = []
    for kind in kinds:
        key, key_der = new_private_key()
        cert = authority.issue_certificate(
            kind,
            key.public_key(),
            not_before=not_before,
            not_after=not_after,
            municipality=municipality,
            profile=profile,
            person=person,
            card_serial=state.serial,
        )
        serials.append((_serial_of(cert), kind))
        if kind is CertificateKind.AUTH:
            state.auth_cert, state.auth_key = cert, key_der
            state.auth_ca_cert = authority.auth_ca_cert
        else:
            state.sign_cert, state.sign_key = cert, key_der
            state.sign_ca_cert = authority.sign_ca_cert
    return serials


def _serial_of(cert_der: bytes) -> int:
    from cryptography import x509

    return x509.load_der_x509_certificate(cert_der).serial_number


def register_card(state: CardState, *, ca: CertificateAuthority | None = None) -> bool:
    """Make this kiosk's CA state know a card issued elsewhere (a card file brought from
    another machine or ``KIOSK_HOME``): its certificates go into the ledger under the card's
    profile and person, and are revoked when that deck profile is a revoked one.

    Certificates the simulated CA did not sign are ignored. Returns True when something was
    recorded. Calling it for a card the ledger already knows changes nothing.
    """
    from cryptography import x509

    authority = ca if ca is not None else CertificateAuthority.load()
    try:
        revoked = get_profile(state.profile).revoked
    except DeckError:
        revoked = False
    changed = False
    for kind, der in (
        (CertificateKind.AUTH, state.auth_cert),
        (CertificateKind.SIGN, state.sign_cert),
    ):
        if der is None or not authority.issued(der, kind):
            continue
        cert = x509.load_der_x509_certificate(der)
        if authority.ledger_entry(cert.serial_number) is not None:
            continue
        authority.record(
            LedgerEntry(
                cert.serial_number,
                kind,
                state.profile,
                state.face.person,
                state.serial,
                cert.not_valid_after_utc,
            )
        )
        if revoked:
            authority.revoke(cert.serial_number, kind)
        changed = True
    return changed
