"""Cards are named in records by a salted hash of their certificate serial.

The salt is per installation: 32 random bytes in a file (default ``kiosk_home()/card-salt``,
``[records] card_salt_file`` in the settings; kiosks sharing one PostgreSQL database share
one salt file so the same card gets the same reference). Created once, mode 0600, never
overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from kiosk.records.errors import RecordError


def load_or_create_salt(path: Path) -> bytes:
    """The installation's salt from ``path``, created (atomically, 0600) when missing."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another kiosk made it first: use theirs
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> bytes:
    try:
        salt = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise RecordError(
            f"the card salt file {path} is unreadable ({type(exc).__name__}); restore it from a "
            "backup (a new salt would make earlier card references unmatchable)"
        ) from None
    if len(salt) < 16:
        raise RecordError(f"the card salt file {path} is too short; restore it from a backup")
    return salt


def card_ref(salt: bytes, cert_serial: int) -> str:
    """The reference that names a card in records (32 hex digits)."""
    return hmac.new(salt, f"{cert_serial:x}".encode("ascii"), hashlib.sha256).hexdigest()[:32]
