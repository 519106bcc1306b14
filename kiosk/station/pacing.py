"""How often the station reads the desk's state while the bell keeps ringing.

Sixty kiosks whose patients call at once ring the bell hundreds of times in a second; every
read of the desk's state is sent whole to every open page, which draws it again. A
:class:`Pace` lets the first ring after a quiet spell be read at once (a lone call reaches
the desk without delay) and gathers the rings that follow into one read at most every
``gap_s``, so a burst costs a few reads and a few drawings instead of one per ring.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PACE_S = 0.1
"""The shortest time between two reads of the desk's state."""


class Pace:
    """When the next read may start: at once after ``gap_s`` of quiet, else at the end of it."""

    def __init__(self, gap_s: float = PACE_S, clock: Callable[[], float] = time.monotonic):
        self.gap_s = gap_s
        self.clock = clock
        self._last: float | None = None

    def delay(self) -> float:
        """Seconds to wait before the next read (0: read now)."""
        if self._last is None:
            return 0.0
        return max(0.0, self._last + self.gap_s - self.clock())

    def started(self) -> None:
        """A read starts now."""
        self._last = self.clock()


def shown(snapshot: dict[str, object]) -> dict[str, object]:
    """The part of the desk's state a page shows: without each kiosk's last heartbeat time
    (a page shows whether a kiosk is connected, which the state carries on its own)."""
    kiosks = snapshot.get("kiosks")
    if not isinstance(kiosks, list):
        return snapshot
    return {
        **snapshot,
        "kiosks": [
            {k: v for k, v in kiosk.items() if k != "seen_at"} if isinstance(kiosk, dict) else kiosk
            for kiosk in kiosks
        ],
    }
