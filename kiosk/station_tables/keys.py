"""The signing keys of the staff station and of each kiosk (Ed25519), kept outside the database.

The records database carries the desk's requests, the calls and the pairing of kiosks, but
someone who can write it must not be able to speak for the station or for a kiosk. So:

- the station signs every request it leaves for a kiosk with its own key
  (``kiosk_home()/station-key``);
- each kiosk signs its calls and its images' handshake with a key of its own
  (``kiosk_home()/kiosk-keys/<kiosk ID>.key``), enrolled once at the desk
  (:mod:`kiosk.station_tables.pairing`);
- a kiosk keeps the public keys of the stations it was paired with beside its own key
  (``<kiosk ID>.stations``, one a line): it learns them at pairing, never from the database.

A private key is 32 random bytes as hex in a file of mode 0600, created once and never
overwritten (:func:`kiosk.records.secret_file.load_or_create_secret`). What is signed is the
canonical JSON of a payload with its ``purpose``, so a signature of one kind never passes for
another. The cryptography package is imported at the first signature or check, not with
this module: the records commands load it only when they check signatures.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.paths import kiosk_home
from kiosk.records.chain import canonical
from kiosk.records.errors import RecordError
from kiosk.records.secret_file import load_or_create_secret

STATION_KEY_FILE = "station-key"
KIOSK_KEYS = "kiosk-keys"
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_HEX = re.compile(r"[0-9a-f]{64}")
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, repr=False)
class KeyPair:
    """A private signing key and its public half (hex), never printed."""

    secret: bytes
    source: Path

    @cached_property
    def _private(self) -> Ed25519PrivateKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.secret[:32])

    @cached_property
    def public(self) -> str:
        """The public key, 64 hex digits (what the other side keeps)."""
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        raw = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw.hex()

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        """The signature (128 hex digits) of ``payload`` for ``purpose``."""
        return self._private.sign(signed_text(purpose, payload)).hex()

    def derive(self, label: str) -> bytes:
        """A secret of this key's owner for ``label`` (never the key itself)."""
        return hmac.new(self.secret, label.encode("utf-8"), hashlib.sha256).digest()

    def __repr__(self) -> str:
        return f"KeyPair(public={self.public[:16]}…, source={self.source})"


def signed_text(purpose: str, payload: dict[str, Any]) -> bytes:
    return canonical({"purpose": purpose, **payload}).encode("utf-8")


def verify(public: str | None, purpose: str, payload: dict[str, Any], signature: object) -> bool:
    """Whether ``signature`` is ``public``'s over ``payload`` for ``purpose``."""
    if not isinstance(public, str) or not _HEX.fullmatch(public) or not isinstance(signature, str):
        return False
    return _verified(public, signed_text(purpose, payload), signature)


@lru_cache(maxsize=4096)
def _verified(public: str, text: bytes, signature: str) -> bool:
    """One check of a signature (remembered: the desk checks the same ones on every change)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
        key.verify(bytes.fromhex(signature), text)
    except (InvalidSignature, ValueError):
        return False
    return True


def is_public_key(text: object) -> bool:
    return isinstance(text, str) and bool(_HEX.fullmatch(text))


def _load(path: Path, what: str) -> KeyPair:
    lost = "every kiosk paired with it must be paired again"
    return KeyPair(load_or_create_secret(path, what, lost), path)


def station_key(path: Path | None = None) -> KeyPair:
    """This station's signing key (created on first use)."""
    return _load(path or kiosk_home() / STATION_KEY_FILE, "station signing key")


def _kiosk_file(kiosk_id: str, suffix: str) -> Path:
    return kiosk_home() / KIOSK_KEYS / f"{_SAFE.sub('_', kiosk_id)}{suffix}"


def kiosk_key(kiosk_id: str) -> KeyPair:
    """The kiosk's own signing key (created on first use)."""
    return _load(_kiosk_file(kiosk_id, ".key"), f"signing key of kiosk {kiosk_id}")


def trusted_stations(kiosk_id: str) -> frozenset[str]:
    """The public keys of the stations this kiosk was paired with."""
    try:
        text = _kiosk_file(kiosk_id, ".stations").read_text(encoding="ascii")
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError) as exc:
        raise RecordError(
            f"the paired stations of kiosk {kiosk_id} are unreadable: {exc}"
        ) from None
    return frozenset(line.strip() for line in text.splitlines() if _HEX.fullmatch(line.strip()))


def trust_station(kiosk_id: str, public: str) -> None:
    """Remember ``public`` as a station this kiosk is paired with (the pairing's end)."""
    if not is_public_key(public):
        raise RecordError("not a station key")
    keys = sorted(trusted_stations(kiosk_id) | {public})
    path = _kiosk_file(kiosk_id, ".stations")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write("".join(k + "\n" for k in keys))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
