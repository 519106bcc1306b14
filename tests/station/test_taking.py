"""Taking a call (対応中), closing a call that is not about identity (対応しました), and the
locked desk's bell: who may hear it and what it says."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from helpers.clock import HandClock
from kiosk.records.store import RecordStore
from kiosk.station.records_access import connect as records
from kiosk.station_tables.calls import CallStatus
from kiosk.vocabulary import IDENTITY_CALLS, CallReason


def _open_call(url: str, kiosk_id: str, reason: CallReason, **detail: str) -> str:
    parts = records(url)
    try:
        parts.board.report(kiosk_id, state="card-error", mode="unattended", waiting=False,
                           reception_id=None)  # fmt: skip
        return parts.board.open_call(kiosk_id, None, reason, detail=detail).id
    finally:
        parts.db.close()


def _call(url: str, call_id: str) -> Any:
    parts = records(url)
    try:
        return parts.board.call(call_id)
    finally:
        parts.db.close()


def _answers_in_chain(url: str) -> list[dict[str, Any]]:
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        details = [r.body["detail"] for r in store.records(kind="event")]
    return [d for d in details if d.get("action") == "call_answered"]


def test_the_first_to_take_a_call_has_it_and_a_task_closes_with_handled(
    sqlite_url, station, st
) -> None:
    _take_and_handle(sqlite_url, station, st)


@pytest.mark.postgres
def test_taking_and_handling_on_postgres(postgres_server, station, st) -> None:
    _take_and_handle(postgres_server.new_database(), station, st)


def _take_and_handle(url: str, station: Any, st: Any) -> None:
    for staff in ("nurse-01", "nurse-02"):
        st.add_staff(url, staff)
    server = station(url)
    first, csrf1 = st.sign_in(server.binding.url, "nurse-01")
    second, csrf2 = st.sign_in(server.binding.url, "nurse-02")
    task = _open_call(url, "k1", CallReason.CARD_LEFT, state="card-left")
    identity = _open_call(url, "k2", CallReason.PIN_LOCKED, state="pin-locked")

    def post(client: Any, csrf: str, path: str) -> Any:
        return client.post(path, json={}, headers={"X-CSRF-Token": csrf})

    try:
        assert post(first, csrf1, f"/api/calls/{task}/take").json() == {
            "result": "taken",
            "by": "nurse-01",
        }
        late = post(second, csrf2, f"/api/calls/{task}/take")
        assert late.status_code == 409 and late.json()["by"] == "nurse-01"
        assert post(first, csrf1, f"/api/calls/{task}/take").status_code == 200  # theirs still
        assert post(first, "wrong", f"/api/calls/{task}/take").status_code == 403

        refused = post(first, csrf1, f"/api/calls/{identity}/handled")
        assert refused.status_code == 409 and refused.json() == {"result": "identity"}
        assert _call(url, identity).status is CallStatus.OPEN

        done = post(second, csrf2, f"/api/calls/{task}/handled")  # whoever is there closes it
        assert done.status_code == 200 and done.json()["by"] == "nurse-02"
        closed = _call(url, task)
        assert (closed.status, closed.decision, closed.answered_by, closed.taken_by) == (
            CallStatus.ANSWERED,
            "handled",
            "nurse-02",
            "nurse-01",
        )
        assert _answers_in_chain(url) == [  # when given, not when a kiosk acts
            {"action": "call_answered", "kiosk": "k1", "decision": "handled"}
        ]
        again = post(first, csrf1, f"/api/calls/{task}/handled")
        assert again.status_code == 409 and again.json() == {"result": "done", "by": "nurse-02"}
        assert post(first, csrf1, f"/api/calls/{task}/take").status_code == 409
        assert post(first, csrf1, "/api/calls/nothing/take").status_code == 404
        assert post(first, csrf1, "/api/calls/nothing/handled").status_code == 404
    finally:
        first.close()
        second.close()


def test_every_call_reason_is_either_about_identity_or_says_what_to_do() -> None:
    from kiosk.station.words import catalogue

    for language in ("ja", "en"):
        words = catalogue(language)
        for reason in CallReason:
            assert f"reason.{reason.value}" in words, (reason, language)
            if reason not in IDENTITY_CALLS:
                assert f"todo.{reason.value}" in words, (reason, language)
        assert "todo.other" in words and "reason.other" in words


def _bell(port: int, token: str, host: str | None = None) -> Any:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    host = host or f"127.0.0.1:{port}"
    headers = {"Cookie": f"station_session={token}"} if token else None
    return connect(f"ws://{host}/bell", sock=sock, additional_headers=headers, open_timeout=10)


def _refused(port: int, token: str) -> int:
    """The HTTP status the bell was refused with (a socket closed before it opened)."""
    with pytest.raises(InvalidStatus) as refused:
        _bell(port, token)
    return refused.value.response.status_code


def test_the_bell_tells_a_locked_desk_how_many_calls_wait_and_nothing_of_a_patient(
    sqlite_url, station, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    clock = HandClock()
    server = station(sqlite_url, clock=clock)
    port = server.binding.port
    client, _ = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies.get("station_session")
    _open_call(sqlite_url, "k1", CallReason.HELP, state="card-error", code="006")
    try:
        clock.advance(6 * 60)  # the session idles out: its desk locks
        assert client.get("/api/today").status_code == 401
        with _bell(port, token) as ws:
            said = json.loads(ws.recv(timeout=30))
            assert said["type"] == "bell"
            assert [c["kiosk_id"] for c in said["calls"]] == ["k1"]
            assert set(said["calls"][0]) == {"id", "kiosk_id", "reason", "created_at", "taken_by"}
            _open_call(sqlite_url, "k2", CallReason.PIN_LOCKED)
            said = json.loads(ws.recv(timeout=30))
            assert sorted(c["kiosk_id"] for c in said["calls"]) == ["k1", "k2"]
        assert client.get("/api/today").status_code == 401  # listening kept nothing alive
        assert _refused(port, "") == 403
        assert _refused(port, "not-a-token") == 403
        clock.advance(12 * 3600)  # half a day after the sign-in: the bell is over
        assert _refused(port, token) == 403
    finally:
        client.close()

    # a desk signed out on purpose (or from elsewhere) is not locked: it hears nothing
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies.get("station_session")
    try:
        out = client.post("/logout", data={"csrf": csrf})
        assert out.status_code == 303
        assert _refused(port, token) == 403
        assert client.get("/").status_code == 303
    finally:
        client.close()


def test_the_bell_answers_only_this_station(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    client, _ = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies.get("station_session")
    try:
        with pytest.raises(InvalidStatus):  # refused before the socket opens (400)
            _bell(server.binding.port, token, host="evil.example")
        with _bell(server.binding.port, token) as ws:  # a live session may listen too
            assert json.loads(ws.recv(timeout=30))["type"] == "bell"
    finally:
        client.close()


def test_a_call_carries_the_kiosks_screen_and_what_went_wrong() -> None:
    from kiosk.reception import State
    from kiosk.reception.ports import Qualification
    from kiosk.reception.visit import Visit
    from kiosk.station.kiosk_link import call_detail
    from kiosk.vocabulary import ReaderError

    error = Visit(error=ReaderError.CERTIFICATE_INVALID, ended_by="error")
    assert call_detail(State.CARD_ERROR, error) == {"state": "card-error", "code": "006"}
    invalid = Visit(qualification=Qualification(validity=2))
    assert call_detail(State.DONE, invalid) == {"state": "done", "validity": "2"}
    valid = Visit(qualification=Qualification(validity=1))
    assert call_detail(State.DONE, valid) == {"state": "done"}
