"""The station's doors against a neighbour (the security issue): failed sign-ins slow guessing
down with progressive waits and never lock the right person out; the kiosk keypad's waits and
the desk's are apart; only the Host names the station serves are answered (HTTP and
WebSocket); the sign-in forms are bounded; a staff ID resolves exactly or not at all; and a
page's own polling lets its session idle out.

All over HTTP against the real application on a free port. A client's address is the source
address of its connection (127.0.0.0/8 is all loopback); time is the station's clock, moved
by the tests, never waited for."""

from __future__ import annotations

import json
import re
import socket
from itertools import pairwise
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from helpers.clock import HandClock
from kiosk.cli import main
from kiosk.config import Settings
from kiosk.records.store import RecordStore
from kiosk.station.kiosk_link import LinkStaff
from kiosk.station.on_reader import KioskStaffCheck, Verdict
from kiosk.station.state import MAX_LOGIN_FORMS, StationConfig
from kiosk.station_tables.staff_accounts import ACCOUNT_BACKOFF, NOT_AN_ID, PAIR_BACKOFF

PASSWORD = "correct horse battery"
WRONG = "wrong password!"


def client_from(base: str, address: str = "127.0.0.1", **options: Any) -> httpx.Client:
    """A client whose connections come from ``address``."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base, transport=transport, timeout=30, **options)


def form(client: httpx.Client) -> str:
    page = client.get("/login")
    assert page.status_code == 200, page.text
    match = re.search(r"name='csrf' value='([^']+)'", page.text)
    assert match, page.text
    return match.group(1)


def attempt(
    client: httpx.Client, staff_id: str, password: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    data = {"staff_id": staff_id, "password": password, "csrf": form(client)}
    return client.post("/login", data=data, headers=headers)


def try_from(base: str, address: str, staff_id: str, password: str) -> httpx.Response:
    with client_from(base, address) as client:
        return attempt(client, staff_id, password)


def retry_after(answer: httpx.Response) -> int:
    return int(answer.headers.get("retry-after", "0"))


def staff_audit(url: str) -> list[dict[str, Any]]:
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        return [
            {"staff_id": r.body.get("staff_id"), **r.body["detail"]}
            for r in store.records(kind="event")
            if r.body.get("event") == "staff"
        ]


def actions(url: str, staff_id: str) -> list[str]:
    return [e["action"] for e in staff_audit(url) if e["staff_id"] == staff_id]


def app_station(server: Any) -> Any:
    """The running application's state (``app.state.station``)."""
    return server.server.config.app.state.station


# -- 1. progressive waits that a neighbour cannot turn into a lock ----------------------------


