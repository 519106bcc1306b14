"""The staff station in a real browser (Debian's chromium, headless): a patient presses
職員を呼ぶ, the desk is alerted, compares the chip photo with the live image, confirms, and
the patient's screen moves on; afterwards nothing of the face or the password is on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.desk_page import PASSWORD, sign_in_at_desk
from kiosk.reception import State
from kiosk.reception.events import Event

SCREENSHOTS = Path(__file__).resolve().parents[2] / "assets" / "screenshots"


def test_call_alert_visual_check_and_confirm_in_a_real_browser(
    browser, browser_profile, sqlite_url, station, kiosks, tmp_path, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    kiosk = kiosks(sqlite_url, "reception-1")
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01")
    assert page.locator("li.call").count() == 0

    kiosk.send(Event.CARD_PLACED)
    assert kiosk.send(Event.CALL_STAFF) == State.STAFF_WAIT  # the patient presses 職員を呼ぶ

    page.wait_for_selector("li.call.open", timeout=30_000)
    assert "reception-1" in page.inner_text("li.call.open")
    assert "暗証番号" in page.inner_text("li.call.open .reason")  # the reason in words
    assert page.evaluate("window.stationAlerts") >= 1  # the chime was played
    assert "1" in page.inner_text("#badge")
    page.wait_for_selector("img#chip-photo", timeout=30_000)
    page.wait_for_selector("img#live-image", timeout=30_000)
    for image in ("#chip-photo", "#live-image"):
        size = page.eval_on_selector(image, "i => [i.naturalWidth, i.naturalHeight]")
        assert size[0] > 50 and size[1] > 50
    page.wait_for_function(
        "document.getElementById('holder-name').textContent.includes('架空')", timeout=30_000
    )
    assert "昭和43年9月12日" in page.inner_text("#holder-birth")  # as the patient says it
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "station-visual-check_ja.png"))

    page.click("#confirm-ok")
    st.wait_for(lambda: kiosk.flow.state == State.CONSENT, what="the patient's screen to move on")
    assert kiosk.flow.visit.staff_id == "nurse-01"  # recorded with the staff member's ID
    page.wait_for_selector("#view-message")
    assert "nurse-01" in page.inner_text("#view-message")
    # the view is gone with the wait: no image stays on the page
    page.wait_for_function("!document.querySelector('img#live-image')", timeout=30_000)

    # the staff member's language is theirs, not the patient's
    page.click("a[data-lang='en']")
    page.wait_for_selector("#calls")
    assert page.inner_text("#tab-today") == "Today"
    page.click("#tab-kiosks")
    page.screenshot(path=str(SCREENSHOTS / "station-kiosks_en.png"))
    page.click("#tab-pins")
    assert "user-authentication PIN" in page.inner_text("#pins")
    page.close()
    kiosk.stop()

    # nothing of the face or the password was left on disk
    home = Path(os.environ["KIOSK_HOME"])
    scan = subprocess.run(
        [sys.executable, "-m", "kiosk.forensics", str(home), str(browser_profile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert scan.returncode == 0, scan.stdout + scan.stderr
    for root in (home, browser_profile, tmp_path):
        for path in root.rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes(), path


def test_second_answer_is_told_the_first_won(browser, sqlite_url, station, kiosks, st) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    st.add_staff(sqlite_url, "nurse-02")
    server = station(sqlite_url)
    kiosk = kiosks(sqlite_url, "reception-2", card="virtual:face-only")
    first = browser.new_page()
    sign_in_at_desk(first, server.binding.url, "nurse-01")
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CALL_STAFF)
    first.wait_for_selector("li.call.open", timeout=30_000)
    assert "顔認証マイナンバーカード" in first.inner_text("li.call.open .reason")
    first.wait_for_selector("#confirm-ok:not([disabled])", timeout=30_000)
    other, csrf = st.sign_in(server.binding.url, "nurse-02")  # another desk
    call_id = first.get_attribute("li.call.open", "id").removeprefix("call-")
    first.click("#confirm-ng")  # nurse-01 answers first (a second click confirms it)
    first.click("#refuse-sure")
    st.wait_for(lambda: kiosk.flow.state == State.CANCELLED, what="確認できない to cancel")
    late = other.post(
        f"/api/calls/{call_id}/answer", json={"ok": True}, headers={"X-CSRF-Token": csrf}
    )
    assert late.status_code == 409
    assert late.json() == {"result": "taken", "by": "nurse-01"}  # the second is told
    assert kiosk.flow.visit.method is None
    other.close()


def test_a_kiosk_that_disappears_mid_call_shows_disconnected(
    browser, sqlite_url, station, kiosks, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url, stale_after_s=2.0)
    kiosk = kiosks(sqlite_url, "reception-3", heartbeat_s=0.5)
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01")
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CALL_STAFF)
    page.wait_for_selector("li.call.open", timeout=30_000)
    kiosk.link.stop()  # the kiosk goes away: no heartbeat any more
    page.wait_for_selector("li.call.disconnected", timeout=30_000)
    assert "切断" in page.inner_text("li.call.disconnected")
    page.screenshot(path=str(SCREENSHOTS / "station-disconnected_ja.png"))


def test_the_tabs_can_be_pressed_only_once_the_desk_script_runs(
    browser, sqlite_url, station, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    page = browser.new_page()
    held: list = []  # a slow network: the page's HTML has come, its script not yet
    page.route("**/static/station.js", lambda route: held.append(route))
    page.goto(server.binding.url)
    page.fill("#staff_id", "nurse-01")
    page.fill("#password", PASSWORD)
    page.click("#login")
    page.wait_for_selector("#calls")
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(100)
    assert page.is_disabled("#tab-kiosks")  # a press now would be lost: it cannot be made
    held[0].continue_()
    page.click("#tab-kiosks", timeout=60_000)  # as soon as the script made it pressable
    page.wait_for_selector("#page-kiosks:not([hidden])", timeout=60_000)
    page.close()
