"""The pinned PySide6 must not carry the 6.12.0 bug that drops a reference to True per emit."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()
    answered = Signal(bool)


def test_signal_emit_keeps_reference_counts(qapp) -> None:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(200):
        probe.ping.emit()
        probe.answered.emit(True)
    # the bug loses one reference per emit (400 here); unrelated code may hold one or two more
    assert abs(sys.getrefcount(True) - before) < 10
