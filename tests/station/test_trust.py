"""Trust between the kiosks and the desk, tried as an attacker with write access to the records
database would (a kiosk in a process of its own, the station on a free port): a forged,
replayed or copied request moves no kiosk, is refused, written in the records chain and shown
at the desk; the desk's real answer still works and enters the chain when given."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

from helpers.kiosk_process import KioskProcess, patient_waiting
from helpers.pairing import pair
from helpers.relay import PassThroughRelay
from kiosk.cli import main
from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.records.chain import iso
from kiosk.records.store import RecordStore
from kiosk.station.media import Holder, MediaHub
from kiosk.station.orders import FORGED, MISDIRECTED, REPLAYED, UNPAIRED, UNSIGNED, Orders
from kiosk.station.sealed_media import HELLO, ephemeral, hello_payload
from kiosk.station.uplink import MediaUplink
from kiosk.station.web import SESSION_COOKIE
from kiosk.station_tables.calls import Command, CommandKind
from kiosk.station_tables.keys import kiosk_key, station_key
from kiosk.station_tables.trust import REQUEST, request_payload

REPO = Path(__file__).resolve().parents[2]


def _db(url: str) -> sqlite3.Connection:
    return sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)


def _forge(url: str, kiosk_id: str, **columns: Any) -> str:
    """One row in station_commands, as anyone who can write the database can add it."""
    row = {
        "id": uuid.uuid4().hex,
        "kiosk_id": kiosk_id,
        "kind": "confirm",
        "value": '{"ok": true}',
        "staff_id": "alice",
        "call_id": None,
        "created_at": iso(datetime.now(UTC)),
        **columns,
    }
    with _db(url) as db:
        db.execute(
            "INSERT INTO station_commands (id, kiosk_id, kind, value, staff_id, call_id,"
            " created_at) VALUES (:id, :kiosk_id, :kind, :value, :staff_id, :call_id,"
            " :created_at)",
            row,
        )
    return str(row["id"])


def _result(url: str, command_id: str) -> str | None:
    with _db(url) as db:
        rows = db.execute("SELECT result FROM station_commands WHERE id = ?", (command_id,))
        return rows.fetchone()[0]


def _kiosk_state(url: str, kiosk_id: str) -> str:
    with _db(url) as db:
        return str(
            db.execute(
                "SELECT state FROM station_kiosks WHERE kiosk_id = ?", (kiosk_id,)
            ).fetchone()[0]
        )


def _events(url: str) -> list[tuple[str, str | None, str]]:
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        return [
            (
                r.kiosk_id,
                r.body.get("staff_id"),
                str(r.body.get("detail", {}).get("action") or r.body.get("event")),
            )
            for r in store.records(kind="event")
        ]


def _open_call(st: Any, server: Any, kiosk_id: str) -> dict[str, Any]:
    desk = server.server.config.app.state.station
    st.wait_for(
        lambda: any(
            c["kiosk_id"] == kiosk_id and c["waiting"] and c.get("signed")
            for c in desk.snapshot.get("calls", [])
        ),
        what="the kiosk's signed call at the desk",
    )
    return next(c for c in desk.snapshot["calls"] if c["kiosk_id"] == kiosk_id)


@pytest.fixture
def far(sqlite_url: str, station: Any, st: Any) -> Any:
    st.add_staff(sqlite_url, "nurse-01")
    st.add_staff(sqlite_url, "alice")
    server = station(sqlite_url)
    with patient_waiting(sqlite_url, "far-a") as kiosk:
        yield server, kiosk


def test_a_forged_confirm_row_moves_no_kiosk_and_is_refused_recorded_and_shown(
    far, sqlite_url, st, capsys
) -> None:
    server, kiosk = far
    call = _open_call(st, server, "far-a")
    desk = server.server.config.app.state.station
    forged = _forge(sqlite_url, "far-a", call_id=call["id"])  # the finding: one INSERT
    st.wait_for(lambda: _result(sqlite_url, forged) is not None, what="the kiosk to read it")
    assert _result(sqlite_url, forged) == f"refused:{UNSIGNED}"
    assert _kiosk_state(sqlite_url, "far-a") == State.STAFF_WAIT.value
    assert f"state {State.CONSENT.value}" not in kiosk.seen
    st.wait_for(
        lambda: any(r["why"] == UNSIGNED for r in desk.snapshot.get("refused", [])),
        what="the desk to show the refusal",
    )

    # the station's own answer, copied to a new row with the station's seal: not that request
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    answer = client.post(
        f"/api/calls/{call['id']}/answer", json={"ok": True}, headers={"x-csrf-token": csrf}
    )
    assert answer.status_code == 200, answer.text
    kiosk.expect(f"state {State.CONSENT.value}")  # the desk's real answer still works

    def carried_out() -> Any:
        with _db(sqlite_url) as db:
            return db.execute(
                "SELECT c.id, s.seal FROM station_commands c JOIN station_seals s"
                " ON s.command_id = c.id WHERE c.kind = 'confirm' AND c.result = 'sent'"
            ).fetchone()

    st.wait_for(carried_out, what="the real answer marked carried out")
    real_id, seal = carried_out()
    with _db(sqlite_url) as db:
        copy = uuid.uuid4().hex
        db.execute(
            "INSERT INTO station_commands (id, kiosk_id, kind, value, staff_id, call_id,"
            " created_at) SELECT ?, kiosk_id, kind, value, 'alice', call_id, created_at"
            " FROM station_commands WHERE id = ?",
            (copy, real_id),
        )
        db.execute(
            "INSERT INTO station_seals (command_id, station_key, reception_id, seal)"
            " SELECT ?, station_key, reception_id, seal FROM station_seals WHERE command_id = ?",
            (copy, real_id),
        )
        assert seal
        db.execute(  # the very request again
            "UPDATE station_commands SET done_at = NULL, result = NULL WHERE id = ?", (real_id,)
        )
    st.wait_for(lambda: _result(sqlite_url, copy) is not None, what="the copy to be read")
    st.wait_for(lambda: _result(sqlite_url, real_id) is not None, what="the replay to be read")
    client.close()
    assert _result(sqlite_url, copy) == f"refused:{FORGED}"
    assert _result(sqlite_url, real_id) == f"refused:{REPLAYED}"

    wanted = {
        ("far-a", "staff", f"request_refused:confirm:{why}") for why in (UNSIGNED, FORGED, REPLAYED)
    }
    st.wait_for(lambda: wanted <= set(_events(sqlite_url)), what="the refusals in the chain")
    events = _events(sqlite_url)
    assert ("station", "nurse-01", "call_answered") in events  # when given, by the desk
    assert not any(e[1] == "alice" and e[0] == "far-a" for e in events)  # alice did nothing

    assert main(["records", "verify", "--records", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ")
    assert (
        "refused attempts recorded:" in out
        and f"confirm:{UNSIGNED}" in out
        and f"confirm:{FORGED}" in out
    )


def _command(kind: CommandKind = CommandKind.CONFIRM, **changes: Any) -> Command:
    fields: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "kiosk_id": "k-1",
        "kind": kind,
        "value": {"ok": True},
        "staff_id": "nurse-01",
        "call_id": "call-1",
        "created_at": datetime.now(UTC),
        **changes,
    }
    return Command(**fields)


def test_the_kiosk_checks_signature_kiosk_call_reception_and_freshness(tmp_path: Path) -> None:
    station = station_key(tmp_path / "station-key")
    other = station_key(tmp_path / "other-key")
    orders = Orders("k-1", lambda: frozenset({station.public}))
    now = dict(waiting=True, reception_id="r-1", call_id="call-1")

    def seal(command: Command, key: Any = station, reception: str | None = "r-1") -> Any:
        return key.public, reception, key.sign(REQUEST, request_payload(command, reception))

    good = _command()
    assert orders.check(good, seal(good), **now) is None
    assert orders.check(good, seal(good), **now) == REPLAYED
    assert orders.check(_command(), None, **now) == UNSIGNED
    forged = _command()
    assert orders.check(forged, seal(forged, other), **now) == FORGED
    wrong_text = _command()
    assert orders.check(_command(id=wrong_text.id), seal(wrong_text), **now) == FORGED
    elsewhere = _command(kiosk_id="k-2")
    assert orders.check(elsewhere, seal(elsewhere), **now) == MISDIRECTED
    other_call = _command(call_id="call-0")
    assert orders.check(other_call, seal(other_call), **now) == MISDIRECTED
    old_visit = _command()
    assert orders.check(old_visit, seal(old_visit, reception="r-0"), **now) == MISDIRECTED
    stale = _command(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert orders.check(stale, seal(stale), **now) == REPLAYED
    mode = _command(CommandKind.MODE, value={"visual": True}, call_id=None)
    assert orders.check(mode, seal(mode, reception=None), **now) is None
    assert Orders("k-1", frozenset).check(good, seal(good), **now) == UNPAIRED
    assert kiosk_key("k-1").public != station.public


def _kiosk_said(kiosk: KioskProcess, prefix: str, st: Any) -> str:
    """The last line the kiosk printed starting with ``prefix`` (waited for)."""

    def said() -> str | None:
        while not kiosk.lines.empty():
            kiosk.seen.append(kiosk.lines.get())
        found = [line for line in kiosk.seen if line.startswith(prefix)]
        return found[-1] if found else None

    st.wait_for(said, what=f"the kiosk to say {prefix!r}")
    return str(said())


def test_a_kiosk_is_paired_at_the_desk_with_the_code_it_shows(
    sqlite_url, station, st, capsys
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    desk = server.server.config.app.state.station
    kiosk = KioskProcess(sqlite_url, "new-1")
    try:
        kiosk.expect("ready")
        kiosk.send("place")
        kiosk.send("call_staff")
        kiosk.expect(f"state {State.STAFF_WAIT.value}")
        st.wait_for(
            lambda: any(k.get("pairing") == "asked" for k in desk.snapshot.get("kiosks", [])),
            what="the kiosk's pairing request at the desk",
        )
        kiosk_row = next(k for k in desk.snapshot["kiosks"] if k["kiosk_id"] == "new-1")
        assert kiosk_row["paired"] is False
        call = next(c for c in desk.snapshot["calls"] if c["kiosk_id"] == "new-1")
        client, csrf = st.sign_in(server.binding.url, "nurse-01")
        headers = {"x-csrf-token": csrf}
        unpaired = client.post(
            f"/api/calls/{call['id']}/answer", json={"ok": True}, headers=headers
        )
        assert unpaired.status_code == 409 and unpaired.json()["result"] == "unpaired"

        # a wrong code ends the attempt, and the refusal is recorded
        assert client.post("/api/kiosks/new-1/pair", json={}, headers=headers).status_code == 200
        first = _kiosk_said(kiosk, "pair ", st).removeprefix("pair ")
        assert len(first.replace(" ", "")) == 6
        wrong = f"{(int(first.replace(' ', '')) + 1) % 10**6:06d}"
        refused = client.post("/api/kiosks/new-1/pair", json={"code": wrong}, headers=headers)
        assert refused.status_code == 403 and refused.json()["result"] == "wrong_code"

        # the kiosk asks again; the right code pairs it
        st.wait_for(
            lambda: (
                client.post("/api/kiosks/new-1/pair", json={}, headers=headers).status_code == 200
            ),
            what="a new pairing request to answer",
        )
        st.wait_for(
            lambda: _kiosk_said(kiosk, "pair ", st) not in (f"pair {first}", "pair -"),
            what="a new code",
        )
        code = _kiosk_said(kiosk, "pair ", st).removeprefix("pair ")
        paired = client.post("/api/kiosks/new-1/pair", json={"code": code}, headers=headers)
        assert paired.status_code == 200, paired.text
        st.wait_for(
            lambda: any(k["paired"] for k in desk.snapshot.get("kiosks", [])),
            what="the desk to know the kiosk",
        )
        kiosk.send("call_staff")  # the call is signed by the kiosk's own key from now on
        signed = _open_call(st, server, "new-1")
        answer = client.post(
            f"/api/calls/{signed['id']}/answer", json={"ok": True}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        kiosk.expect(f"state {State.CONSENT.value}")
        client.close()
    finally:
        assert kiosk.stop() == 0
    events = _events(sqlite_url)
    assert ("station", "nurse-01", "pairing_refused") in events
    assert ("station", "nurse-01", "kiosk_paired") in events
    assert main(["records", "verify", "--records", sqlite_url]) == 0
    assert "pairing_refused" in capsys.readouterr().out


def _watching_page(server: Any, st: Any, kiosk_id: str) -> contextlib.ExitStack:
    """A signed-in desk page (its WebSocket) with ``kiosk_id``'s call open; close() it."""
    client, _csrf = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies[SESSION_COOKIE]
    client.close()
    base = server.binding.url.rstrip("/")
    page = contextlib.ExitStack()
    socket = page.enter_context(
        ws_connect(
            base.replace("http://", "ws://") + "/live",
            additional_headers={"Cookie": f"{SESSION_COOKIE}={token}", "Origin": base},
        )
    )
    socket.send(json.dumps({"type": "watch", "kiosk_id": kiosk_id}))
    return page


