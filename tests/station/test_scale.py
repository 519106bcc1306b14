"""Many kiosks on one station: a request wakes only its kiosk, a burst of changes reaches a
page in a few paced sendings, a page hears only of what it shows, a kiosk whose reports queue
up tells the desk each status once, and ``kiosk bench staff`` runs on PostgreSQL."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.sync.client import connect

from kiosk.reception.events import Event
from kiosk.station.pacing import Pace, shown
from kiosk.station_tables.bell import DESK, KIOSKS, LISTENING_POLL_S, Bell, bell_for
from kiosk.station_tables.calls import CallBoard


def test_a_ring_naming_a_kiosk_wakes_that_kiosk_and_not_another(tmp_path) -> None:
    bell = Bell(f"sqlite:///{tmp_path / 'records.db'}")
    seen_a, seen_b = bell.count(KIOSKS, "kiosk-a"), bell.count(KIOSKS, "kiosk-b")
    bell.ring(KIOSKS, "kiosk-a")
    assert bell.wait(KIOSKS, seen_a, 0.0, "kiosk-a") == seen_a + 1
    assert bell.wait(KIOSKS, seen_b, 0.0, "kiosk-b") == seen_b  # not woken
    bell.ring(KIOSKS)  # naming no one (a link stopping, the listener back): everyone looks
    assert bell.count(KIOSKS, "kiosk-a") == seen_a + 2
    assert bell.count(KIOSKS, "kiosk-b") == seen_b + 1
    assert bell.count(KIOSKS) == 2  # the channel counts every ring


def test_waiters_poll_rarely_only_while_the_listen_connection_hears_every_ring(tmp_path) -> None:
    bell = Bell(f"sqlite:///{tmp_path / 'records.db'}")
    assert bell.poll_s(0.25) == 0.25
    bell.listening = True
    assert bell.poll_s(0.25) == LISTENING_POLL_S
    assert bell.poll_s(30.0) == 30.0


def test_the_first_read_after_quiet_is_at_once_and_a_burst_is_read_once_a_gap() -> None:
    now = [100.0]
    pace = Pace(0.1, clock=lambda: now[0])
    assert pace.delay() == 0.0  # the first change: sent at once
    pace.started()
    now[0] += 0.03  # rings keep coming: wait for the end of the gap
    assert pace.delay() == pytest.approx(0.07)
    now[0] += 0.07
    assert pace.delay() == 0.0
    pace.started()
    now[0] += 5.0  # quiet again: at once
    assert pace.delay() == 0.0


def test_a_heartbeat_alone_is_not_a_change_a_page_shows() -> None:
    kiosk = {"kiosk_id": "k", "state": "start", "connected": True, "seen_at": "10:00:00"}
    before = {"type": "state", "calls": [], "kiosks": [kiosk]}
    beat = {**before, "kiosks": [{**kiosk, "seen_at": "10:00:02"}]}
    gone = {**before, "kiosks": [{**kiosk, "seen_at": "10:00:02", "connected": False}]}
    assert shown(beat) == shown(before)
    assert shown(gone) != shown(before)
    assert beat["kiosks"][0]["seen_at"] == "10:00:02"  # the state itself is left whole


def _states(ws: Any) -> Any:
    while True:
        message = json.loads(ws.recv(timeout=60))
        if message["type"] == "state":
            yield message


def test_a_page_is_sent_the_state_when_what_it_shows_changes_not_on_heartbeats(
    sqlite_url, station, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    the_station = server.server.config.app.state.station
    board = CallBoard.open(sqlite_url)
    try:
        board.report("kiosk-a", state="start", mode="unattended", waiting=False, reception_id=None)
        client, _ = st.sign_in(server.binding.url, "nurse-01")
        token = client.cookies["station_session"]
        client.close()
        endpoint = server.binding.url.replace("http://", "ws://") + "live"
        with connect(endpoint, additional_headers={"Cookie": f"station_session={token}"}) as ws:
            states = _states(ws)
            head = board.db.execute("SELECT seq FROM chain_head WHERE id = 1")[0][0]
            sent = [next(states)]  # until the sign-in's records are on the page
            while sent[-1]["records_seq"] != head:
                sent.append(next(states))
            assert [k["state"] for k in sent[-1]["kiosks"]] == ["start"]
            beat = datetime.now(UTC) + timedelta(seconds=1)
            board.heartbeat("kiosk-a", at=beat)
            board.bell.ring(DESK)
            st.wait_for(  # the station has read the heartbeat
                lambda: the_station.snapshot["kiosks"][0]["seen_at"] == beat.isoformat(),
                what="the station to read the heartbeat",
            )
            board.report(
                "kiosk-a", state="reading", mode="unattended", waiting=False, reception_id=None
            )
            while [k["state"] for k in sent[-1]["kiosks"]] != ["reading"]:
                sent.append(next(states))
        # each state a page got shows something new (the sign-in's records move records_seq)
        assert all(shown(a) != shown(b) for a, b in itertools.pairwise(sent))
    finally:
        board.close()


@pytest.mark.postgres
def test_reports_queued_behind_a_busy_database_tell_the_desk_each_status_once(
    postgres_server, kiosks, st
) -> None:
    url = postgres_server.new_database()
    kiosk = kiosks(url, "kiosk-a")
    st.wait_for(lambda: kiosk.board.kiosks(), what="the kiosk's first report")
    told: list[tuple[Any, ...]] = []
    report = kiosk.board.report

    def recorded(kiosk_id: str, **status: Any) -> None:
        told.append(tuple(sorted((k, json.dumps(v)) for k, v in status.items())))
        report(kiosk_id, **status)

    kiosk.board.report = recorded  # type: ignore[method-assign]
    with kiosk.board.db.write():  # the link's connection is busy: its reports queue up
        kiosk.send(Event.CARD_PLACED)
        kiosk.send(Event.CALL_STAFF)
    st.wait_for(
        lambda: any(k.waiting and k.pins for k in kiosk.board.kiosks()),
        what="the desk to know the kiosk waits, with its PINs",
    )
    assert [dict(t)["state"] for t in told][-1] == '"staff-wait"'
    assert all(a != b for a, b in itertools.pairwise(told))  # no status told twice running


@pytest.mark.postgres
def test_a_request_over_notify_wakes_only_the_kiosk_it_names(postgres_server, st) -> None:
    import psycopg

    url = postgres_server.new_database()
    bell = bell_for(url)
    st.wait_for(lambda: bell.listening, what="the LISTEN connection")
    seen_a, seen_b = bell.count(KIOSKS, "kiosk-a"), bell.count(KIOSKS, "kiosk-b")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_notify(%s, %s)", (KIOSKS, "kiosk-a"))
    st.wait_for(lambda: bell.count(KIOSKS, "kiosk-a") > seen_a, what="kiosk-a's ring")
    assert bell.count(KIOSKS, "kiosk-b") == seen_b


@pytest.mark.postgres
def test_the_staff_bench_runs_on_postgresql_and_prints_its_figures(postgres_server, st) -> None:
    url = postgres_server.new_database()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "bench",
            "staff",
            "--kiosks",
            "2",
            "--rounds",
            "1",
            "--records",
            url,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=st.REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert figures["records"] == "postgresql"
    assert figures["kiosks_as"] == "threads"
    assert figures["kiosks"] == 2 and figures["rounds"] == 1
    assert figures["warmup_rounds"] == 1 and figures["calls"] == 2  # the warm-up is not timed
    for key in (
        "call_to_alert_ms_p95",
        "call_to_alert_ms_median",
        "confirm_to_screen_ms_p95",
        "confirm_to_screen_ms_median",
    ):
        assert figures[key] > 0, key
    assert figures["target_ms_p95"] == 1000
    assert figures["browser"].startswith("chromium")


def test_the_pins_tab_is_drawn_when_shown_and_kept_live_while_shown(
    browser, sqlite_url, station, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    board = CallBoard.open(sqlite_url)
    try:
        board.report("kiosk-a", state="start", mode="unattended", waiting=False, reception_id=None)
        page = browser.new_page()
        page.goto(server.binding.url)
        page.fill("#staff_id", "nurse-01")
        page.fill("#password", st.PASSWORD)
        page.click("#login")
        page.wait_for_selector("#kiosk-kiosk-a", state="attached", timeout=30_000)
        assert page.locator("#pins-refresh-kiosk-a").count() == 0  # not drawn while hidden
        page.click("#tab-pins")
        page.wait_for_selector("#pins-refresh-kiosk-a", timeout=30_000)
        board.report("kiosk-b", state="start", mode="unattended", waiting=False, reception_id=None)
        page.wait_for_selector("#pins-refresh-kiosk-b", timeout=30_000)  # live while shown
        page.close()
    finally:
        board.close()
