"""The station's HTTP surface: the security headers on every response (static files, the
health check, 404, 405 and errors too), and bodies or messages that are not JSON, or JSON
nested too deep to read, refused with 400 (or the socket closed), never a server error."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from kiosk.station.app import StationConfig, create_app
from kiosk.station.web import SECURITY_HEADERS

DEEP = b"[" * 100_000
BAD_BODIES = [
    b"{not json",
    b'{"ok": tru',
    b"\xff\xfe\xfd",
    DEEP,
    DEEP + b"]" * 100_000,  # well-formed, but deeper than any reader goes
    b'{"ok": ' + b'{"a": ' * 100_000,
]
API = [
    "/api/calls/c1/answer",
    "/api/kiosks/k1/mode",
    "/api/kiosks/k1/pins",
    "/api/facility/passcode",
]


def _secured(response: httpx.Response, *, tls: bool = False) -> bool:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name, response.headers)
    assert ("strict-transport-security" in response.headers) is tls, response.headers
    return True


def test_every_response_carries_the_security_headers(sqlite_url, station) -> None:
    server = station(sqlite_url)
    with httpx.Client(base_url=server.binding.url, timeout=30) as client:
        health = client.get("/health")
        assert health.status_code == 200 and health.json() == {"records": True}
        assert _secured(health)
        assert _secured(client.head("/health"))
        for asset in ("/static/station.css", "/static/station.js"):
            static = client.get(asset)
            assert static.status_code == 200 and static.content
            assert _secured(static)
        for missing in ("/nowhere", "/static/nowhere.css", "/api/nowhere"):
            not_found = client.get(missing)
            assert not_found.status_code == 404
            assert _secured(not_found)
        for method, path in (("GET", "/logout"), ("POST", "/health"), ("GET", API[0])):
            wrong = client.request(method, path)
            assert wrong.status_code == 405 and "allow" in wrong.headers
            assert _secured(wrong)
        assert _secured(client.get("/login"))
        signed_out = client.post(API[2], json={})
        assert signed_out.status_code == 401 and _secured(signed_out)


def test_over_tls_every_response_also_asks_for_tls(sqlite_url, station) -> None:
    server = station(sqlite_url, secure=True)  # as if behind TLS: only the headers differ here
    with httpx.Client(base_url=server.binding.url, timeout=30) as client:
        for path in ("/health", "/static/station.css", "/nowhere", "/login"):
            assert _secured(client.get(path), tls=True)
        assert _secured(client.post("/health"), tls=True)


def test_an_error_is_answered_500_with_the_security_headers(sqlite_url) -> None:
    app = create_app(StationConfig(sqlite_url, allowed_hosts=("station",)))

    def broken(work):
        raise RuntimeError("a bug")

    app.state.station.records.use = broken

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://station") as client:
            return await client.get("/health")

    answer = asyncio.run(ask())
    assert answer.status_code == 500
    assert "a bug" not in answer.text
    assert _secured(answer)


@pytest.mark.parametrize("path", API)
def test_a_body_that_is_not_json_is_400_never_500(sqlite_url, station, st, path) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    try:
        for body in BAD_BODIES:
            answer = client.post(path, content=body, headers=headers)
            assert answer.status_code == 400, (body[:20], answer.text)
            assert answer.json() == {"error": "bad_json"}
            assert len(answer.content) < 100
            assert _secured(answer)
        # the guards come first: no session, no CSRF token
        assert client.post(path, content=DEEP).status_code == 403
        with httpx.Client(base_url=server.binding.url, timeout=30) as stranger:
            assert stranger.post(path, content=DEEP, headers=headers).status_code == 401
        # JSON that is not an object, or an empty body, is read as no fields (as before)
        for body in (b"[]", b"", b"7"):
            answer = client.post(path, content=body, headers=headers)
            assert answer.status_code in (400, 404), answer.text  # pins: no kiosk k1
            assert answer.json() != {"error": "bad_json"}
        assert client.get("/health").status_code == 200
    finally:
        client.close()


def test_a_page_socket_sent_unreadable_json_just_closes(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    client, _ = st.sign_in(server.binding.url, "nurse-01")
    token = client.cookies.get("station_session")
    client.close()
    endpoint = server.binding.url.replace("http://", "ws://") + "live"
    for message in (DEEP.decode(), "{not json"):
        with connect(endpoint, additional_headers={"Cookie": f"station_session={token}"}) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            ws.send(message)
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv(timeout=10)
            assert closed.value.rcvd is None or closed.value.rcvd.code != 1011
    with httpx.Client(base_url=server.binding.url, timeout=30) as again:
        assert again.get("/health").status_code == 200


def test_a_kiosk_hello_that_is_not_an_object_is_refused(sqlite_url, station) -> None:
    server = station(sqlite_url)
    endpoint = server.binding.url.replace("http://", "ws://") + "kiosk-media"
    for hello in ("[]", '"hello"', DEEP.decode()):
        with connect(endpoint) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "challenge"
            ws.send(hello)
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=10)
            assert closed.value.rcvd is None or closed.value.rcvd.code in (1000, 4003)
