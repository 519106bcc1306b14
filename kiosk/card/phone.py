"""Reading a smartphone that carries the card's certificates (スマホ用電子証明書), as the
汎用カードリーダー beside the face reader reads it.

The phone answers as the 公的個人認証 applet of a card (:class:`~kiosk.card.mynumber.MyNumberCard`
speaks to it); EF 0006 says which phone it is (``JPKIAPGPSETOKEN`` Android,
``JPKIAPIOSTOKEN`` iPhone; a card says ``JPKIAPICCTOKEN2``). On Android the auth PIN is
verified first — the certificate is read only after it, unlike a card's; an iPhone has
confirmed its user itself (Face ID / Touch ID) and is asked no PIN. Then the phone signs a
fresh challenge, checked against its certificate, as a card proves possession.

:meth:`PhoneSession.read` raises :class:`WrongPinError` / :class:`PinBlockedError` (Android),
:class:`PhoneVerificationError` (iPhone: the user was not verified, or cannot be),
:class:`NotAPhoneError` (a card, or nothing a phone would say), :class:`TransportError`
(the phone was taken away during the read) and the card layer's other errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kiosk.card.applets import Applet, JpkiFile
from kiosk.card.errors import (
    NOT_ENROLLED,
    VERIFICATION_FAILED,
    CardDataError,
    NotAPhoneError,
    PhoneVerificationError,
    PossessionNotProvenError,
    SecurityStatusNotSatisfiedError,
    StatusError,
)
from kiosk.card.mynumber import MyNumberCard, digest_info_sha256
from kiosk.card.status import SW
from kiosk.card.transport import Transport
from kiosk.vocabulary import PhoneOs

TOKEN_BYTES = 32
"""The token name is the first 32 bytes of EF 0006, space-padded ASCII."""

TOKENS: dict[str, PhoneOs] = {"JPKIAPGPSETOKEN": PhoneOs.ANDROID, "JPKIAPIOSTOKEN": PhoneOs.IOS}
CARD_TOKEN = "JPKIAPICCTOKEN2"  # noqa: S105 - a token name, not a secret


@dataclass(frozen=True)
class PhoneRead:
    """What the phone gave: its kind and its user-authentication certificate (DER)."""

    os: PhoneOs
    auth_certificate: bytes


class PhoneSession:
    """One phone held over the reader, behind ``transport``."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.card = MyNumberCard(transport)

    def token(self) -> str:
        """The token name of EF 0006 (trailing spaces dropped)."""
        try:
            self.card.select(Applet.JPKI)
        except StatusError as exc:
            if exc.sw == SW.CONDITIONS_NOT_SATISFIED:
                raise PhoneVerificationError(
                    "the phone has no Face ID or Touch ID set up", NOT_ENROLLED
                ) from None
            raise
        raw = self.card.read_binary(0, TOKEN_BYTES, sfi=JpkiFile.TOKEN_INFO)
        return raw.decode("ascii", "replace").rstrip(" \x00")

    def kind(self) -> PhoneOs:
        """Which phone this is; :class:`NotAPhoneError` for a card or anything else."""
        token = self.token()
        os_ = TOKENS.get(token)
        if os_ is None:
            card = token == CARD_TOKEN
            what = "a My Number card" if card else "no smartphone certificate"
            raise NotAPhoneError(f"the phone reader holds {what}", card=card)
        return os_

    def read(self, pin: str | None) -> PhoneRead:
        """Verify (Android: ``pin``), read the auth certificate, prove possession."""
        os_ = self.kind()
        if os_ is PhoneOs.ANDROID:
            if pin is None:
                raise PossessionNotProvenError("an Android phone needs its PIN")
            self.card.verify_auth_pin(pin)
        try:
            certificate = self.card.read_auth_certificate()
            self._prove(certificate)
        except SecurityStatusNotSatisfiedError:
            if os_ is PhoneOs.IOS:
                raise PhoneVerificationError(
                    "the iPhone did not confirm its user", VERIFICATION_FAILED
                ) from None
            raise
        return PhoneRead(os_, certificate)

    def _prove(self, certificate: bytes) -> None:
        from cryptography import x509
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa

        challenge = os.urandom(32)
        signature = self.card.sign_auth(digest_info_sha256(challenge))
        try:
            key = x509.load_der_x509_certificate(certificate).public_key()
        except ValueError:
            raise CardDataError("the phone's auth certificate is not valid X.509 DER") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise PossessionNotProvenError("the phone's certificate does not hold an RSA key")
        try:
            key.verify(signature, challenge, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise PossessionNotProvenError(
                "the phone's signature does not match its certificate"
            ) from None

    def close(self) -> None:
        self.card.close()
