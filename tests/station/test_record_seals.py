"""Each record of the chain is signed by the kiosk (or station) that wrote it: a kiosk that
holds the installation's records key can still append records, but not in another kiosk's
name without ``kiosk records verify`` saying so."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from helpers.pairing import pair
from kiosk.cli import main
from kiosk.records.store import NewRecord, RecordStore
from kiosk.station.records_access import connect
from kiosk.station_tables.keys import kiosk_key, station_key
from kiosk.station_tables.record_seals import sign_records

REPO = Path(__file__).resolve().parents[2]


def _event(store: RecordStore, what: str) -> int:
    at = datetime.now(UTC)
    body = {"event": "staff_action", "staff_id": "nurse-01", "detail": {"action": what}}
    return store.append([NewRecord("event", at, None, body)])[0]


def _writes(url: str, as_kiosk: str, key: Any, what: str) -> int:
    """One record in the name of ``as_kiosk``, signed with ``key`` (None: not signed)."""
    with RecordStore.open(url, kiosk_id=as_kiosk) as store:
        if key is not None:
            sign_records(store, key)
        return _event(store, what)


def _verify(url: str, capsys: Any, *more: str) -> tuple[int, str, str]:
    code = main(["records", "verify", "--records", url, *more])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_each_writer_signs_and_verify_checks_them_against_the_pairing(
    sqlite_url: str, capsys: Any
) -> None:
    pair(sqlite_url, "kiosk-a", "kiosk-b")
    _writes(sqlite_url, "kiosk-a", kiosk_key("kiosk-a"), "a")
    _writes(sqlite_url, "kiosk-b", kiosk_key("kiosk-b"), "b")
    parts = connect(sqlite_url, station_key())  # the station's own records, its key
    try:
        parts.accounts.audit("settings_changed", "nurse-01", datetime.now(UTC))
    finally:
        parts.db.close()

    code, out, err = _verify(sqlite_url, capsys)
    assert code == 0, err
    assert "writers: 3 records signed by the kiosk they name, 3 checked against" in out

    forged = _writes(sqlite_url, "kiosk-a", kiosk_key("kiosk-b"), "b as a")  # b's own key
    unsigned = _writes(sqlite_url, "kiosk-a", None, "nobody as a")  # the records key alone
    code, out, err = _verify(sqlite_url, capsys)
    assert code == 1
    public_b = kiosk_key("kiosk-b").public
    assert f"record #{forged} (kiosk kiosk-a) is signed by key {public_b[:16]}" in err
    assert f"record #{unsigned} (kiosk kiosk-a) is not signed by its kiosk" in err


def test_without_a_station_key_each_kiosks_keys_are_listed(sqlite_url: str, capsys: Any) -> None:
    _writes(sqlite_url, "kiosk-a", kiosk_key("kiosk-a"), "a")
    _writes(sqlite_url, "kiosk-a", kiosk_key("kiosk-b"), "b as a")
    code, out, err = _verify(sqlite_url, capsys)
    assert code == 0, err  # no pairing known here: nothing to hold the keys against
    assert "no station key known here" in out
    assert "kiosk kiosk-a signed with 2 keys" in out

    station = station_key().public  # told which station paired them: b's key is not a's
    pair(sqlite_url, "kiosk-a")
    (Path(os.environ["KIOSK_HOME"]) / "station-key").unlink()
    code, out, err = _verify(sqlite_url, capsys, "--station-key", station)
    assert code == 1 and "(kiosk kiosk-a) is signed by key" in err
    assert main(["records", "verify", "--records", sqlite_url, "--station-key", "nope"]) == 2


def test_a_scenario_kiosks_records_are_signed_by_it(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    home = tmp_path / "home"
    scenario = REPO / "assets" / "scenarios" / "01-pin-standard.yaml"
    assert main(["scenario", "run", "--home", str(home), str(scenario)]) == 0
    monkeypatch.setenv("KIOSK_HOME", str(home))  # its records key
    code, out, err = _verify(f"sqlite:///{home / 'records.db'}", capsys)
    assert code == 0, err
    assert "writers: 1 record signed by the kiosk they name" in out


def test_the_station_says_its_key_as_it_starts(
    sqlite_url: str, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("kiosk.station.server.serve", lambda binding, config: None)
    assert main(["staff", "serve", "--records", sqlite_url]) == 0
    said = capsys.readouterr().out
    assert f"station key: {station_key().public} " in said  # what --station-key is given


def test_after_a_pairing_removing_signatures_hides_nothing(sqlite_url: str, capsys: Any) -> None:
    pair(sqlite_url, "kiosk-a")  # the station's enrolment keeps the chain's length then
    genuine = _writes(sqlite_url, "kiosk-a", kiosk_key("kiosk-a"), "a")
    assert _verify(sqlite_url, capsys)[0] == 0

    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:  # every signature gone
        db.execute("DELETE FROM record_seals")
    forged = _writes(sqlite_url, "kiosk-a", None, "b as a, with the records key alone")
    code, _, err = _verify(sqlite_url, capsys)
    assert code == 1
    assert f"record #{genuine} (kiosk kiosk-a) is not signed by its kiosk" in err
    assert f"record #{forged} (kiosk kiosk-a) is not signed by its kiosk" in err
