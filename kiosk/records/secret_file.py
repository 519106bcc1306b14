"""Installation secrets kept in small files: 32 random bytes as hex, mode 0600.

A secret file is created once (atomically: written to a temporary file of its own, flushed,
then linked into place, so two kiosks — or two threads of one process — starting at once end
up with the same one) and never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from kiosk.records.errors import RecordError


def load_or_create_secret(path: Path, what: str, lost: str) -> bytes:
    """The secret in ``path``, created (0600) when missing. ``what`` names it in messages,
    ``lost`` says what a new one would break."""
    try:
        return read_secret(path, what, lost)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):  # another kiosk made it first: use it
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise RecordError(f"cannot create the {what} {path}: {exc.strerror}") from None
    return read_secret(path, what, lost)


def read_secret(path: Path, what: str, lost: str) -> bytes:
    """The secret in ``path``; FileNotFoundError when there is none."""
    try:
        secret = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise RecordError(
            f"the {what} {path} is unreadable ({type(exc).__name__}); restore it from a "
            f"backup ({lost})"
        ) from None
    if len(secret) < 16:
        raise RecordError(f"the {what} {path} is too short; restore it from a backup")
    return secret
