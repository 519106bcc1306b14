"""Card files: a virtual card's chip state as JSON, sealed, written atomically, checked when
read, changed by one process at a time.

Layout::

    {"format": "kiosk-virtual-card", "version": 2,
     "checksum": "sha256:<hex over the canonical JSON of card>",
     "card": {<CardState fields but the secrets>, "sealed": {<the secrets' box>}}}

Bytes are base64, dates ISO 8601, PINs salted HMAC digests (never a PIN value); the
individual number is not in the file (the card derives it from its seed). The secrets (salt,
PIN digests, number seed, private keys) are sealed with the kiosk's key
(:mod:`kiosk.simcard.seal`); version 1 files, which hold them in the clear, are still read and
are sealed at their next save. A save writes a temporary file in the same folder, fsyncs it,
renames it over the old one and fsyncs the folder; the file is mode 0600.

A file that is missing, unreadable, not a regular file, larger than :data:`MAX_CARD_BYTES`,
truncated, corrupt, nested too deeply, foreign, of another version or sealed elsewhere raises
:class:`~kiosk.simcard.errors.CardFileError` naming the file and the problem; it is never
rewritten and never partially loaded.

:meth:`CardFile.update` holds an exclusive lock (``flock`` on ``.<name>.lock`` beside the
card file) around re-read → change → save, so processes sharing a card file (the kiosk, the
card tools, ``kiosk card serve``) spend each PIN try exactly once.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import stat
import tempfile
import time
import types
import typing
from collections.abc import Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from kiosk.simcard.errors import CardFileError
from kiosk.simcard.seal import SealError, SealKeyError, is_sealed, load_key, seal, unseal
from kiosk.simcard.state import CardState

FORMAT = "kiosk-virtual-card"
VERSION = 2  # sealed
OPEN_VERSION = 1  # secrets in the clear: read, sealed at the next save
MAX_TRIES = 15  # what 63Cx can say
MAX_CARD_BYTES = 2 * 2**20
"""A card file is a few kilobytes; anything larger is refused unread."""
LOCK_WAIT_S = 30.0
"""How long a change waits for another process to let go of the card file."""


class _Invalid(Exception):
    """A field that does not hold what CardState needs (message names the field only)."""


def _canonical(card: dict[str, Any]) -> bytes:
    return json.dumps(card, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _checksum(card: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(_canonical(card)).hexdigest()


# -- CardState <-> JSON, driven by the dataclasses' type hints -------------------------------


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(_encode(k)): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__} in a card file")


def _decode(raw: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _decode(raw, inner, where)
    if origin is list:
        if not isinstance(raw, list):
            raise _Invalid(f"{where}: expected a list")
        return [_decode(item, args[0], f"{where}[{i}]") for i, item in enumerate(raw)]
    if origin is dict:
        if not isinstance(raw, dict):
            raise _Invalid(f"{where}: expected an object")
        return {
            _decode(k, args[0], f"{where} key"): _decode(v, args[1], f"{where}.{k}")
            for k, v in raw.items()
        }
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _decode_dataclass(raw, hint, where)
    if hint is bool:
        if not isinstance(raw, bool):
            raise _Invalid(f"{where}: expected true or false")
        return raw
    if hint is int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise _Invalid(f"{where}: expected an integer")
        return raw
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(raw)
        except ValueError:
            raise _Invalid(f"{where}: unknown name") from None
    if hint is str:
        if not isinstance(raw, str):
            raise _Invalid(f"{where}: expected a string")
        return raw
    if hint is bytes:
        if not isinstance(raw, str):
            raise _Invalid(f"{where}: expected base64 text")
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise _Invalid(f"{where}: not valid base64") from None
    if hint is date:
        if not isinstance(raw, str):
            raise _Invalid(f"{where}: expected an ISO date")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise _Invalid(f"{where}: not an ISO date") from None
    raise TypeError(f"card files cannot hold {hint!r}")


def _decode_dataclass(raw: Any, cls: type, where: str) -> Any:
    if not isinstance(raw, dict):
        raise _Invalid(f"{where}: expected an object")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        raise _Invalid(f"{where}: unknown field {unknown[0]!r}")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in raw:
            has_default = (
                field.default is not dataclasses.MISSING
                or field.default_factory is not dataclasses.MISSING
            )
            if has_default:
                continue
            raise _Invalid(f"{where}.{name}: missing")
        values[name] = _decode(raw[name], hints[name], f"{where}.{name}")
    return cls(**values)


def state_to_json(state: CardState) -> dict[str, Any]:
    """The ``card`` object of a card file."""
    encoded: dict[str, Any] = _encode(state)
    return encoded


def state_from_json(card: Any) -> CardState:
    """Rebuild a CardState; raises ValueError (naming the field) when it does not fit."""
    try:
        state: CardState = _decode_dataclass(card, CardState, "card")
    except _Invalid as exc:
        raise ValueError(str(exc)) from None
    for name, pin in state.pins.items():
        if not 1 <= pin.limit <= MAX_TRIES or not 0 <= pin.tries_left <= pin.limit:
            raise ValueError(f"card.pins.{name.value}: counter out of range")
    return state


# -- files --------------------------------------------------------------------------------


def _problem(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _read_limited(path: Path) -> bytes:
    """The file's bytes: a regular file of at most MAX_CARD_BYTES, read without blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise CardFileError(path, "no such file (make one with the card tools)") from None
    except IsADirectoryError:
        raise CardFileError(path, "is a folder, not a card file") from None
    except ValueError:
        raise CardFileError(path, "is not a usable file name (it holds a NUL character)") from None
    except OSError as exc:
        raise CardFileError(path, f"cannot be read ({_problem(exc)})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise CardFileError(path, "is a folder, not a card file")
        if not stat.S_ISREG(mode):
            raise CardFileError(path, "is not a regular file (a device, pipe or socket)")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CARD_BYTES:
            chunk = os.read(fd, MAX_CARD_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise CardFileError(path, f"cannot be read ({_problem(exc)})") from None
    finally:
        os.close(fd)
    if size > MAX_CARD_BYTES:
        raise CardFileError(
            path, f"is too large for a card file (over {MAX_CARD_BYTES // 2**20} MB)"
        )
    return b"".join(chunks)


def load_card(path: str | Path) -> CardState:
    """Read and check a card file. Raises :class:`CardFileError` for anything unusable."""
    path = Path(path)
    raw = _read_limited(path)
    if not raw.strip():
        raise CardFileError(path, "is empty")
    try:
        return _parse(path, raw)
    except RecursionError:
        raise CardFileError(path, "is not a card file (nested too deeply)") from None


def _parse(path: Path, raw: bytes) -> CardState:
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CardFileError(path, "is not a card file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise CardFileError(
            path, f"is truncated or corrupt (invalid JSON at line {exc.lineno} column {exc.colno})"
        ) from None
    except ValueError:  # e.g. an integer of more digits than Python converts
        raise CardFileError(path, "is not a card file (a value out of range)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CardFileError(path, f"is not a kiosk card file (no {FORMAT!r} format marker)")
    version = document.get("version")
    if type(version) is not int or version not in (OPEN_VERSION, VERSION):
        raise CardFileError(
            path,
            f"has version {version!r}; this kiosk reads version {OPEN_VERSION} and "
            f"{VERSION} card files",
        )
    card = document.get("card")
    if not isinstance(card, dict):
        raise CardFileError(path, "has no card object")
    try:
        checksum = _checksum(card)
    except UnicodeEncodeError:
        raise CardFileError(path, "holds text that is not valid Unicode") from None
    if document.get("checksum") != checksum:
        raise CardFileError(path, "checksum does not match: the file was modified or damaged")
    if version == VERSION:
        try:
            card = unseal(card, load_key(create=False))
        except SealKeyError as exc:
            raise CardFileError(path, f"is sealed and cannot be opened here: {exc}") from None
        except SealError as exc:
            raise CardFileError(path, f"cannot be opened ({exc})") from None
    elif is_sealed(card):
        raise CardFileError(path, f"holds a sealed card but says version {OPEN_VERSION}")
    try:
        return state_from_json(card)
    except ValueError as exc:
        raise CardFileError(path, f"holds an invalid card ({exc})") from None


def save_card(path: str | Path, state: CardState) -> None:
    """Seal and write the card file atomically (temp file, fsync, rename, fsync folder), 0600."""
    path = Path(path)
    card = state_to_json(state)
    try:
        key = load_key(create=True)
    except SealKeyError as exc:
        raise CardFileError(path, f"cannot be sealed: {exc}") from None
    sealed = seal(card, key)
    document = {"format": FORMAT, "version": VERSION, "checksum": _checksum(sealed), "card": sealed}
    payload = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    folder = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except (OSError, ValueError) as exc:
        problem = _problem(exc) if isinstance(exc, OSError) else "a NUL in the name"
        raise CardFileError(path, f"cannot be written ({problem})") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise CardFileError(path, f"cannot be written ({_problem(exc)})") from None
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _open_lock(path: Path, lock_path: Path) -> int:
    flags = os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(lock_path, os.O_RDWR | os.O_CREAT | flags, 0o600)
    except ValueError:
        raise CardFileError(path, "is not a usable file name (it holds a NUL character)") from None
    except OSError as exc:
        first = exc
    try:  # a read-only folder that already has the lock file: flock works read-only
        return os.open(lock_path, os.O_RDONLY | flags)
    except OSError:
        raise CardFileError(path, f"cannot be changed here ({_problem(first)})") from None


def _lock(path: Path, fd: int) -> None:
    deadline = time.monotonic() + LOCK_WAIT_S
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise CardFileError(path, f"cannot be locked ({_problem(exc)})") from None
        if time.monotonic() >= deadline:
            raise CardFileError(
                path, f"is in use: another program has held it for {LOCK_WAIT_S:.0f} s"
            )
        time.sleep(pause)
        pause = min(pause * 2, 0.02)


class CardFile:
    """One card file on disk: the store a :class:`~kiosk.simcard.virtual.VirtualCard` saves to."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    def load(self) -> CardState:
        return load_card(self.path)

    def save(self, state: CardState) -> None:
        save_card(self.path, state)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """The card file for this holder alone, across processes (waits up to LOCK_WAIT_S)."""
        fd = _open_lock(self.path, self.lock_path)
        try:
            _lock(self.path, fd)
            yield
        finally:
            os.close(fd)  # releases the lock

    @contextlib.contextmanager
    def update(self) -> Iterator[CardState]:
        """Held, with the state as the file has it now; save what changes before leaving."""
        with self.held():
            yield self.load()

    def __repr__(self) -> str:
        return f"CardFile({str(self.path)!r})"
