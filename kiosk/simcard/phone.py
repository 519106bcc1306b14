"""The smartphone マイナ保険証: a phone carrying a card's certificates (スマホ用電子証明書).

A virtual phone is a chip state (:class:`~kiosk.simcard.state.CardState`) with
:class:`~kiosk.simcard.state.PhoneInfo`: the same card OS and JPKI applet as the card
(:mod:`kiosk.simcard.cardos`, :mod:`kiosk.simcard.applet_jpki`), with a smartphone's
differences:

- only the 公的個人認証 applet answers (any other AID: ``6A82``); the ATR is that of a
  contactless ISO 14443-4 device as PC/SC reports it;
- EF 0006 names the token ``JPKIAPGPSETOKEN`` (Android) or ``JPKIAPIOSTOKEN`` (iPhone);
- the user-authentication certificate (EF 000A) is read only after the PIN is verified;
- an iPhone verifies its user itself (Face ID / Touch ID, no passcode): when that succeeds
  the auth key and certificate open as a verified PIN would open them; when it fails they
  stay closed (``6982``); a phone without Face ID / Touch ID set up refuses the applet
  (``SELECT`` answers ``6985``, conditions of use not satisfied). This simulator's own
  convention: no public source documents the iPhone's answers at the APDU level.

:func:`issue_phone` makes a phone for a card: the same person and deck profile, fresh keys
certified by the same simulated CA, valid no longer than the card's own certificate and the
card itself; a revoked card's phone is revoked as well.
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, date, datetime

from kiosk.card.applets import Applet, JpkiFile
from kiosk.card.status import SW
from kiosk.simcard import applet_jpki
from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.cardos import CardOS, CardStatus, CardStore
from kiosk.simcard.deck import JST, DeckError, PinFormatError, check_pin_format, get_profile
from kiosk.simcard.errors import SimCardError
from kiosk.simcard.files import AppletFiles, BinaryFile, CardContext, fixed
from kiosk.simcard.issue import (
    SALT_BYTES,
    SEED_BYTES,
    issue_certificates,
    new_card_serial,
    random_pin,
)
from kiosk.simcard.ledger import CertificateKind
from kiosk.simcard.state import CardState, PhoneInfo, UserVerification
from kiosk.vocabulary import PhoneOs, PinKind

TOKEN_LABELS: dict[PhoneOs, bytes] = {
    PhoneOs.ANDROID: b"JPKIAPGPSETOKEN",
    PhoneOs.IOS: b"JPKIAPIOSTOKEN",
}
"""EF 0006 of a phone's JPKI applet (jpki/myna reads the first 32 bytes, space-padded)."""

PHONE_ATR = bytes.fromhex("3B8080010101")
"""PC/SC's ATR for a contactless ISO 14443-4 device without historical bytes (3B 8n 80 01,
TD2 ending the interface bytes, TCK)."""


class PhoneIssueError(SimCardError):
    """A phone cannot be made for this card (no certificates, face-only, a bad PIN)."""


def build_jpki(ctx: CardContext) -> AppletFiles | None:
    """The phone's JPKI applet: the card's, with the phone's token label and the auth
    certificate opened only by the auth PIN (or, on an iPhone, its own user verification)."""
    files = applet_jpki.build(ctx)
    phone = ctx.state.phone
    if files is None or phone is None:
        return files
    label = TOKEN_LABELS[phone.os].ljust(applet_jpki.TOKEN_INFO_SIZE, b" ")
    files.add(BinaryFile(JpkiFile.TOKEN_INFO, fixed(label)))
    if ctx.state.auth_cert is not None:
        auth_only = frozenset({PinKind.AUTH})
        files.add(BinaryFile(JpkiFile.AUTH_CERT, fixed(ctx.state.auth_cert), auth_only))
    return files


