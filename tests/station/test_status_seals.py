"""A kiosk's status (its screen, whether a patient waits and for which reception, the PINs'
tries left) is believed at the desk only when that kiosk's own key signed it: a row written
by anyone else with access to the records database, or signed by another kiosk's key, makes
no patient wait at the desk, is recorded once and raised on every page."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from helpers.desk_page import sign_in_at_desk
from helpers.kiosk_process import patient_waiting
from helpers.pairing import pair
from helpers.waiting import wait_for
from kiosk.cli import main
from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.records.database import open_database
from kiosk.records.store import RecordStore
from kiosk.station.records_access import connect
from kiosk.station.vouch import believed_kiosks
from kiosk.station_tables.bell import DESK
from kiosk.station_tables.calls import CallBoard
from kiosk.station_tables.keys import kiosk_key, station_key
from kiosk.station_tables.trust import (
    TRUST_VERSION,
    VERSION_KEY,
    StatusSealer,
    ensure_trust_schema,
)

SHOTS = Path("/tmp/shots-desk")


def _db(url: str) -> sqlite3.Connection:
    return sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)


def _actions(url: str) -> list[tuple[str, str]]:
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        return [
            (
                str(r.body.get("detail", {}).get("action")),
                str(r.body.get("detail", {}).get("kiosk")),
            )
            for r in store.records(kind="event")
        ]


def _report(board: CallBoard, kiosk_id: str, *, waiting: bool, reception: str | None) -> None:
    board.report(
        kiosk_id,
        state=State.STAFF_WAIT.value if waiting else State.START.value,
        mode="unattended",
        waiting=waiting,
        reception_id=reception,
        pins=[{"name_ja": "利用者証明用", "tries_left": 3, "limit": 3}],
    )


def test_only_the_kiosks_own_key_makes_its_patient_wait_at_the_desk(sqlite_url: str) -> None:
    pair(sqlite_url, "kiosk-a", "kiosk-b")
    parts = connect(sqlite_url, station_key())
    board = CallBoard(open_database(sqlite_url))
    try:
        board.seal_status = StatusSealer(kiosk_key("kiosk-a"))
        _report(board, "kiosk-a", waiting=True, reception="r-1")
        seen = believed_kiosks(parts)
        believed, forged = seen.kiosks, seen.forged
        assert forged == set()
        assert [(k.kiosk_id, k.waiting, k.reception_id) for k in believed] == [
            ("kiosk-a", True, "r-1")
        ]

        board.seal_status = StatusSealer(kiosk_key("kiosk-b"))  # kiosk-b speaks for kiosk-a
        _report(board, "kiosk-a", waiting=True, reception="r-2")
        seen = believed_kiosks(parts)
        believed, forged = seen.kiosks, seen.forged
        assert forged == {"kiosk-a"}
        assert (believed[0].waiting, believed[0].reception_id, believed[0].pins) == (
            False,
            None,
            [],
        )

        board.seal_status = StatusSealer(kiosk_key("kiosk-a"))
        _report(board, "kiosk-a", waiting=False, reception=None)
        with _db(sqlite_url) as db:  # a row changed after the kiosk signed it
            db.execute("UPDATE station_kiosks SET waiting = 1, reception_id = 'r-9'")
        assert believed_kiosks(parts).forged == {"kiosk-a"}

        board.seal_status = None  # an unpaired kiosk's status is shown as it is (unpaired)
        _report(board, "kiosk-c", waiting=True, reception="r-3")
        seen = believed_kiosks(parts)
        believed, forged = seen.kiosks, seen.forged
        assert "kiosk-c" not in forged
        assert next(k for k in believed if k.kiosk_id == "kiosk-c").waiting
    finally:
        board.close()
        parts.db.close()


def test_an_older_database_gains_the_status_and_record_seals(sqlite_url: str) -> None:
    pair(sqlite_url, "kiosk-a")
    with _db(sqlite_url) as db:  # as version 1 left it: no seals, enrolments without a length
        db.execute("DROP TABLE station_status_seals")
        db.execute("DROP TABLE record_seals")
        db.execute("ALTER TABLE station_enrolments DROP COLUMN chain_seq")
        db.execute("UPDATE meta SET value = '1' WHERE key = ?", (VERSION_KEY,))
    db = open_database(sqlite_url)
    try:
        ensure_trust_schema(db)
        assert db.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)) == [
            (str(TRUST_VERSION),)
        ]
        assert db.execute("SELECT COUNT(*) FROM station_status_seals") == [(0,)]
        assert db.execute("SELECT COUNT(*) FROM record_seals") == [(0,)]
        assert db.execute("SELECT COUNT(chain_seq) FROM station_enrolments") == [(0,)]
    finally:
        db.close()


def test_a_forged_status_row_leaves_the_call_unanswerable_recorded_and_shown(
    sqlite_url: str, station: Any, st: Any, capsys: Any, browser: Any
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    desk = server.server.config.app.state.station
    with patient_waiting(sqlite_url, "far-a") as kiosk:

        def calls() -> list[dict[str, Any]]:
            return [c for c in desk.snapshot.get("calls", []) if c["kiosk_id"] == "far-a"]

        def shown() -> dict[str, Any]:
            return next(k for k in desk.snapshot["kiosks"] if k["kiosk_id"] == "far-a")

        st.wait_for(lambda: any(c["waiting"] for c in calls()), what="the patient waiting")
        st.wait_for(lambda: shown()["pins"], what="the PINs read (the kiosk's last report)")
        call = calls()[0]
        locked = '[{"name_ja": "利用者証明用", "tries_left": 0, "limit": 3, "blocked": true}]'
        with _db(sqlite_url) as db:  # one UPDATE by anyone with the database: "PIN locked"
            db.execute("UPDATE station_kiosks SET pins = ? WHERE kiosk_id = 'far-a'", (locked,))
        desk.bell.ring(DESK)
        st.wait_for(lambda: shown()["status_signed"] is False, what="the desk to distrust it")
        assert shown()["pins"] == []  # the forged "locked" is not shown
        assert not any(c["waiting"] for c in calls())  # nor is the patient's wait believed
        page = browser.new_page()
        sign_in_at_desk(page, server.binding.url, "nurse-01")
        assert "far-a" in page.inner_text("#forged-statuses", timeout=60_000)  # on every tab
        page.click("#tab-kiosks")
        page.wait_for_selector("#forged-far-a", timeout=60_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "forged-status.png"))
        page.close()
        client, csrf = st.sign_in(server.binding.url, "nurse-01")
        answer = client.post(
            f"/api/calls/{call['id']}/answer", json={"ok": True}, headers={"x-csrf-token": csrf}
        )
        client.close()
        assert answer.status_code == 409 and answer.json()["result"] == "not_waiting"
        assert f"state {State.CONSENT.value}" not in kiosk.seen
        st.wait_for(
            lambda: ("status_refused:unsigned", "far-a") in _actions(sqlite_url),
            what="the distrust in the chain",
        )
    assert _actions(sqlite_url).count(("status_refused:unsigned", "far-a")) == 1  # once
    assert main(["records", "verify", "--records", sqlite_url]) == 0
    assert "status_refused:unsigned (kiosk far-a)" in capsys.readouterr().out


def test_the_kiosk_states_its_status_again_and_undoes_a_forged_row(
    sqlite_url: str, kiosks: Any
) -> None:
    kiosk = kiosks(sqlite_url, "kiosk-a", heartbeat_s=0.2)  # states it again every 3 s
    kiosk.send(Event.CARD_PLACED)
    parts = connect(sqlite_url, station_key())
    try:
        wait_for(
            lambda: [k.state for k in believed_kiosks(parts).kiosks] == [State.METHOD.value],
            what="the kiosk's status told",
        )
        with _db(sqlite_url) as db:  # someone says the PIN is locked and the patient left
            db.execute(
                "UPDATE station_kiosks SET state = 'start',"
                " pins = '[{\"tries_left\": 0, \"blocked\": true}]' WHERE kiosk_id = 'kiosk-a'"
            )
        assert believed_kiosks(parts).forged == {"kiosk-a"}
        wait_for(lambda: not believed_kiosks(parts).forged, what="the kiosk's own status again")
        (status,) = believed_kiosks(parts).kiosks
        assert status.state == State.METHOD.value
        assert status.pins == []  # its own (none read here), not the row's
    finally:
        parts.db.close()
