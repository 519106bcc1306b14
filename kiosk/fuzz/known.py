"""Failures the fuzzers found in code that its owners are fixing: tolerated and counted.

Each entry names the target, the exception, the kiosk module it escapes from and a part of
its message, so only that failure is tolerated: the fuzzer goes on exploring past it, and any
other failure still fails. ``kiosk fuzz --strict`` treats these as failures too (to see
whether they are fixed); remove an entry once its fix is in.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Known:
    target: str
    error: type[BaseException]
    module: str  # where it escapes from: the innermost kiosk frame, e.g. "kiosk/simcard/x.py"
    message: str  # a part of the exception's message
    note: str


KNOWN: tuple[Known, ...] = (
    Known(
        "card-file",
        ValueError,
        "kiosk/simcard/cardfile.py",
        "integer string conversion",
        "load_card: json.loads raises ValueError, not JSONDecodeError, for an integer of "
        "more than 4300 digits",
    ),
    Known(
        "card-file",
        RecursionError,
        "kiosk/simcard/cardfile.py",
        "JSON",
        "load_card: json.loads raises RecursionError for arrays or objects nested ~1000 deep",
    ),
    Known(
        "card-file",
        UnicodeEncodeError,
        "kiosk/simcard/cardfile.py",
        "surrogates not allowed",
        "load_card: a \\ud800 escape in the JSON makes the checksum's encode() raise",
    ),
    Known(
        "records-url",
        ValueError,
        "kiosk/records/db_sqlite.py",
        "null",
        "SqliteDatabase: sqlite3.connect raises ValueError for a NUL in the path",
    ),
)


def known(target: str, exc: BaseException) -> Known | None:
    """The entry that tolerates ``exc`` raised by ``target``'s input, if any."""
    where = _innermost_kiosk_module(exc)
    for entry in KNOWN:
        if (
            entry.target == target
            and isinstance(exc, entry.error)
            and where == entry.module
            and entry.message in str(exc)
        ):
            return entry
    return None


def _innermost_kiosk_module(exc: BaseException) -> str | None:
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        parts = PurePath(frame.filename).parts
        if "kiosk" in parts:
            module = "/".join(parts[len(parts) - 1 - parts[::-1].index("kiosk") :])
            if not module.startswith("kiosk/fuzz/"):
                found = module
    return found