def test_rotating_addresses_never_lock_the_right_user_out(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    clock = HandClock()
    base = station(sqlite_url, clock=clock).binding.url
    attackers = [f"127.0.0.{n}" for n in range(2, 42)]
    for address in attackers:  # a new address for each guess
        assert try_from(base, address, "nurse-01", WRONG).status_code == 401
    # the right password from an address that has not been failing: signed in at once
    assert try_from(base, "127.0.0.1", "nurse-01", PASSWORD).status_code == 303
    # an address that failed waits, the longer for the account's failures everywhere
    again = try_from(base, attackers[0], "nurse-01", PASSWORD)
    assert again.status_code == 429
    assert retry_after(again) == ACCOUNT_BACKOFF.wait_s(len(attackers)) == 180
    assert "3分後にもう一度" in again.text
    # the person mistypes once while the guessing goes on: a wait, capped, then in
    mistyped = try_from(base, "127.0.0.1", "nurse-01", WRONG)
    assert mistyped.status_code == 401 and "3分後" in mistyped.text
    wait = retry_after(mistyped)
    assert 0 < wait <= ACCOUNT_BACKOFF.cap_s
    for n in range(50, 80):  # more guesses from new addresses do not push that wait further
        clock.advance(wait / 30)
        assert try_from(base, f"127.0.0.{n}", "nurse-01", WRONG).status_code == 401
    assert try_from(base, "127.0.0.1", "nurse-01", PASSWORD).status_code == 303
    done = actions(sqlite_url, "nurse-01")
    assert done.count("login_failed") == len(attackers) + 1 + 30
    assert done.count("login") == 2 and "login_throttled" in done
    failed = [e for e in staff_audit(sqlite_url) if e["action"] == "login_failed"]
    assert {e["address"] for e in failed} >= set(attackers) | {"127.0.0.1"}


def test_a_local_process_failing_20_times_does_not_stop_the_desk(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    st.add_staff(sqlite_url, "nurse-02")
    server = station(sqlite_url, clock=HandClock())  # the clock stands still: no wait ever ends
    with client_from(server.binding.url, "127.0.0.1") as local:  # the desk's own address
        for n in range(20):
            assert attempt(local, f"guess-{n}", WRONG).status_code == 401
        for _ in range(10):  # and another member of staff's account, until it must wait
            assert attempt(local, "nurse-02", WRONG).status_code in (401, 429)
        assert attempt(local, "nurse-02", PASSWORD).status_code == 429
    desk, _ = st.sign_in(server.binding.url, "nurse-01")  # from 127.0.0.1 too
    desk.close()
    failed = [e for e in staff_audit(sqlite_url) if e["action"] == "login_failed"]
    assert len(failed) == 20 + PAIR_BACKOFF.free
    assert {e["address"] for e in failed} == {"127.0.0.1"}
    assert ("nurse-01", "login") in {(e["staff_id"], e["action"]) for e in staff_audit(sqlite_url)}


def test_waits_double_for_an_account_and_address_up_to_a_cap(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    clock = HandClock()
    base = station(sqlite_url, clock=clock).binding.url
    waits = []
    with client_from(base, "127.0.0.1", cookies={"station_lang": "en"}) as client:
        for failures in range(1, 14):
            answer = attempt(client, "nurse-01", WRONG)
            assert answer.status_code == 401
            waits.append(retry_after(answer))
            expected = max(PAIR_BACKOFF.wait_s(failures), ACCOUNT_BACKOFF.wait_s(failures))
            assert waits[-1] == expected
            if waits[-1]:  # meanwhile even the right password is not tried
                early = attempt(client, "nurse-01", PASSWORD)
                assert early.status_code == 429 and retry_after(early) == waits[-1]
                clock.advance(waits[-1] - 1)
                assert retry_after(attempt(client, "nurse-01", PASSWORD)) == 1
                clock.advance(1)
        assert waits[:3] == [0, 0, 1]
        assert all(b in (a, 2 * a, PAIR_BACKOFF.cap_s) for a, b in pairwise(waits[2:]))
        assert waits[-1] == PAIR_BACKOFF.cap_s == 300
        wrong = attempt(client, "nurse-01", WRONG)
        assert wrong.status_code == 401 and retry_after(wrong) == 300
        assert "Wrong staff ID or password. Too many failed sign-ins: try again in 5 min." in (
            wrong.text
        )
        # another address signs in meanwhile; this one only after its wait
        assert try_from(base, "127.0.0.9", "nurse-01", PASSWORD).status_code == 303
        assert attempt(client, "nurse-01", PASSWORD).status_code == 429
        clock.advance(300)
        assert attempt(client, "nurse-01", PASSWORD).status_code == 303
    done = actions(sqlite_url, "nurse-01")
    assert done.count("login_failed") == 14 and done.count("login") == 2
    throttled = [e for e in staff_audit(sqlite_url) if e["action"] == "login_throttled"]
    assert throttled and all(e["address"] == "127.0.0.1" and e["wait_s"] > 0 for e in throttled)


def test_x_forwarded_for_is_not_believed(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    base = station(sqlite_url, clock=HandClock()).binding.url
    with client_from(base, "127.0.0.1") as client:
        for n in range(PAIR_BACKOFF.free):
            forged = {"X-Forwarded-For": f"10.0.0.{n}", "Forwarded": f"for=10.0.0.{n}"}
            assert attempt(client, "nurse-01", WRONG, forged).status_code == 401
        forged = {"X-Forwarded-For": "10.9.9.9"}
        assert attempt(client, "nurse-01", PASSWORD, forged).status_code == 429
    failed = [e for e in staff_audit(sqlite_url) if e["action"] == "login_failed"]
    assert {e["address"] for e in failed} == {"127.0.0.1"}


# -- 2. the kiosk keypad waits on its own ------------------------------------------------------


class NoStaff:
    def check(self, credential: str) -> bool:
        return False


def open_keypad(url: str, clock: HandClock) -> KioskStaffCheck:
    """The staff keypad's check of the kiosk ``reception-9`` on the station's clock."""
    settings = Settings(kiosk_id="reception-9")
    return KioskStaffCheck(url, settings, "reception-9", LinkStaff(NoStaff()), clock=clock)


def test_the_keypad_and_the_desk_wait_apart(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    st.add_staff(sqlite_url, "nurse-02")
    clock = HandClock()
    base = station(sqlite_url, clock=clock).binding.url
    keypad = open_keypad(sqlite_url, clock)
    try:
        # the desk's failures do not slow the keypad
        assert keypad.check("nurse-01", WRONG).verdict is Verdict.WRONG
        for n in range(2, 32):
            assert try_from(base, f"127.0.0.{n}", "nurse-01", WRONG).status_code == 401
        assert try_from(base, "127.0.0.2", "nurse-01", PASSWORD).status_code == 429
        answer = keypad.check("nurse-01", PASSWORD)
        assert answer.verdict is Verdict.OK and answer.credential

        # the keypad's failures do not slow the desk
        assert try_from(base, "127.0.0.1", "nurse-02", WRONG).status_code == 401
        for _ in range(12):
            answer = keypad.check("nurse-02", WRONG)
            if answer.verdict is Verdict.LOCKED:
                clock.advance(answer.retry_after_s)
                answer = keypad.check("nurse-02", WRONG)
            assert answer.verdict is Verdict.WRONG
        refused = keypad.check("nurse-02", PASSWORD)  # its own rule, the same as the desk's
        assert refused.verdict is Verdict.LOCKED and refused.retry_after_s == 300
        assert try_from(base, "127.0.0.1", "nurse-02", PASSWORD).status_code == 303

        # the facility password at the keypad waits by the same rule
        for _ in range(PAIR_BACKOFF.free):
            assert keypad.check("", WRONG).verdict is Verdict.WRONG
        assert keypad.check("", WRONG).verdict is Verdict.LOCKED
    finally:
        keypad.close()
    audit = staff_audit(sqlite_url)
    at_keypad = {e["door"] for e in audit if e.get("address") == "kiosk:reception-9"}
    assert at_keypad == {"reader"}
    assert {e["door"] for e in audit if str(e.get("address", "")).startswith("127.")} == {"desk"}


# -- 3. only the Host names the station serves -------------------------------------------------


def _ws(port: int, host: str, path: str, cookie: str = "") -> Any:
    """A WebSocket to the station on 127.0.0.1:``port`` whose Host header is ``host``."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    headers = {"Cookie": cookie} if cookie else None
    return connect(f"ws://{host}{path}", sock=sock, additional_headers=headers, open_timeout=10)


def test_a_request_for_another_host_is_refused(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    port = server.binding.port
    client, _ = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies.get("station_session")
    try:
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            assert client.get("/", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "x:y:z"):
            for method, path in (("GET", "/"), ("GET", "/login"), ("POST", "/login")):
                refused = client.request(method, path, headers={"Host": host})
                assert refused.status_code == 400, (host, path)
                assert refused.headers["x-frame-options"] == "DENY"
            answer = client.get("/api/today", headers={"Host": host})
            assert answer.status_code == 400
        for path in ("/live", "/kiosk-media"):
            with pytest.raises(InvalidStatus) as refused_ws:
                _ws(port, f"evil.example:{port}", path, f"station_session={token}")
            assert refused_ws.value.response.status_code == 400
        with _ws(port, f"localhost:{port}", "/live", f"station_session={token}") as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
    finally:
        client.close()


def test_named_hosts_are_served_too(sqlite_url, station) -> None:
    server = station(sqlite_url, allowed_hosts=("desk.example", "proxy.example:8443"))
    port = server.binding.port
    with httpx.Client(base_url=server.binding.url, timeout=30) as client:
        for host in ("desk.example", f"desk.example:{port}", "proxy.example:8443"):
            assert client.get("/login", headers={"Host": host}).status_code == 200, host
        for host in ("proxy.example", f"other.example:{port}", "desk.example:1"):
            assert client.get("/login", headers={"Host": host}).status_code == 400, host
    with _ws(port, "desk.example", "/kiosk-media") as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "challenge"


def test_staff_serve_takes_allowed_hosts(monkeypatch, capsys, sqlite_url, tmp_path) -> None:
    served: list[StationConfig] = []
    monkeypatch.setattr("kiosk.station.server.serve", lambda binding, config: served.append(config))
    args = ["staff", "serve", "--records", sqlite_url, "--allowed-host", "desk.example"]
    assert main([*args, "--allowed-host", "desk.example:8443"]) == 0
    assert served[-1].allowed_hosts == ("desk.example", "desk.example:8443")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("-")
    key.write_text("-")
    tls = ["--host", "0.0.0.0", "--tls-cert", str(cert), "--tls-key", str(key)]  # noqa: S104
    capsys.readouterr()
    assert main(["staff", "serve", "--records", sqlite_url, *tls]) == 2  # no name to answer
    assert "--allowed-host" in capsys.readouterr().err
    assert main(["staff", "serve", "--records", sqlite_url, *tls, "--allowed-host", "desk"]) == 0
    assert served[-1].allowed_hosts == ("desk",)


# -- 4. the sign-in forms are bounded ----------------------------------------------------------


def test_50000_sign_in_forms_keep_the_map_bounded(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    forms = app_station(server).forms
    with httpx.Client(base_url=server.binding.url, timeout=30) as client:
        first = form(client)
        for _ in range(50_000):
            assert client.get("/login").status_code == 200
            assert len(forms) <= MAX_LOGIN_FORMS
        assert len(forms) == MAX_LOGIN_FORMS
        assert first not in forms  # the oldest went first
        client.cookies.clear()
        client.cookies.set("station_login", first)
        data = {"staff_id": "nurse-01", "password": PASSWORD, "csrf": first}
        assert client.post("/login", data=data).status_code == 403
        client.cookies.clear()
        last = form(client)
        data["csrf"] = last
        assert client.post("/login", data=data).status_code == 303
    assert last not in forms  # used once


# -- 5. a staff ID resolves exactly or not at all ----------------------------------------------


def test_an_account_named_unknown_takes_no_malformed_id(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "unknown")
    clock = HandClock()
    base = station(sqlite_url, clock=clock).binding.url
    malformed = ["Unknown", "UNKNOWN", "unknown!", "1234", "-unknown", "unknown\u3000x", "ü", "x"]
    with client_from(base, "127.0.0.1") as client:
        for staff_id in [*malformed, "a" * 40, "facility"]:
            answer = attempt(client, staff_id, PASSWORD)
            if answer.status_code == 429:
                clock.advance(retry_after(answer))
                answer = attempt(client, staff_id, PASSWORD)
            assert answer.status_code == 401, staff_id
    keypad = open_keypad(sqlite_url, clock)
    try:
        assert keypad.check("UNKNOWN", PASSWORD).verdict is Verdict.WRONG
    finally:
        keypad.close()
    assert "login" not in actions(sqlite_url, "unknown")
    assert actions(sqlite_url, NOT_AN_ID).count("login_failed") >= len(malformed)
    assert try_from(base, "127.0.0.2", "unknown", PASSWORD).status_code == 303  # exactly it


# -- 6. polling does not keep a session alive --------------------------------------------------


def test_polling_today_lets_the_session_idle_out(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    clock = HandClock()
    server = station(sqlite_url, clock=clock)
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies.get("station_session")
    try:
        for _ in range(4):  # the 今日 tab refreshing by itself, a minute apart
            clock.advance(60)
            assert client.get("/api/today").status_code == 200
        host = f"127.0.0.1:{server.binding.port}"
        with _ws(server.binding.port, host, "/live", f"station_session={token}") as ws:
            # the page's socket reconnecting is not an action either
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        clock.advance(61)  # five minutes and a second since the last action
        assert client.get("/api/today").status_code == 401
        idle = client.get("/")  # the desk, locked: no sign-in, no CSRF token
        assert idle.status_code == 200 and '"locked": true' in idle.text
        assert '"csrf"' not in idle.text
    finally:
        client.close()

    # a person's action does start the idle time again
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    try:
        clock.advance(240)
        acted = client.post("/api/kiosks/k1/pins", json={}, headers={"X-CSRF-Token": csrf})
        assert acted.status_code == 404  # past the guards: no kiosk k1 has reported
        clock.advance(240)
        assert client.get("/api/today").status_code == 200
        clock.advance(61)
        assert client.get("/api/today").status_code == 401
    finally:
        client.close()


@pytest.mark.postgres
def test_the_waits_on_postgres(postgres_server, station, st) -> None:
    url = postgres_server.new_database()
    st.add_staff(url, "nurse-01")
    clock = HandClock()
    base = station(url, clock=clock).binding.url
    for _ in range(PAIR_BACKOFF.free):
        assert try_from(base, "127.0.0.2", "nurse-01", WRONG).status_code == 401
    waiting = try_from(base, "127.0.0.2", "nurse-01", PASSWORD)
    assert waiting.status_code == 429 and retry_after(waiting) == 1
    assert try_from(base, "127.0.0.3", "unknown!", PASSWORD).status_code == 401
    assert try_from(base, "127.0.0.1", "nurse-01", PASSWORD).status_code == 303
    clock.advance(1)
    assert try_from(base, "127.0.0.2", "nurse-01", PASSWORD).status_code == 303
    assert actions(url, "nurse-01").count("login_failed") == PAIR_BACKOFF.free


# -- the rules themselves ----------------------------------------------------------------------


def test_the_host_rules() -> None:
    from kiosk.station.hosts import served_hosts

    loopback = served_hosts("127.0.0.1", 8470)
    for host in ("127.0.0.1:8470", "localhost:8470", "LOCALHOST:8470", "[::1]:8470"):
        assert loopback.allows(host), host
    for host in ("127.0.0.1", "localhost:8471", "evil.example:8470", "[::1]", "", None, "a:b:c"):
        assert not loopback.allows(host), host
    lan = served_hosts("192.0.2.10", 443, ["desk.example"], secure=True)
    assert lan.allows("192.0.2.10") and lan.allows("192.0.2.10:443")
    assert lan.allows("desk.example") and lan.allows("desk.example:443")
    assert not lan.allows("localhost:443") and not lan.allows("desk.example:8443")
    everywhere = served_hosts("0.0.0.0", 8470, ["desk.example"])  # noqa: S104
    assert not everywhere.allows("0.0.0.0:8470") and everywhere.allows("desk.example:8470")
    unbound = served_hosts(None, None, ["station"])  # no server: its port is not known
    assert unbound.allows("station") and unbound.allows("localhost:1234")
    assert not unbound.allows("evil.example:1234")
