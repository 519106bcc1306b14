"""Work around a reference-count bug of PySide6 6.12.0: ``SignalInstance.emit()`` returns
``True`` without owning a reference, so every emit from Python takes one reference away from
``True``; after a few thousand emits CPython 3.11 aborts ("bool_dealloc").

Every emit in :mod:`kiosk.ui` goes through :func:`emit`, which gives the reference back when
(and only when) :func:`emit_leaks` measured the bug on the PySide6 in use.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


@cache
def emit_leaks() -> bool:
    """Whether this PySide6 loses a reference to ``True`` on each emit (measured once)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost > 0:
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost >= 8


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, keeping ``True``'s reference count whole."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]
    if emit_leaks() and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
