"""The desk through a clinic day, in a real browser (Debian's chromium, headless): a desk left
alone locks but still counts and chimes the calls, a call one nurse takes shows 対応中 on
every desk, a call that is not about identity says what to do and closes with 対応しました,
and 確認できない needs a second, deliberate click."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers.clock import HandClock
from helpers.desk_page import PASSWORD, sign_in_at_desk
from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.station.holder import age_on
from kiosk.station_tables.calls import CallReason, CallStatus

SHOTS = Path("/tmp/shots-desk")
WAIT = 30_000


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_a_locked_desk_still_counts_and_chimes_a_call(
    browser, sqlite_url, station, kiosks, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    clock = HandClock()
    server = station(sqlite_url, clock=clock)
    kiosk = kiosks(sqlite_url, "reception-1")
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01")
    page.wait_for_function(
        "() => document.getElementById('kiosks').textContent.includes('reception-1')", timeout=WAIT
    )

    clock.advance(6 * 60)  # nobody touched the desk for six minutes
    page.wait_for_selector("body.locked #lock", timeout=WAIT)
    assert page.url.rstrip("/") == server.binding.url.rstrip("/")  # not sent to the sign-in
    assert page.locator("#calls li, #view *, #kiosks *").count() == 0  # no patient data left
    assert not page.title().startswith("(")
    alerts = page.evaluate("window.stationAlerts")

    kiosk.send(Event.CARD_PLACED)
    assert kiosk.send(Event.CALL_STAFF) == State.STAFF_WAIT  # the patient presses 職員を呼ぶ
    page.wait_for_function("() => document.title.startsWith('(1)')", timeout=WAIT)
    assert page.evaluate("window.stationAlerts") > alerts  # the chime
    assert "1" in page.inner_text("#badge")
    assert "reception-1" in page.inner_text("#lock-calls")
    assert page.locator("#chip-photo, #holder-name").count() == 0
    _shot(page, "desk-locked-with-a-call_ja.png")

    page.reload()  # a locked desk reloaded stays locked and still counts
    page.wait_for_selector("body.locked #lock", timeout=WAIT)
    page.wait_for_function("() => document.title.startsWith('(1)')", timeout=WAIT)
    answer = page.request.post(f"{server.binding.url}api/kiosks/reception-1/pins", data="{}")
    assert answer.status == 401  # acting needs a sign-in

    page.fill("#unlock-password", "not the password")
    page.click("#unlock")
    page.wait_for_function(
        "() => document.getElementById('unlock-message').textContent.length > 0", timeout=WAIT
    )
    assert page.locator("body.locked").count() == 1
    page.fill("#unlock-password", PASSWORD)
    page.click("#unlock")  # the sign-in is the touch the browser needs for sound
    page.wait_for_selector("body:not(.locked) li.call.open", timeout=WAIT)
    page.wait_for_function("() => window.stationSound === 'on'", timeout=WAIT)
    assert "オン" in page.inner_text("#sound")  # the sound's state is on its button
    page.wait_for_selector("#confirm-ok:not([disabled])", timeout=WAIT)  # the call opened
    page.click("#sound")
    assert page.evaluate("window.stationSound") == "off" and "オフ" in page.inner_text("#sound")


def test_two_desks_see_who_took_a_call_and_a_refusal_needs_a_second_click(
    browser, sqlite_url, station, kiosks, st
) -> None:
    for staff in ("nurse-01", "nurse-02"):
        st.add_staff(sqlite_url, staff)
    server = station(sqlite_url)
    kiosk = kiosks(sqlite_url, "reception-2")
    first, second = browser.new_page(), browser.new_page()
    sign_in_at_desk(first, server.binding.url, "nurse-01")
    other_desk = server.binding.url.replace("127.0.0.1", "localhost")  # a cookie jar of its own
    sign_in_at_desk(second, other_desk, "nurse-02")
    for page in (first, second):  # the sign-in's click lets the page play sound: it is on
        page.wait_for_function("() => window.stationSound === 'on'", timeout=WAIT)
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CALL_STAFF)
    for page in (first, second):  # the new call opens by itself on both desks
        page.wait_for_selector("#take", timeout=WAIT)
        assert "待ち" in page.inner_text("li.call.open .waited")

    first.click("#take")
    for page in (first, second):
        page.wait_for_function(
            "() => document.querySelector('li.call.open .status').textContent.includes('nurse-01')",
            timeout=WAIT,
        )
        assert "対応中（nurse-01）" in page.inner_text("li.call.open .status")
    second.wait_for_selector("#taken-by", timeout=WAIT)
    assert "対応中（nurse-01）" in second.inner_text("#taken-by")
    assert [c.taken_by for c in kiosk.board.calls()] == ["nurse-01"]
    _shot(second, "desk-taken-by-another_ja.png")

    first.wait_for_selector("#confirm-ng:not([disabled])", timeout=WAIT)
    first.click("#confirm-ng")  # one click only asks
    first.wait_for_selector("#refuse-sure", timeout=WAIT)
    assert kiosk.flow.state == State.STAFF_WAIT
    assert "中止" in first.inner_text("#refusal")
    _shot(first, "desk-refusal-confirm_ja.png")
    first.click("#refuse-back")
    first.wait_for_selector("#confirm-ng:not([disabled])", timeout=WAIT)
    assert kiosk.flow.state == State.STAFF_WAIT
    first.click("#confirm-ng")
    first.click("#refuse-sure")  # the second, deliberate click sends it
    st.wait_for(lambda: kiosk.flow.state == State.CANCELLED, what="確認できない to cancel")
    second.wait_for_selector("li.call.answered", timeout=WAIT)


def test_a_call_not_about_identity_says_what_to_do_and_closes_with_handled(
    browser, sqlite_url, station, kiosks, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    earlier = kiosks(sqlite_url, "reception-3", card="virtual:not-my-number")
    kiosk = kiosks(sqlite_url, "reception-4", card="virtual:revoked-certificate")
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01")

    assert earlier.send(Event.CARD_PLACED) == State.CARD_ERROR
    earlier.send(Event.CALL_STAFF)
    page.wait_for_selector("#handled:not([disabled])", timeout=WAIT)
    page.click("#handled")
    page.wait_for_selector("li.call.answered", timeout=WAIT)

    assert kiosk.send(Event.CARD_PLACED) == State.CARD_ERROR  # 006
    assert kiosk.send(Event.CALL_STAFF) == State.CARD_ERROR  # 職員を呼ぶ on the error screen
    page.wait_for_selector("li.call.open[data-kiosk='reception-4']", timeout=WAIT)
    page.wait_for_function(
        "() => document.querySelector('#view h2').textContent.includes('reception-4')", timeout=WAIT
    )  # the new call opened by itself: the one in view was over
    calls = page.locator("ol#calls li.call")  # waiting on top, finished below
    assert calls.nth(0).get_attribute("data-kiosk") == "reception-4"
    assert calls.nth(1).get_attribute("data-kiosk") == "reception-3"
    assert "終了画面" in page.inner_text("#call-reason")
    detail = page.inner_text("#call-detail")
    assert "006" in detail and "電子証明書" in detail  # the code and its plain reason
    assert "キオスク" in page.inner_text("#call-todo")  # what to do
    assert page.locator("#chip-photo, #confirm-ok, #holder-name").count() == 0  # no 目視 panel
    assert "1" in page.inner_text("#badge")
    _shot(page, "desk-task-006_ja.png")

    page.click("#handled")  # 対応しました
    page.wait_for_selector("li.call.answered[data-kiosk='reception-4']", timeout=WAIT)
    assert "nurse-01" in page.inner_text("#view-message")
    page.wait_for_function("() => !document.title.startsWith('(')", timeout=WAIT)
    assert page.locator("#badge").is_hidden()
    closed = [c for c in kiosk.board.calls() if c.kiosk_id == "reception-4"]
    assert [(c.status, c.decision, c.answered_by) for c in closed] == [
        (CallStatus.ANSWERED, "handled", "nurse-01")
    ]
    assert closed[0].reason is CallReason.HELP and closed[0].detail["code"] == "006"


def test_the_birth_date_is_in_the_japanese_era_with_the_age(
    browser, sqlite_url, station, kiosks, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    kiosk = kiosks(sqlite_url, "reception-5")
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01")
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CALL_STAFF)
    page.wait_for_function(
        "() => document.getElementById('holder-birth') &&"
        " document.getElementById('holder-birth').textContent.includes('昭和')",
        timeout=WAIT,
    )
    age = age_on(date(1968, 9, 12), date.today())
    assert page.inner_text("#holder-birth") == f"昭和43年9月12日（{age}歳）"
    page.click("a[data-lang='en']")
    page.wait_for_function(
        "() => document.getElementById('holder-birth') &&"
        " document.getElementById('holder-birth').textContent.includes('Showa')",
        timeout=WAIT,
    )
    assert page.inner_text("#holder-birth") == f"1968-09-12 (Showa 43), age {age}"
