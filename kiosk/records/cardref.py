"""Cards are named in records by a salted hash of their certificate serial.

The salt is per installation: 32 random bytes in a file (default ``kiosk_home()/card-salt``,
``[records] card_salt_file`` in the settings; kiosks sharing one PostgreSQL database share
one salt file so the same card gets the same reference). Created once, mode 0600, never
overwritten.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from kiosk.records.secret_file import load_or_create_secret

_LOST = "a new salt would make earlier card references unmatchable"


def load_or_create_salt(path: Path) -> bytes:
    """The installation's salt from ``path``, created (atomically, 0600) when missing."""
    return load_or_create_secret(path, "card salt file", _LOST)


def card_ref(salt: bytes, cert_serial: int) -> str:
    """The reference that names a card in records (32 hex digits)."""
    return hmac.digest(salt, f"{cert_serial:x}".encode("ascii"), "sha256").hex()[:32]
