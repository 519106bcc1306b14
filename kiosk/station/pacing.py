"""How often the station sends the desk's state to its pages while the bell keeps ringing.

Sixty kiosks whose patients call at once ring the bell hundreds of times in a second; every
state sent goes whole to every open page, which draws it again. A :class:`Pace` lets the
first change after a quiet spell go at once (a lone call reaches the desk without delay) and
gathers the changes that follow into one sending at most every ``gap_s``, so a burst costs a
few drawings instead of one per ring.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PACE_S = 0.1
"""The shortest time between two sendings of the desk's state to the pages."""


class Pace:
    """When the next sending may go: at once after ``gap_s`` of quiet, else at its end."""

    def __init__(self, gap_s: float = PACE_S, clock: Callable[[], float] = time.monotonic):
        self.gap_s = gap_s
        self.clock = clock
        self._last: float | None = None

    def delay(self) -> float:
        """Seconds to wait before the next sending (0: now)."""
        if self._last is None:
            return 0.0
        return max(0.0, self._last + self.gap_s - self.clock())

    def started(self) -> None:
        """A sending goes now."""
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
