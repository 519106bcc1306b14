"""Staff accounts and the station's doors: password rules, waits after failures with audit
records, CSRF, cookies, idle logout, a second login, bad addresses, the database down (the
waits in full, the Host check and the bounded forms: test_hardening.py)."""

from __future__ import annotations

import io
import socket
import sqlite3
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kiosk.cli import main
from kiosk.records.store import RecordStore
from kiosk.station.server import Binding, StationError, check_binding
from kiosk.station_tables.staff_accounts import PAIR_BACKOFF, password_problem

PASSWORD = "correct horse battery"


def _add(monkeypatch, url: str, staff_id: str, password: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["staff", "add", staff_id, "--password-from-stdin", "--records", url])


@pytest.mark.parametrize(
    "password",
    ["short pw", " " * 12, "aaaaaaaaaaaa", "password123", "1234567890", "QwertyUiop"],
)
def test_weak_passwords_are_refused(monkeypatch, capsys, sqlite_url, password) -> None:
    assert _add(monkeypatch, sqlite_url, "nurse-01", password) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    if password.strip():
        assert password not in err  # the refusal never repeats the password
    assert password_problem(password) is not None


def test_staff_add_keeps_only_a_hash(monkeypatch, capsys, sqlite_url, tmp_path) -> None:
    assert _add(monkeypatch, sqlite_url, "nurse-01", PASSWORD) == 0
    assert _add(monkeypatch, sqlite_url, "nurse-01", PASSWORD) == 2  # exists already
    assert _add(monkeypatch, sqlite_url, "1234", PASSWORD) == 2  # not a staff ID
    stored = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    (hashed,) = stored.execute("SELECT password_hash FROM staff_accounts").fetchone()
    assert hashed.startswith("scrypt$") and PASSWORD not in hashed
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes()


def _post_login(client: httpx.Client, st, staff_id: str, password: str) -> httpx.Response:
    nonce = st.login_form(client)
    return client.post("/login", data={"staff_id": staff_id, "password": password, "csrf": nonce})


def _staff_events(url: str) -> list[tuple[str, str]]:
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        return [
            (str(r.body.get("staff_id")), str(r.body["detail"].get("action")))
            for r in store.records(kind="event")
            if r.body.get("event") == "staff"
        ]


def test_failures_slow_an_address_down_and_are_audited(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    now = datetime.now(UTC)
    server = station(sqlite_url, clock=lambda: now)  # the station's time stands still
    with httpx.Client(base_url=server.binding.url, timeout=30) as client:
        for _ in range(PAIR_BACKOFF.free):
            assert _post_login(client, st, "nurse-01", "wrong password!").status_code == 401
        waiting = _post_login(client, st, "nurse-01", PASSWORD)
        assert waiting.status_code == 429  # within the wait even the right password is not tried
        assert int(waiting.headers["retry-after"]) > 0
        assert "後にもう一度お試しください" in waiting.text
    actions = [a for who, a in _staff_events(sqlite_url) if who == "nurse-01"]
    assert actions.count("login_failed") == PAIR_BACKOFF.free
    assert "login_throttled" in actions and "login" not in actions


def test_cookies_csrf_and_replayed_forms(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    base = server.binding.url
    with httpx.Client(base_url=base, timeout=30) as client:
        nonce = st.login_form(client)
        form = {"staff_id": "nurse-01", "password": PASSWORD, "csrf": nonce}
        good = client.post("/login", data=form)
        assert good.status_code == 303
        cookie = good.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        # the same form again (a replay) is refused
        client.cookies.set("station_login", nonce)
        assert client.post("/login", data=form).status_code == 403
    with httpx.Client(base_url=base, timeout=30) as bare:  # a forged form: no cookie
        nonce = st.login_form(bare)
        bare.cookies.clear()
        forged = bare.post(
            "/login", data={"staff_id": "nurse-01", "password": PASSWORD, "csrf": nonce}
        )
        assert forged.status_code == 403
    client, csrf = st.sign_in(base, "nurse-01")
    try:
        no_token = client.post("/api/kiosks/k1/pins", json={})
        assert no_token.status_code == 403
        wrong_origin = client.post(
            "/api/kiosks/k1/pins",
            json={},
            headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"},
        )
        assert wrong_origin.status_code == 403
        host = base.split("://", 1)[1].rstrip("/")
        other_scheme = client.post(  # the same host over https is another origin
            "/api/kiosks/k1/pins",
            json={},
            headers={"X-CSRF-Token": csrf, "Origin": f"https://{host}"},
        )
        assert other_scheme.status_code == 403
        same = client.post(
            "/api/kiosks/k1/pins",
            json={},
            headers={"X-CSRF-Token": csrf, "Origin": f"http://{host}"},
        )
        assert same.status_code == 404  # past the guards
        ok = client.post("/api/kiosks/k1/pins", json={}, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 404  # past the guards: no kiosk k1 has reported
        assert client.get("/").headers["cache-control"] == "no-store"
    finally:
        client.close()


def test_idle_logout_and_second_login(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    first, _ = st.sign_in(server.binding.url, "nurse-01")
    second, _ = st.sign_in(server.binding.url, "nurse-01")  # the same account elsewhere
    ended = first.get("/")
    assert ended.status_code == 303
    assert ended.headers["location"] == "/login?expired=signed_in_elsewhere"
    assert second.get("/").status_code == 200
    old = (datetime.now(UTC) - timedelta(minutes=6)).isoformat(timespec="microseconds")
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE staff_sessions SET seen_at = ? WHERE ended_at IS NULL", (old,))
    idle = second.get("/")  # the desk locks: it hears the calls, acts on nothing, shows nobody
    assert idle.status_code == 200 and '"locked": true' in idle.text
    assert '"csrf"' not in idle.text
    assert second.post("/api/kiosks/k1/pins", json={}).status_code == 401
    assert ended.status_code == 303  # a session ended elsewhere is not locked: it signs in
    assert first.get("/").headers["location"] == "/login?expired=signed_in_elsewhere"
    assert "一定時間" in second.get("/login?expired=idle").text
    first.close()
    second.close()


def test_lan_address_needs_tls(capsys, tmp_path) -> None:
    with pytest.raises(StationError, match="without TLS"):
        check_binding(Binding("192.0.2.10", 8470))
    assert check_binding(Binding("127.0.0.1", 8470)).url == "http://127.0.0.1:8470/"
    assert main(["staff", "serve", "--host", "0.0.0.0"]) == 2  # noqa: S104 - refused
    err = capsys.readouterr().err
    assert "TLS" in err and err.count("\n") == 1


def test_the_station_says_when_the_database_is_down(station, st) -> None:
    with socket.socket() as sock:  # a port where no database listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = station(f"postgresql://kiosk@127.0.0.1:{port}/records")
    with httpx.Client(base_url=server.binding.url, timeout=60) as client:
        assert client.get("/health").status_code == 503
        answer = _post_login(client, st, "nurse-01", PASSWORD)
        assert answer.status_code == 503
        assert "記録データベースに接続できません" in answer.text
