"""A station in another process than the kiosk: the chip photo and the live image travel from
the kiosk's link over the station's authenticated endpoint, only while a page has the call
open, and are never written anywhere (a real browser, a kiosk in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from helpers.desk_page import sign_in_at_desk
from helpers.kiosk_process import KioskProcess, patient_waiting
from helpers.pairing import pair
from kiosk.reception import State
from kiosk.station.records_access import connect as connect_records
from kiosk.station.sealed_media import HELLO, ephemeral, hello_payload
from kiosk.station.uplink import endpoint_ok
from kiosk.station_tables.keys import station_key

REPO = Path(__file__).resolve().parents[2]


def _station_state(server: Any) -> Any:
    return server.server.config.app.state.station


def _watch_requests(url: str) -> int:
    parts = connect_records(url)
    try:
        rows = parts.db.execute("SELECT COUNT(*) FROM station_commands WHERE kind = 'watch'")
        return int(rows[0][0])
    finally:
        parts.db.close()


def test_images_reach_a_station_in_another_process_and_nothing_is_kept(
    browser, browser_profile, sqlite_url, station, tmp_path, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    desk = _station_state(server)
    pair(sqlite_url, "far-1")
    kiosk = KioskProcess(sqlite_url, "far-1")
    try:
        kiosk.expect("ready")
        page = browser.new_page()
        sign_in_at_desk(page, server.binding.url, "nurse-01")
        kiosk.send("place")
        kiosk.send("call_staff")
        kiosk.expect(f"state {State.STAFF_WAIT.value}")
        page.wait_for_selector("li.call.open", timeout=30_000)
        assert "far-1" in page.inner_text("li.call.open")
        page.wait_for_selector("img#chip-photo", timeout=60_000)
        page.wait_for_selector("img#live-image", timeout=60_000)
        for image in ("#chip-photo", "#live-image"):
            size = page.eval_on_selector(image, "i => [i.naturalWidth, i.naturalHeight]")
            assert size[0] > 50 and size[1] > 50
        assert page.eval_on_selector("#live-image", "i => i.naturalWidth") <= 320
        page.wait_for_function(
            "document.getElementById('holder-name').textContent.includes('架空')",
            timeout=30_000,
        )
        assert "far-1" in desk.relay.uplinks  # they came over the kiosk's own connection
        assert _watch_requests(sqlite_url) >= 1
        first = desk.media.get("far-1").frame_no
        st.wait_for(  # the live image keeps coming, a few a second
            lambda: desk.media.get("far-1").frame_no >= first + 3, what="more live frames"
        )

        page.click("#confirm-ok")
        kiosk.expect(f"state {State.CONSENT.value}")  # the patient's screen moved on
        st.wait_for(lambda: page.locator("img").count() == 0, what="the images to leave the page")
        st.wait_for(lambda: "far-1" not in desk.relay.uplinks, what="the kiosk to hang up")
        assert desk.media.get("far-1") is None  # dropped from the station's memory
        page.close()
    finally:
        assert kiosk.stop() == 0
        browser.close()  # chromium has written all it ever will

    home = Path(os.environ["KIOSK_HOME"])
    scan = subprocess.run(
        [sys.executable, "-m", "kiosk.forensics", str(home), str(browser_profile), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert scan.returncode == 0, scan.stdout + scan.stderr
    records = tmp_path / "records.db"
    assert b"\xff\xd8\xff" not in records.read_bytes()  # no JPEG in the database


def test_no_images_without_a_page_and_none_without_the_kiosks_key(
    sqlite_url, station, st, tmp_path
) -> None:
    server = station(sqlite_url)
    desk = _station_state(server)
    with patient_waiting(sqlite_url, "far-2"):
        st.wait_for(lambda: desk.snapshot.get("calls"), what="the call to reach the station")
        assert desk.relay.uplinks == {} and desk.media.get("far-2") is None  # no page: nothing sent
        assert _watch_requests(sqlite_url) == 0

    endpoint = server.binding.url.replace("http://", "ws://") + "kiosk-media"
    someone = station_key(tmp_path / "not-far-2.key")  # not the key enrolled for far-2
    with connect(endpoint) as ws:
        challenge = json.loads(ws.recv(timeout=10))["challenge"]
        hello = hello_payload(challenge, "far-2", "r", endpoint, ephemeral()[1])
        ws.send(json.dumps({"type": "hello", **hello, "signature": someone.sign(HELLO, hello)}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003
    assert desk.media.get("far-2") is None


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("ws://127.0.0.1:8470/kiosk-media", True),
        ("ws://localhost:8470/kiosk-media", True),
        ("wss://desk.clinic.example:8470/kiosk-media", True),
        ("ws://192.0.2.7:8470/kiosk-media", False),  # images in the clear on a network
        ("http://127.0.0.1:8470/kiosk-media", False),
        ("ws://127.0.0.1:8470/elsewhere", False),
    ],
)
def test_a_kiosk_sends_images_only_to_a_station_endpoint_off_loopback_over_tls(
    url: str, ok: bool
) -> None:
    assert endpoint_ok(url) is ok
