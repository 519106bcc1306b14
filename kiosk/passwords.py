"""Password hashing: one salted scrypt format for every password the kiosk keeps.

The facility's 目視 password (its file, :func:`kiosk.config.set_staff_password`) and the staff
station's accounts (:mod:`kiosk.station_tables.staff_accounts`) are both stored as one line::

    scrypt$<salt in hex>$<digest in hex>

scrypt with N=2**14, r=8, p=1, a 16-byte random salt and a 64-byte digest. Before this module
both places wrote this same format with these same parameters, so every hash stored earlier
verifies unchanged, and new hashes are written in it too. A password is never kept, only
its hash; comparisons take constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "scrypt"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
DIGEST_BYTES = 64  # hashlib.scrypt's own length


def _scrypt(password: str, salt: bytes) -> bytes:
    """The digest of ``password`` (UTF-8; UnicodeEncodeError when it is not valid text)."""
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=DIGEST_BYTES
    )


def hash_password(password: str) -> str:
    """The line to store for ``password``, with a new random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}${salt.hex()}${_scrypt(password, salt).hex()}"


def split_hash(stored: str) -> tuple[bytes, bytes] | None:
    """The (salt, digest) of a stored line; None when it is not one."""
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        salt, digest = bytes.fromhex(salt_hex), bytes.fromhex(digest_hex)
    except ValueError:
        return None
    return (salt, digest) if scheme == SCHEME else None


def digest_matches(salt: bytes, digest: bytes, password: str) -> bool:
    """Whether ``password`` hashes to ``digest`` with ``salt``."""
    return hmac.compare_digest(_scrypt(password, salt), digest)


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (False: not a stored line)."""
    parts = split_hash(stored)
    return parts is not None and digest_matches(*parts, password)
