"""施設の設定 at the desk: signed-in staff set the facility's 目視 passcode (4 digits, twice,
with the session's CSRF token); the answer and the page never repeat it, the records keep
only its hash, and a reader's pad then accepts it. In a real browser too."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx

from helpers.desk_page import sign_in_at_desk
from kiosk.records.database import open_database
from kiosk.records.store import RecordStore
from kiosk.station_tables.passcode import FacilityPasscode
from kiosk.station_tables.staff_accounts import LoginResult, StaffAccounts

SHOTS = Path("/tmp/shots-trainer")
PATH = "/api/facility/passcode"


def _staff_audit(url: str) -> list[tuple[str, str]]:
    with RecordStore.open(url, kiosk_id="check", read_only=True) as store:
        return [
            (str(r.body.get("staff_id")), str(r.body["detail"].get("action")))
            for r in store.records(kind="event")
            if r.body.get("event") == "staff"
        ]


def _reader_accepts(url: str, passcode: str) -> bool:
    db = open_database(url)
    try:
        table = FacilityPasscode(db, StaffAccounts(db))
        return table.check(passcode, "kiosk:k1", at=datetime.now(UTC)).result is LoginResult.OK
    finally:
        db.close()


def test_signed_in_staff_set_the_passcode_with_the_csrf_token(sqlite_url, station, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    headers = {"X-CSRF-Token": csrf}
    try:
        assert client.get(PATH).json() == {"set": False}
        good = {"passcode": "4821", "again": "4821"}
        assert client.post(PATH, json=good).status_code == 403  # no CSRF token
        with httpx.Client(base_url=server.binding.url, timeout=30) as stranger:
            assert stranger.post(PATH, json=good, headers=headers).status_code == 401
        for body, error in (
            ({"passcode": "482", "again": "482"}, "passcode_format"),
            ({"passcode": "48a1", "again": "48a1"}, "passcode_format"),
            ({"passcode": 4821, "again": 4821}, "passcode_format"),
            ({"passcode": "4821", "again": "4812"}, "passcode_mismatch"),
        ):
            answer = client.post(PATH, json=body, headers=headers)
            assert (answer.status_code, answer.json()) == (400, {"error": error})
        assert client.get(PATH).json() == {"set": False}  # nothing changed
        answer = client.post(PATH, json=good, headers=headers)
        assert answer.json() == {"result": "set"} and "4821" not in answer.text
        assert client.get(PATH).json() == {"set": True}
    finally:
        client.close()
    assert _reader_accepts(sqlite_url, "4821")
    assert ("nurse-01", "passcode_set") in _staff_audit(sqlite_url)


def test_the_settings_tab_sets_the_passcode_in_a_real_browser(
    browser, sqlite_url, station, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01", st.PASSWORD)
    page.click("#tab-settings")
    page.wait_for_function(
        "() => document.getElementById('passcode-state').textContent.includes('まだ')",
        timeout=30_000,
    )
    page.fill("#passcode", "4821")
    page.fill("#passcode-again", "4812")
    page.click("#passcode-save")
    page.wait_for_function(
        "() => document.getElementById('passcode-message').textContent.includes('違います')",
        timeout=30_000,
    )
    assert page.input_value("#passcode") == ""  # forgotten once sent
    page.fill("#passcode", "4821")
    page.fill("#passcode-again", "4821")
    page.click("#passcode-save")
    page.wait_for_function(
        "() => document.getElementById('passcode-state').textContent.includes('設定されています')",
        timeout=30_000,
    )
    assert "設定しました" in page.inner_text("#passcode-message")
    assert "4821" not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "station-facility-passcode_ja.png"), full_page=True)
    page.click("a[data-lang='en']")
    page.wait_for_selector("#calls")
    page.click("#tab-settings")
    page.wait_for_function(
        "() => document.getElementById('passcode-state').textContent.includes('is set')",
        timeout=30_000,
    )
    page.screenshot(path=str(SHOTS / "station-facility-passcode_en.png"), full_page=True)
    page.close()
    assert _reader_accepts(sqlite_url, "4821")
