"""Test kiosks paired with the test station at once (both halves of the pairing done here,
with the keys of the test's ``KIOSK_HOME``): the suite's kiosks start paired, as a clinic's
would after pairing them at the desk once."""

from __future__ import annotations

from kiosk.station.records_access import connect
from kiosk.station_tables.keys import kiosk_key, station_key, trust_station
from kiosk.station_tables.trust import enrol

TEST_STAFF = "test-setup"


def pair(url: str, *kiosk_ids: str) -> None:
    """Enrol each kiosk's key at this home's station and trust that station at the kiosk."""
    station = station_key()
    parts = connect(url, station)
    try:
        for kiosk_id in kiosk_ids:
            with parts.db.write():
                enrol(parts.db, station, kiosk_id, kiosk_key(kiosk_id).public, TEST_STAFF)
            trust_station(kiosk_id, station.public)
    finally:
        parts.db.close()
