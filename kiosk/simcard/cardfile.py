"""Card files: a virtual card's chip state as JSON, written atomically, checked when read.

Layout::

    {"format": "kiosk-virtual-card", "version": 1,
     "checksum": "sha256:<hex over the canonical JSON of card>",
     "card": {<CardState fields>}}

Bytes are base64, dates ISO 8601, PINs salted HMAC digests (never a PIN value); the
individual number is not in the file (the card derives it from its seed). A save writes a
temporary file in the same folder, fsyncs it, renames it over the old one and fsyncs the
folder; the file is mode 0600. A file that is missing, unreadable, truncated, corrupt,
foreign or of another version raises :class:`~kiosk.simcard.errors.CardFileError` naming
the file and the problem; it is never rewritten and never partially loaded.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import types
import typing
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from kiosk.simcard.errors import CardFileError
from kiosk.simcard.state import CardState

FORMAT = "kiosk-virtual-card"
VERSION = 1
MAX_TRIES = 15  # what 63Cx can say


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


def load_card(path: str | Path) -> CardState:
    """Read and check a card file. Raises :class:`CardFileError` for anything unusable."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CardFileError(path, "no such file (make one with the card tools)") from None
    except IsADirectoryError:
        raise CardFileError(path, "is a folder, not a card file") from None
    except OSError as exc:
        raise CardFileError(
            path, f"cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    if not raw.strip():
        raise CardFileError(path, "is empty")
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CardFileError(path, "is not a card file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise CardFileError(
            path, f"is truncated or corrupt (invalid JSON at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CardFileError(path, f"is not a kiosk card file (no {FORMAT!r} format marker)")
    version = document.get("version")
    if version != VERSION:
        raise CardFileError(
            path, f"has version {version!r}; this kiosk reads version {VERSION} card files"
        )
    card = document.get("card")
    if not isinstance(card, dict):
        raise CardFileError(path, "has no card object")
    if document.get("checksum") != _checksum(card):
        raise CardFileError(path, "checksum does not match: the file was modified or damaged")
    try:
        return state_from_json(card)
    except ValueError as exc:
        raise CardFileError(path, f"holds an invalid card ({exc})") from None


def save_card(path: str | Path, state: CardState) -> None:
    """Write the card file atomically (temp file, fsync, rename, fsync folder), mode 0600."""
    path = Path(path)
    card = state_to_json(state)
    document = {"format": FORMAT, "version": VERSION, "checksum": _checksum(card), "card": card}
    payload = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    folder = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CardFileError(
            path, f"cannot be written ({exc.strerror or type(exc).__name__})"
        ) from None
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
        raise CardFileError(
            path, f"cannot be written ({exc.strerror or type(exc).__name__})"
        ) from None
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


class CardFile:
    """One card file on disk: the store a :class:`~kiosk.simcard.virtual.VirtualCard` saves to."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> CardState:
        return load_card(self.path)

    def save(self, state: CardState) -> None:
        save_card(self.path, state)

    def __repr__(self) -> str:
        return f"CardFile({str(self.path)!r})"
