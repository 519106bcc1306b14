"""The card's secure element on disk: a card file's secrets sealed with the kiosk's key.

What a chip never lets out (the PIN salt and digests, the individual-number seed, the private
keys) is kept in a card file as one AES-256-GCM box. The key stays in the kiosk home
(``kiosk_home()/card-seal-key``: 32 random bytes as hex, mode 0600, made on first use, never
overwritten), so a copied card file alone gives away neither a PIN nor the individual number.
The rest of the card (face, certificates, counters) is the box's associated data: a counter or
a face changed by hand makes the box refuse to open.

:func:`seal` and :func:`unseal` turn the ``card`` object of a card file (as
:func:`kiosk.simcard.cardfile.state_to_json` makes it) into its sealed form and back. Messages
name the key file, never a secret.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.paths import kiosk_home
from kiosk.simcard.errors import SimCardError

KEY_FILE = "card-seal-key"
KEY_BYTES = 32
NONCE_BYTES = 12
SCHEME = "aes-256-gcm"
SEALED = "sealed"
SECRET_FIELDS = ("salt", "number_seed", "auth_key", "sign_key")
"""Fields of the ``card`` object that go into the box (each PIN's ``digest`` goes too)."""
PIN_DIGEST_FIELD = "digest"
_AAD_PREFIX = b"kiosk-virtual-card sealed v2\0"


class SealKeyError(SimCardError):
    """The kiosk's card seal key cannot be read or made (the message names the file)."""


class SealError(SimCardError):
    """A sealed card object that cannot be opened; the message says why, naming no secret."""


@dataclass(frozen=True)
class SealKey:
    """The kiosk's card seal key and the id a sealed card names it by."""

    key: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(b"kiosk card seal key id\0" + self.key).hexdigest()[:16]


def key_path() -> Path:
    return kiosk_home() / KEY_FILE


def load_key(*, create: bool) -> SealKey:
    """The seal key of this kiosk home; made (atomically, 0600) when missing and ``create``."""
    path = key_path()
    try:
        return _read_key(path)
    except FileNotFoundError:
        if not create:
            raise SealKeyError(
                f"this kiosk has no card seal key ({path}): a sealed card file opens only in "
                "the kiosk home that sealed it"
            ) from None
    _make_key(path)
    try:
        return _read_key(path)
    except FileNotFoundError:
        raise SealKeyError(f"the card seal key {path} vanished while it was made") from None


def _make_key(path: Path) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(KEY_BYTES) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(temp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    except OSError as exc:
        raise SealKeyError(
            f"the card seal key {path} cannot be made ({exc.strerror or type(exc).__name__})"
        ) from None


def _read_key(path: Path) -> SealKey:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise SealKeyError(
            f"the card seal key {path} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
        text = os.read(fd, 4 * KEY_BYTES) if regular else b""
    except OSError:
        text = b""
    finally:
        os.close(fd)
    try:
        key = bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise SealKeyError(
            f"the card seal key {path} is damaged; restore it from a backup (the cards sealed "
            "with it open with no other key)"
        )
    return SealKey(key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(raw: Any, where: str) -> bytes:
    if not isinstance(raw, str):
        raise SealError(f"{where}: expected base64 text")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise SealError(f"{where}: not valid base64") from None


def _aad(public: dict[str, Any]) -> bytes:
    return _AAD_PREFIX + json.dumps(
        public, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def seal(card: dict[str, Any], key: SealKey) -> dict[str, Any]:
    """The sealed form of an open ``card`` object: secrets boxed, the rest bound to the box."""
    public = {name: value for name, value in card.items() if name not in SECRET_FIELDS}
    inner: dict[str, Any] = {name: card[name] for name in SECRET_FIELDS if name in card}
    pins: dict[str, Any] = {}
    digests: dict[str, Any] = {}
    for pin, fields in card.get("pins", {}).items():
        pins[pin] = {k: v for k, v in fields.items() if k != PIN_DIGEST_FIELD}
        digests[pin] = fields.get(PIN_DIGEST_FIELD)
    public["pins"] = pins
    inner["pins"] = digests
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(inner, sort_keys=True, separators=(",", ":")).encode("ascii")
    boxed = AESGCM(key.key).encrypt(nonce, plain, _aad(public))
    public[SEALED] = {
        "scheme": SCHEME,
        "key": key.key_id,
        "nonce": _b64(nonce),
        "box": _b64(boxed),
    }
    return public


def is_sealed(card: dict[str, Any]) -> bool:
    return SEALED in card


def unseal(card: dict[str, Any], key: SealKey) -> dict[str, Any]:
    """The open ``card`` object of a sealed one; :class:`SealError` when it cannot be opened."""
    public = dict(card)
    box = public.pop(SEALED, None)
    if not isinstance(box, dict):
        raise SealError("card.sealed: expected an object")
    if box.get("scheme") != SCHEME:
        raise SealError(f"card.sealed: unknown scheme (this kiosk opens {SCHEME})")
    if box.get("key") != key.key_id:
        raise SealError(
            f"sealed by another kiosk: its secrets open only with the {KEY_FILE} of the kiosk "
            "home that sealed it"
        )
    nonce = _unb64(box.get("nonce"), "card.sealed.nonce")
    boxed = _unb64(box.get("box"), "card.sealed.box")
    if len(nonce) != NONCE_BYTES:
        raise SealError("card.sealed.nonce: wrong length")
    try:
        plain = AESGCM(key.key).decrypt(nonce, boxed, _aad(public))
    except InvalidTag:
        raise SealError(
            "the sealed secrets do not fit the rest of the card: the file was modified"
        ) from None
    inner = json.loads(plain)  # authentic: this kiosk wrote it
    pins = public.get("pins")
    digests = inner.pop("pins", {})
    if not isinstance(pins, dict) or not isinstance(digests, dict) or set(pins) != set(digests):
        raise SealError("card.pins: do not match the sealed secrets")
    opened = {**public, **inner}
    opened["pins"] = {}
    for pin, fields in pins.items():
        if not isinstance(fields, dict):
            raise SealError(f"card.pins.{pin}: expected an object")
        opened["pins"][pin] = {**fields, PIN_DIGEST_FIELD: digests[pin]}
    return opened
