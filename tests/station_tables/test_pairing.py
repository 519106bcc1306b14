"""Pairing over a database an attacker writes (SQLite, the tables directly): the right code
pairs, someone in the middle gets the kiosk and the station to show codes that do not agree,
a wrong code ends the attempt, and only enrolments the station signed count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.records.database import Database, open_database
from kiosk.station.pairing import KioskPairing
from kiosk.station_tables import pairing as rows
from kiosk.station_tables.keys import station_key, trusted_stations
from kiosk.station_tables.trust import enrolled, ensure_trust_schema


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'records.db'}")
    ensure_trust_schema(database)
    yield database
    database.close()


def test_the_code_the_kiosk_shows_pairs_it(db: Database, tmp_path: Path) -> None:
    station = station_key(tmp_path / "station")
    kiosk = KioskPairing(db, "k-1", station_key(tmp_path / "k-1"))
    assert kiosk.step() is False and kiosk.code is None  # asked; no code before a station
    assert rows.claim(db, station, "k-1") is not None
    kiosk.step()
    assert kiosk.code is not None and len(kiosk.code) == 6
    assert rows.confirm(db, station, "k-1", kiosk.code, "nurse-01") == rows.DONE
    assert kiosk.step() is True and kiosk.code is None
    assert trusted_stations("k-1") == {station.public}
    assert enrolled(db, station.public) == {"k-1": kiosk.key.public}


def test_someone_in_the_middle_gets_no_matching_code(db: Database, tmp_path: Path) -> None:
    station, mallory = station_key(tmp_path / "station"), station_key(tmp_path / "mallory")
    kiosk = KioskPairing(db, "k-1", station_key(tmp_path / "k-1"))
    kiosk.step()
    # mallory answers the real kiosk as a station, and asks the real station as the kiosk
    assert rows.claim(db, mallory, "k-1") is not None
    kiosk.step()
    fake_nonce = rows.new_nonce()
    rows.ask(db, "k-1", station_key(tmp_path / "fake-kiosk").public, fake_nonce)
    fake = rows.claim(db, station, "k-1")
    assert fake is not None
    rows.reveal(db, fake.id, fake_nonce)
    shown = kiosk.code  # what staff read on the real kiosk
    assert shown is not None
    assert rows.confirm(db, station, "k-1", shown, "nurse-01") == rows.REFUSED
    assert enrolled(db, station.public) == {}
    assert kiosk.step() is False and trusted_stations("k-1") == frozenset()  # it asks again


def test_a_wrong_code_ends_the_attempt_and_forged_enrolments_do_not_count(
    db: Database, tmp_path: Path
) -> None:
    station = station_key(tmp_path / "station")
    kiosk = KioskPairing(db, "k-1", station_key(tmp_path / "k-1"))
    kiosk.step()
    rows.claim(db, station, "k-1")
    kiosk.step()
    assert kiosk.code is not None
    wrong = f"{(int(kiosk.code) + 1) % 10**6:06d}"
    assert rows.confirm(db, station, "k-1", wrong, "nurse-01") == rows.REFUSED
    assert rows.confirm(db, station, "k-1", kiosk.code, "nurse-01") == "none"  # that one is over
    with db.write():
        db.execute(
            "INSERT INTO station_enrolments (station_key, kiosk_id, kiosk_key, paired_by,"
            " paired_at, seal) VALUES (?, 'k-1', ?, 'nurse-01', 'now', ?)",
            (station.public, station_key(tmp_path / "other").public, "00" * 64),
        )
    assert enrolled(db, station.public) == {}