def _frames(desk: Any, kiosk_id: str) -> int:
    view = desk.media.get(kiosk_id)
    return -1 if view is None else int(view.frame_no)


def test_hello_as_another_kiosk_is_refused_and_replaces_nothing(
    far, sqlite_url, st, tmp_path, capsys
) -> None:
    server, _kiosk = far
    desk = server.server.config.app.state.station
    _open_call(st, server, "far-a")
    page = _watching_page(server, st, "far-a")
    try:
        st.wait_for(lambda: "far-a" in desk.relay.uplinks, what="the real kiosk's images")
        real = desk.relay.uplinks["far-a"]
        pair(sqlite_url, "far-b")  # the attacker's own kiosk, enrolled; and the records key
        reception = desk.media.get("far-a").reception_id
        endpoint = server.binding.url.replace("http://", "ws://") + "kiosk-media"
        for key in (kiosk_key("far-b"), station_key(tmp_path / "records-key-holder")):
            with ws_connect(endpoint) as ws:
                challenge = json.loads(ws.recv(timeout=10))["challenge"]
                hello = hello_payload(challenge, "far-a", reception, endpoint, ephemeral()[1])
                ws.send(json.dumps({"type": "hello", **hello, "signature": key.sign(HELLO, hello)}))
                with pytest.raises(ConnectionClosed) as closed:
                    ws.recv(timeout=10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003
            assert desk.relay.uplinks.get("far-a") is real  # the real kiosk keeps its place
        before = _frames(desk, "far-a")
        st.wait_for(lambda: _frames(desk, "far-a") > before + 2, what="the real images going on")
    finally:
        page.close()
    refused = [e for e in _events(sqlite_url) if e[2] == "media_refused:forged"]
    assert len(refused) == 2 and all(e[0] == "station" for e in refused)
    assert main(["records", "verify", "--records", sqlite_url]) == 0
    assert capsys.readouterr().out.count("media_refused:forged (kiosk far-a)") == 2


def test_a_relay_gets_no_images_and_sees_nothing_of_the_patient(
    far, sqlite_url, st, station, capsys
) -> None:
    server, kiosk = far
    desk = server.server.config.app.state.station
    call = _open_call(st, server, "far-a")
    endpoint = server.binding.url.replace("http://", "ws://") + "kiosk-media"
    relay = PassThroughRelay(endpoint)
    try:
        # the finding: a watch row naming the relay (unsigned, or with a real seal copied)
        unsigned = _forge(
            sqlite_url,
            "far-a",
            kind="watch",
            value=json.dumps({"url": relay.url, "station": "x", "reception_id": "r"}),
        )
        st.wait_for(lambda: _result(sqlite_url, unsigned), what="the kiosk to read it")
        assert _result(sqlite_url, unsigned) == f"refused:{UNSIGNED}"

        page = _watching_page(server, st, "far-a")  # the station's own, signed request
        st.wait_for(lambda: "far-a" in desk.relay.uplinks, what="the images to the station")
        with _db(sqlite_url) as db:
            real_id, value, created = db.execute(
                "SELECT id, value, created_at FROM station_commands WHERE kind = 'watch'"
                " AND result = 'sent'"
            ).fetchone()
            copy = uuid.uuid4().hex
            moved = json.dumps({**json.loads(value), "url": relay.url})
            db.execute(
                "INSERT INTO station_commands (id, kiosk_id, kind, value, staff_id, call_id,"
                " created_at) VALUES (?, 'far-a', 'watch', ?, 'nurse-01', NULL, ?)",
                (copy, moved, created),
            )
            db.execute(
                "INSERT INTO station_seals SELECT ?, station_key, reception_id, seal"
                " FROM station_seals WHERE command_id = ?",
                (copy, real_id),
            )
        st.wait_for(lambda: _result(sqlite_url, copy), what="the kiosk to read the copy")
        assert _result(sqlite_url, copy) == f"refused:{FORGED}"
        page.close()

        # a kiosk made to dial the relay anyway: the station refuses an endpoint it did not
        # name, and the relay, passing the handshake through, sees only sealed bytes
        st.wait_for(lambda: "far-a" not in desk.relay.uplinks, what="the real stream to end")
        page = _watching_page(server, st, "far-a")
        st.wait_for(lambda: "far-a" in desk.relay.asked, what="the station to ask again")
        reception = desk.relay.asked["far-a"][0]
        hub = MediaHub()
        hub.open("far-a", reception)
        photo = (REPO / "assets/people/joe-biden-1.jpg").read_bytes()[:4000]
        hub.update(
            "far-a", reception, photo=b"\xff\xd8\xff" + photo, holder=Holder(name="架空 花子")
        )
        station_public = station_key().public
        fooled = MediaUplink(
            relay.url, kiosk_key("far-a"), station_public, "far-a", reception, hub, lambda: True
        ).start()
        st.wait_for(lambda: not fooled.alive, what="the fooled uplink to be refused")
        assert relay.connections == 1
        page.close()

        # and a station that names the relay itself: the images arrive, the relay reads none
        other = station(sqlite_url, media_url=relay.url)
        relay.upstream = other.binding.url.replace("http://", "ws://") + "kiosk-media"
        second = other.server.config.app.state.station
        page = _watching_page(other, st, "far-a")
        st.wait_for(lambda: _frames(second, "far-a") >= 2, what="images through the relay")
        st.wait_for(lambda: second.media.get("far-a").holder is not None, what="the holder")
        page.close()
    finally:
        relay.stop()
    assert relay.connections == 2 and relay.seen
    assert not relay.saw("架空".encode())  # the holder's name never passed in the clear
    assert not relay.saw(b"\xff\xd8\xff")  # no JPEG passed in the clear
    assert call["kiosk_id"] == "far-a" and kiosk.process.poll() is None
    assert ("station", "station", "media_refused:elsewhere") in _events(sqlite_url)
    assert main(["records", "verify", "--records", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "watch:unsigned" in out and "watch:forged" in out and "media_refused:elsewhere" in out


@pytest.mark.postgres
def test_on_postgres_a_kiosk_cannot_confirm_a_patient_at_another(
    postgres_server, station, kiosks, st
) -> None:
    url = postgres_server.new_database()
    station(url)
    one = kiosks(url, "reception-1")
    two = kiosks(url, "reception-2")  # compromised: its database login, its own key
    one.send(Event.CARD_PLACED)
    assert one.send(Event.CALL_STAFF) == State.STAFF_WAIT
    st.wait_for(lambda: one.link._call_id, what="the call of reception-1")
    forged = Command(
        uuid.uuid4().hex,
        "reception-1",
        CommandKind.CONFIRM,
        {"ok": True},
        "alice",
        one.link._call_id,
        datetime.now(UTC),
    )
    own = kiosk_key("reception-2")  # the best key it holds, passed off as a station's
    seal = own.sign(REQUEST, request_payload(forged, one.flow.visit.reception_id))
    db = two.board.db
    with db.write():
        db.execute(
            "INSERT INTO station_commands (id, kiosk_id, kind, value, staff_id, call_id,"
            " created_at) VALUES (?, ?, 'confirm', ?, 'alice', ?, ?)",
            (forged.id, forged.kiosk_id, json.dumps(forged.value), forged.call_id,
             iso(forged.created_at)),
        )  # fmt: skip
        db.execute(
            "INSERT INTO station_seals (command_id, station_key, reception_id, seal)"
            " VALUES (?, ?, ?, ?)",
            (forged.id, own.public, one.flow.visit.reception_id, seal),
        )
        db.execute("SELECT pg_notify('kiosk_station_kiosks', 'reception-1')")

    def result() -> Any:
        rows = db.execute("SELECT result FROM station_commands WHERE id = ?", (forged.id,))
        return rows[0][0] if rows and rows[0][0] else None

    assert st.wait_for(result, what="reception-1 to read it") == f"refused:{FORGED}"
    assert one.flow.state == State.STAFF_WAIT and one.flow.visit.staff_id in (None, "")
    st.wait_for(
        lambda: ("reception-1", "staff", f"request_refused:confirm:{FORGED}") in _events(url),
        what="the refusal in the chain",
    )
