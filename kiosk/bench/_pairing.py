"""The benchmark's kiosks paired with its station as staff would pair them (the real protocol
of :mod:`kiosk.station_tables.pairing`: the station answers each kiosk's request, reads the
code the kiosk shows and confirms it), before any round is measured."""

from __future__ import annotations

import time
from collections.abc import Sequence

from kiosk.errors import KioskError
from kiosk.station.kiosk_link import KioskLink
from kiosk.station.records_access import connect
from kiosk.station_tables import pairing as rows
from kiosk.station_tables.keys import station_key

STAFF = "bench-staff"
LIMIT_S = 60.0


def pair_all(url: str, links: Sequence[KioskLink]) -> None:
    """Pair every kiosk of ``links`` with the station of this home (its key file), all at
    once: the station answers each request, then types each code shown."""
    station = station_key()
    parts = connect(url, station)
    deadline = time.monotonic() + LIMIT_S
    try:
        waiting = list(links)
        while waiting:
            waiting = [k for k in waiting if rows.claim(parts.db, station, k.kiosk_id) is None]
            if waiting:
                _wait(deadline, f"{waiting[0].kiosk_id} to ask to be paired")
        for link in links:
            while link.pairing.code is None:
                _wait(deadline, f"{link.kiosk_id} to show its code")
            result = rows.confirm(parts.db, station, link.kiosk_id, link.pairing.code, STAFF)
            if result != rows.DONE:
                raise KioskError(f"the benchmark could not pair {link.kiosk_id}: {result}")
        for link in links:
            while not link.pairing.paired:
                _wait(deadline, f"{link.kiosk_id} to keep the station's key")
    finally:
        parts.db.close()


def _wait(deadline: float, what: str) -> None:
    if time.monotonic() > deadline:
        raise KioskError(f"the benchmark timed out waiting for {what}")
    time.sleep(0.05)
