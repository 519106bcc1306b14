"""The waiting patient's images sealed from the kiosk to the station that asked for them.

The handshake binds four things, each signed by its owner's own key
(:mod:`kiosk.station_tables.keys`): the station's challenge, the endpoint the kiosk dialled
(as the station's signed request named it), the kiosk, call and reception, and a fresh X25519
key of each side.

1. station → kiosk: ``{"type": "challenge", "challenge"}``
2. kiosk → station: ``hello`` with the kiosk ID, the reception, the endpoint, its X25519 key,
   signed by the kiosk's key. The station checks it against the key it enrolled for that
   kiosk and that the endpoint is the one it asked that kiosk for; anything else is refused
   and recorded, and never replaces the connection of the kiosk it claims to be.
3. station → kiosk: ``welcome`` with its X25519 key, signed by the station's key over all of
   the above. The kiosk checks it with the key of the station that signed the request
   (learned at pairing) and sends nothing before.
4. Both derive two keys from the X25519 secret (HKDF-SHA-256 over the handshake), and
   every message from the kiosk is ChaCha20-Poly1305 with a counter nonce
   (:class:`SealedChannel`): a relay in between — even one passing the handshake through
   to the real station — sees only sealed bytes, and cannot change, reorder or replay them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HELLO = "kiosk media hello"
WELCOME = "kiosk media welcome"


class SealError(ValueError):
    """A sealed message that is not the next one from the other side."""


def ephemeral() -> tuple[X25519PrivateKey, str]:
    """A fresh X25519 key and its public half (hex)."""
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    return private, public


def hello_payload(
    challenge: str, kiosk_id: str, reception_id: str, url: str, kiosk_ephemeral: str
) -> dict[str, Any]:
    return {
        "challenge": challenge,
        "kiosk_id": kiosk_id,
        "reception_id": reception_id,
        "url": url,
        "ephemeral": kiosk_ephemeral,
    }


def welcome_payload(hello: dict[str, Any], station_ephemeral: str) -> dict[str, Any]:
    return {**hello, "station_ephemeral": station_ephemeral}


class SealedChannel:
    """One direction of sealed messages: ``seal`` on one side, ``open`` on the other."""

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._count = 0

    def _nonce(self) -> bytes:
        nonce = self._count.to_bytes(12, "big")
        self._count += 1
        return nonce

    def seal(self, data: bytes) -> bytes:
        return self._aead.encrypt(self._nonce(), data, None)

    def open(self, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(self._nonce(), blob, None)
        except InvalidTag:
            raise SealError("a message that is not sealed for this connection") from None


def channel(private: X25519PrivateKey, peer: str, welcome: dict[str, Any]) -> SealedChannel:
    """The kiosk-to-station channel of a handshake (both sides compute the same)."""
    shared = private.exchange(X25519PublicKey.from_public_bytes(bytes.fromhex(peer)))
    context = hashlib.sha256(repr(sorted(welcome.items())).encode("utf-8")).digest()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=context, info=b"kiosk media to station"
    ).derive(shared)
    return SealedChannel(key)


def is_ephemeral(text: object) -> bool:
    if not isinstance(text, str) or len(text) != 64:
        return False
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True
