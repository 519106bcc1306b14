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


KNOWN: tuple[Known, ...] = ()


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