class PhoneOS(CardOS):
    """The card OS as a phone's secure element runs it (only JPKI; the iPhone's own check)."""

    def __init__(
        self, ctx: CardContext, *, store: CardStore | None = None, sign_ms: float = 0.0
    ) -> None:
        super().__init__(ctx, store=store, sign_ms=sign_ms)
        self.applets = {Applet.JPKI.aid: build_jpki}

    def _select_applet(self, aid: bytes, *, fci: bool) -> bytes:
        phone = self.state.phone
        ios = phone is not None and phone.os is PhoneOs.IOS
        if ios and aid == Applet.JPKI.aid:
            self._refresh()  # a tester may have changed the outcome since
            phone = self.state.phone
            if phone is not None and phone.user_verification is UserVerification.NOT_ENROLLED:
                raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
        answer = super()._select_applet(aid, fci=fci)
        if ios and phone is not None and phone.user_verification is UserVerification.OK:
            self.verified.add(PinKind.AUTH)  # Face ID / Touch ID stands for the PIN
        return answer


def certificate_end(card: CardState) -> datetime:
    """The last moment a phone for ``card`` may be valid: its auth certificate's end, and
    no later than the card's own expiry day (end of the day, JST)."""
    from cryptography import x509

    card_end = datetime.combine(card.face.expiry, datetime.max.time(), JST).replace(microsecond=0)
    end = card_end.astimezone(UTC)
    if card.auth_cert is not None:
        try:
            cert_end = x509.load_der_x509_certificate(card.auth_cert).not_valid_after_utc
        except ValueError:
            raise PhoneIssueError("the card's auth certificate is unreadable") from None
        end = min(end, cert_end)
    return end


def default_pin(card: CardState) -> str:
    """A phone's auth PIN when none is given: the one the deck gives the card's 利用者証明用
    certificate (patients often choose the same four digits for both)."""
    try:
        return get_profile(card.profile).auth_pin
    except DeckError:
        raise PhoneIssueError(
            "the card is not from the deck: give the phone's 4-digit PIN (--pin)"
        ) from None


def issue_phone(
    card: CardState,
    os: PhoneOs,
    *,
    pin: str | None = None,
    verification: UserVerification = UserVerification.OK,
    today: date | None = None,
    ca: CertificateAuthority | None = None,
) -> CardState:
    """A phone linked to ``card``: same person and profile, new keys and certificates from
    the same CA, expiring with the card. ``pin`` is the phone's auth PIN (4 digits; on an
    iPhone it is set but never asked; None: :func:`default_pin`). Raises
    :class:`PhoneIssueError`."""
    if not card.has_jpki or card.auth_cert is None:
        raise PhoneIssueError("the card holds no certificates to put on a phone")
    if card.face_only:
        raise PhoneIssueError(
            "a face-only card has no signature certificate: a phone cannot be set up with it"
        )
    if card.phone is not None:
        raise PhoneIssueError("this is a phone already; give the card it was made from")
    if pin is None:
        pin = default_pin(card)
    try:
        check_pin_format(PinKind.AUTH, pin)
    except PinFormatError:
        raise PhoneIssueError("the phone's PIN is 4 digits") from None
    today = today if today is not None else date.today()
    authority = ca if ca is not None else CertificateAuthority.load()
    not_before = datetime.combine(today, datetime.min.time(), JST).astimezone(UTC)
    not_after = certificate_end(card)
    not_before = min(not_before, not_after)
    phone = CardState(
        profile=card.profile,
        serial=new_card_serial(),
        face=card.face,
        salt=secrets.token_bytes(SALT_BYTES),
        number_seed=secrets.token_bytes(SEED_BYTES),
        pins={},
        registered_for_insurance=card.registered_for_insurance,
        phone=PhoneInfo(os, card.serial, card.face.expiry, verification),
    )
    phone.set_pin(PinKind.AUTH, pin)
    phone.set_pin(PinKind.SIGN, _sign_password())
    serials = _certify(phone, authority, not_before, not_after)
    if _revoked(card.profile):
        for serial, kind in serials:
            authority.revoke(serial, kind)
    return phone


def _certify(
    phone: CardState, authority: CertificateAuthority, not_before: datetime, not_after: datetime
) -> list[tuple[int, CertificateKind]]:
    municipality = "13101"
    with contextlib.suppress(DeckError):
        municipality = get_profile(phone.profile).municipality
    return issue_certificates(
        phone,
        authority,
        list(CertificateKind),
        not_before=not_before,
        not_after=not_after,
        municipality=municipality,
        profile=phone.profile,
        person=phone.face.person,
    )


def _sign_password() -> str:
    return random_pin(PinKind.SIGN)


def _revoked(profile: str) -> bool:
    try:
        return get_profile(profile).revoked
    except DeckError:
        return False
