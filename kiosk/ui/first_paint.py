"""The kiosk's first painted frame: an event to wait for, and an announcement on request.

:func:`watch_first_paint` sets :attr:`FirstPaint.painted` once the window's first paint (the
start screen and everything on it) is done, so work that can wait (loading the face
libraries) starts after the first frame rather than before it. With
``KIOSK_ANNOUNCE_FIRST_PAINT=1`` in its environment, ``kiosk run`` also prints one line
``first-paint <unix time>`` on standard output at that moment (start-up measurements).
"""

from __future__ import annotations

import os
import sys
import threading
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

ENV = "KIOSK_ANNOUNCE_FIRST_PAINT"
MARKER = "first-paint"


class FirstPaint(QObject):
    """Watches one widget until its first paint event has been handled."""

    def __init__(
        self, widget: QWidget, *, announce: bool = False, painted: threading.Event | None = None
    ) -> None:
        super().__init__(widget)
        self.painted = painted if painted is not None else threading.Event()
        self._widget = widget
        self._announce = announce
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._done)  # runs once the whole paint pass is over
        return False

    def _done(self) -> None:
        if self._announce:
            print(f"{MARKER} {time.time():.6f}", file=sys.stdout, flush=True)
        self.painted.set()


def watch_first_paint(window: QWidget, painted: threading.Event | None = None) -> FirstPaint:
    """Watch ``window``'s first paint (setting ``painted``, when given, once it is done);
    announce it when ``KIOSK_ANNOUNCE_FIRST_PAINT`` is set."""
    return FirstPaint(window, announce=bool(os.environ.get(ENV)), painted=painted)
