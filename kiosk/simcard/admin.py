"""Card administration as the municipal tools and the convenience-store reset do it.

- :func:`lock_pins` — the password-lock tool that makes a 顔認証マイナンバーカード: every PIN
  set to a random value, then blocked; the sign certificate revoked and removed.
- :func:`reset_at_office` — the municipal office (市区町村の窓口): every PIN, new values, full
  counts.
- :func:`reset_at_store` — a convenience-store multi-copy machine: only the auth PIN or the
  sign password, and only when the other of those two is known (checked on the card: a wrong
  one spends a try, saved through ``spend`` before the comparison). :func:`check_store_reset`
  refuses, before any PIN is asked, what a store cannot do, saying where it is done instead.
- :func:`change_pin` — a holder changing a PIN through the card's own APDUs (VERIFY, then
  CHANGE REFERENCE DATA), so a wrong old PIN spends a try on the card.
- :func:`set_tries_left` and :func:`recertify` — for rehearsals: a PIN's counter set as a
  patient's card would have it, and the certificates issued again with the dates (or the
  revocation) of the deck profile that shows a certificate state (:data:`CERTIFICATE_STATES`).

``lock_pins`` / ``reset_*`` change a :class:`CardState` in memory; save it with
:func:`kiosk.simcard.cardfile.save_card`. No message ever contains a PIN value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from kiosk.card.apdu import (
    INS_CHANGE_PIN_JUKI,
    INS_CHANGE_REFERENCE_DATA,
    INS_SELECT,
    INS_VERIFY,
    CommandApdu,
)
from kiosk.card.applets import Applet, JpkiFile, JukiFile, KenhojoFile
from kiosk.card.errors import PinBlockedError, WrongPinError
from kiosk.card.status import SW, describe, is_verify_failed, tries_left
from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.deck import (
    FOUR_DIGIT_PINS,
    PIN_LABELS,
    USER_PINS,
    DeckError,
    check_pin_format,
    get_profile,
)
from kiosk.simcard.errors import SimCardError
from kiosk.simcard.issue import FACE_ONLY_REMARK, certify, random_pin
from kiosk.simcard.ledger import CertificateKind
from kiosk.simcard.state import CardState
from kiosk.vocabulary import PinKind

if TYPE_CHECKING:
    from kiosk.simcard.ca import CertificateAuthority
    from kiosk.simcard.virtual import VirtualCard

OFFICE = "the municipal office (市区町村の窓口) — it resets every PIN; bring the card and ID"
STORE = (
    "a convenience-store multi-copy machine, after booking in the JPKI PIN-reset app "
    "(within 24 hours, 6:30-23:00), if the other of the auth PIN and the sign password is "
    "still known"
)
STORE_PINS = (PinKind.AUTH, PinKind.SIGN)
PIN_ALIASES = {"kenhojo": PinKind.HOJO, "nyuryokuhojo": PinKind.HOJO, "jukiap": PinKind.JUKI}
"""Other names a holder may use for a PIN (the applets' names)."""
_PIN_PLACES: dict[PinKind, tuple[Applet, int]] = {
    PinKind.AUTH: (Applet.JPKI, JpkiFile.AUTH_PIN),
    PinKind.SIGN: (Applet.JPKI, JpkiFile.SIGN_PIN),
    PinKind.HOJO: (Applet.KENHOJO, KenhojoFile.PIN),
    PinKind.JUKI: (Applet.JUKI, JukiFile.PIN),
    PinKind.KYOTSU: (Applet.KYOTSU, JukiFile.PIN),
}


CERTIFICATE_STATES = {
    "valid": "standard",
    "expiring": "expiring-soon",
    "grace": "expired-grace",
    "expired": "expired-certificate",
    "revoked": "revoked-certificate",
}
"""A certificate state and the deck profile whose certificates show it (their dates relative
to the day of issue, or their revocation)."""


class AdminError(SimCardError):
    """An administration step that cannot be done; the message says where to go instead."""


class StoreResetRefusedError(AdminError):
    """A convenience-store reset that is not allowed: go to the municipal office."""


def where_unlocked(pin: PinKind | str) -> str:
    """Where a locked ``pin`` is unlocked, as said to the patient (docs/card-protocol.md)."""
    name = PinKind(pin)
    if name in STORE_PINS:
        return f"at {OFFICE}, or at {STORE}"
    return f"only at {OFFICE}"


def locked_message(pin: PinKind | str) -> str:
    name = PinKind(pin)
    return f"the {PIN_LABELS[name]} is locked; it can be unlocked {where_unlocked(name)}"


def _other(which: PinKind) -> PinKind:
    return PinKind.SIGN if which is PinKind.AUTH else PinKind.AUTH


def _require_jpki(state: CardState) -> None:
    if not state.has_jpki:
        raise AdminError("this is not a My Number card (no JPKI applet): it has no PINs to manage")


def lock_pins(state: CardState, *, ca: CertificateAuthority | None = None) -> None:
    """Make ``state`` a face-only card (顔認証マイナンバーカード), as the password-lock tool does:
    every 4-digit PIN (auth, 入力補助, 住基, 共通) gets a random value and is blocked; the sign
    certificate is revoked (``ca`` defaults to the simulated CA) and removed with its key, and
    the sign password is blocked too; 「顔認証」 goes into the 追記欄."""
    _require_jpki(state)
    for name in (*FOUR_DIGIT_PINS, PinKind.SIGN):
        state.set_pin(name, random_pin(name))
        state.pins[name].tries_left = 0
    if state.sign_cert is not None:
        from cryptography import x509

        authority = ca if ca is not None else CertificateAuthority.load()
        serial = x509.load_der_x509_certificate(state.sign_cert).serial_number
        authority.revoke(serial, CertificateKind.SIGN)
    state.sign_cert = state.sign_key = state.sign_ca_cert = None
    state.face_only = True
    if FACE_ONLY_REMARK not in state.face.remarks:
        state.face.remarks.append(FACE_ONLY_REMARK)


def reset_at_office(
    state: CardState,
    *,
    auth_pin: str,
    sign_pin: str,
    hojo_pin: str,
    juki_pin: str,
    kyotsu_pin: str,
) -> None:
    """Set every PIN to a new value with its full count (and the 照合番号 counters to full).

    Every value is checked first; nothing changes if one is malformed. A face-only card
    becomes an ordinary card (「顔認証」 struck from the 追記欄); its sign certificate is not
    re-issued here.
    """
    _require_jpki(state)
    values = {
        PinKind.AUTH: auth_pin,
        PinKind.SIGN: sign_pin,
        PinKind.HOJO: hojo_pin,
        PinKind.JUKI: juki_pin,
        PinKind.KYOTSU: kyotsu_pin,
    }
    for name, value in values.items():
        check_pin_format(name, value)
    for name, value in values.items():
        state.set_pin(name, value)
    for name in (PinKind.VERIFY_A, PinKind.VERIFY_B):
        if name in state.pins:
            state.pins[name].tries_left = state.pins[name].limit
    if state.face_only:
        state.face_only = False
        state.face.remarks[:] = [r for r in state.face.remarks if r != FACE_ONLY_REMARK]


def pin_named(which: PinKind | str) -> PinKind:
    """The PIN a name means (``auth``, ``sign``, ``hojo``/``kenhojo``, ``juki``, ``kyotsu``)."""
    if isinstance(which, PinKind):
        return which
    key = str(which).strip().lower()
    if key in PIN_ALIASES:
        return PIN_ALIASES[key]
    try:
        return PinKind(key)
    except ValueError:
        raise StoreResetRefusedError(
            "no such PIN name: a store resets only the auth PIN or the sign password "
            f"(auth, sign); for any other PIN go to {OFFICE}"
        ) from None


def check_store_reset(state: CardState, which: PinKind | str) -> PinKind:
    """The PIN a store may reset (``which``), or :class:`StoreResetRefusedError` saying where to go:
    another PIN, a face-only card, a card without the sign certificate, or the other of the
    auth PIN and the sign password locked. Nothing is spent or changed here."""
    _require_jpki(state)
    target = pin_named(which)
    if target not in STORE_PINS:
        raise StoreResetRefusedError(
            f"the {PIN_LABELS.get(target, target)} cannot be reset at a store: go to {OFFICE}"
        )
    if state.face_only:
        raise StoreResetRefusedError(
            "a face-only card (顔認証マイナンバーカード) has no PIN a store can reset: "
            f"go to {OFFICE}"
        )
    if state.sign_cert is None:
        raise StoreResetRefusedError(
            f"this card has no sign certificate (署名用電子証明書), which the store reset needs: "
            f"go to {OFFICE}"
        )
    other = _other(target)
    pin = state.pins.get(other)
    if pin is None or pin.blocked:
        raise StoreResetRefusedError(
            f"the {PIN_LABELS[other]} is locked too, so the store cannot reset the "
            f"{PIN_LABELS[target]}: go to {OFFICE}"
        )
    return target


def reset_at_store(
    state: CardState,
    which: PinKind | str,
    *,
    other_pin: str,
    new_pin: str,
    spend: Callable[[CardState], None] | None = None,
) -> None:
    """Reset the auth PIN or the sign password (``which``) at a convenience store.

    Allowed only when the other of the two is known: ``other_pin`` is checked like a VERIFY on
    the card: a try is spent and handed to ``spend`` (which saves the card) before the
    comparison; a right one restores the count. Refused with :class:`StoreResetRefusedError`
    (saying where to go) as :func:`check_store_reset` says, or for a wrong other PIN.
    """
    target = check_store_reset(state, which)
    check_pin_format(target, new_pin)
    other = _other(target)
    pin = state.pins[other]
    pin.tries_left -= 1
    if spend is not None:
        spend(state)
    if not state.pin_matches(other, other_pin):
        where = (
            f"go to {OFFICE}"
            if pin.blocked
            else f"{pin.tries_left} tries left; if it is not known, go to {OFFICE}"
        )
        raise StoreResetRefusedError(f"the {PIN_LABELS[other]} entered is wrong ({where})")
    pin.tries_left = pin.limit
    state.set_pin(target, new_pin)


def change_pin(card: VirtualCard, which: PinKind | str, old: str, new: str) -> None:
    """Change a PIN through the card's APDUs: SELECT the applet and the PIN's EF, VERIFY
    ``old``, then CHANGE to ``new`` (``00 24 01 80`` for JPKI and 入力補助, ``80 32 00 80`` for
    住基 and 共通). A wrong ``old`` spends a try on the card (the card layer's
    :class:`WrongPinError`, naming the PIN); a locked PIN raises its :class:`PinBlockedError`
    saying where it is unlocked."""
    try:
        name = PinKind(which)
    except ValueError:
        raise AdminError(f"unknown PIN {which!r}: choose one of {', '.join(USER_PINS)}") from None
    if name not in _PIN_PLACES:
        raise AdminError(f"{name} is not a PIN a holder can change")
    check_pin_format(name, new)
    applet, fid = _PIN_PLACES[name]
    label = PIN_LABELS[name]

    def send(cla: int, ins: int, p1: int, p2: int, data: bytes) -> int:
        _, sw = card.transmit(CommandApdu(cla, ins, p1, p2, data).encode())
        return sw

    sw = send(0x00, INS_SELECT, 0x04, 0x0C, applet.aid)
    if sw == SW.FILE_NOT_FOUND:
        raise AdminError("this is not a My Number card: the applet holding that PIN is missing")
    if sw == SW.OK:
        sw = send(0x00, INS_SELECT, 0x02, 0x0C, fid.to_bytes(2, "big"))
    if sw != SW.OK:
        raise AdminError(f"the card refused to select the {label}: {describe(sw)}")
    sw = send(0x00, INS_VERIFY, 0x00, 0x80, old.encode("ascii", "replace"))
    if sw in (SW.AUTH_METHOD_BLOCKED, SW.VERIFY_FAILED):
        raise PinBlockedError(sw, locked_message(name), pin=name)
    if is_verify_failed(sw):
        left = tries_left(sw)
        raise WrongPinError(
            sw,
            f"the current {label} is wrong: {left} {'try' if left == 1 else 'tries'} left "
            f"before it locks (a locked one is unlocked {where_unlocked(name)})",
            left,
            pin=name,
        )
    if sw != SW.OK:
        raise AdminError(f"the card refused the {label}: {describe(sw)}")
    if applet in (Applet.JUKI, Applet.KYOTSU):
        sw = send(0x80, INS_CHANGE_PIN_JUKI, 0x00, 0x80, new.encode("ascii"))
    else:
        sw = send(0x00, INS_CHANGE_REFERENCE_DATA, 0x01, 0x80, new.encode("ascii"))
    if sw != SW.OK:
        raise AdminError(f"the card refused the new {label}: {describe(sw)}")


def set_tries_left(state: CardState, which: PinKind | str, tries: int) -> PinKind:
    """Set the counter of the PIN ``which`` to ``tries`` (0: locked; at most its limit), its
    value unchanged. Returns the PIN."""
    _require_jpki(state)
    try:
        name = PinKind(which)
    except ValueError:
        raise AdminError(f"unknown PIN {which!r}: choose one of {', '.join(USER_PINS)}") from None
    pin = state.pins.get(name)
    if name not in USER_PINS or pin is None:
        raise AdminError(f"{name} is not a PIN this card holds")
    if isinstance(tries, bool) or not 0 <= tries <= pin.limit:
        raise AdminError(f"the {PIN_LABELS[name]} has 0 to {pin.limit} tries")
    pin.tries_left = tries
    return name


def recertify(
    state: CardState,
    certificate_state: str,
    *,
    today: date | None = None,
    ca: CertificateAuthority | None = None,
) -> None:
    """Issue the card's certificates again (new keys, in the ledger) dated as the deck profile
    of ``certificate_state`` dates its own, revoked when that one's are; PINs, counters and
    the card face stay. A card without a sign certificate (face-only) gets none."""
    _require_jpki(state)
    if certificate_state not in CERTIFICATE_STATES:
        raise AdminError(
            f"unknown certificate state {certificate_state!r}: "
            f"choose one of {', '.join(CERTIFICATE_STATES)}"
        )
    like = get_profile(CERTIFICATE_STATES[certificate_state])
    try:
        own = get_profile(state.profile)
    except DeckError:
        own = like  # a card from elsewhere: its holder's dates are unknown, the deck's serve
    profile = dataclasses.replace(
        own,
        cert_issued=like.cert_issued if like.cert_issued is not None else like.card_issued,
        cert_expiry=like.cert_expiry,
        revoked=like.revoked,
        face_only=state.sign_cert is None,
    )
    certify(state, profile, today if today is not None else date.today(), ca)
