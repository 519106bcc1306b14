"""The key that signs the records chain, kept outside the database.

Every record's ``hash`` is an HMAC-SHA-256 under a key derived from this installation's chain
key, so someone who can write the database but not read the key cannot write a record, change
one, or re-link the chain without ``kiosk records verify`` seeing it. Checkpoints of the chain
head (:mod:`kiosk.records.checkpoint`) are signed with a second key derived from the same
secret.

Where the key is (first found):

1. ``[records] chain_key_file`` in the settings (kiosks sharing one PostgreSQL database
   share one key file, like the card salt);
2. the systemd credential ``$CREDENTIALS_DIRECTORY/kiosk-records-key`` when systemd passes one
   (``LoadCredential=kiosk-records-key:/etc/kiosk/records-key``);
3. ``kiosk_home()/records-key``: 32 random bytes as hex, mode 0600, created on first use and
   never overwritten.

Lose the key and the records can only be checked for structure, not authenticity: back it
up apart from the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kiosk.paths import kiosk_home
from kiosk.records.errors import RecordError
from kiosk.records.secret_file import load_or_create_secret, read_secret

CREDENTIAL = "kiosk-records-key"
HOME_FILE = "records-key"
_LOST = "without it the records cannot be shown to be authentic"
_WHAT = "records chain key"


@dataclass(frozen=True, repr=False)
class ChainKey:
    """The chain key and the keys derived from it (never printed)."""

    secret: bytes
    source: Path

    def _derive(self, purpose: str) -> bytes:
        return hmac.new(self.secret, purpose.encode("ascii"), hashlib.sha256).digest()

    @cached_property
    def key_id(self) -> str:
        """A short public name of the key (16 hex digits): tells keys apart, reveals nothing."""
        return self._derive("kiosk records key id").hex()[:16]

    @cached_property
    def _row_key(self) -> bytes:
        return self._derive("kiosk records chain")

    @cached_property
    def _checkpoint_key(self) -> bytes:
        return self._derive("kiosk records checkpoint")

    def row_mac(self, text: str) -> str:
        """The MAC of a record's (or the head's) canonical text (64 hex digits)."""
        return hmac.digest(self._row_key, text.encode("utf-8"), "sha256").hex()

    def checkpoint_mac(self, text: str) -> str:
        """The MAC of a checkpoint's canonical text (64 hex digits)."""
        return hmac.digest(self._checkpoint_key, text.encode("utf-8"), "sha256").hex()

    def __repr__(self) -> str:
        return f"ChainKey(id={self.key_id}, source={self.source})"


def chain_key_path(configured: Path | None = None) -> Path:
    """Where this kiosk's chain key is (see the module docstring for the order)."""
    if configured is not None:
        return configured
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials:
        candidate = Path(credentials) / CREDENTIAL
        if candidate.exists():
            return candidate
    return kiosk_home() / HOME_FILE


def load_chain_key(configured: Path | None = None, *, create: bool = True) -> ChainKey:
    """This kiosk's chain key; ``create`` makes the file when missing (never a credential:
    systemd provides those)."""
    path = chain_key_path(configured)
    if create and path.parent != Path(os.environ.get("CREDENTIALS_DIRECTORY") or "/nonexistent"):
        return ChainKey(load_or_create_secret(path, _WHAT, _LOST), path)
    return read_chain_key(path)


def read_chain_key(path: Path) -> ChainKey:
    """The chain key in ``path`` (also ``--key FILE``); never creates it."""
    try:
        return ChainKey(read_secret(path, _WHAT, _LOST), path)
    except FileNotFoundError:
        raise RecordError(f"there is no {_WHAT} at {path} (restore it from its backup)") from None
