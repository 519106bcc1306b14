"""The desk in a real browser when the eligibility service fails and when a name arrives with
●: the call says why and what to do; today's list shows the name as the service sent it."""

from __future__ import annotations

from pathlib import Path

from helpers.desk_page import sign_in_at_desk
from kiosk.reception import State
from kiosk.reception.events import Event


def test_the_desk_shows_why_a_check_failed_and_a_maru_name(
    browser, sqlite_url, station, kiosks, tmp_path, st
) -> None:
    st.add_staff(sqlite_url, "nurse-02")
    server = station(sqlite_url)
    failing = kiosks(
        sqlite_url,
        "reception-3",
        card="virtual:standard",
        settings={"eligibility_fault": "refused"},
    )
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-02", st.PASSWORD)
    failing.send(Event.CARD_PLACED)
    failing.send(Event.CHOOSE_PIN)
    assert failing.send(Event.PIN_ENTERED, "1234") == State.CARD_ERROR
    page.wait_for_selector("li.call.open", timeout=30_000)
    assert "接続できませんでした" in page.inner_text("li.call.open .reason")
    page.click("li.call.open")
    page.wait_for_selector("#call-todo", timeout=30_000)
    assert "資格確認端末の回線" in page.inner_text("#call-todo")
    page.screenshot(path=str(Path(tmp_path) / "station-eligibility-refused_ja.png"))

    maru = kiosks(sqlite_url, "reception-4", card="virtual:maru-kanji")
    maru.send(Event.CARD_PLACED)
    maru.send(Event.CHOOSE_PIN)
    maru.send(Event.PIN_ENTERED, "1234")
    for event, answer in ((Event.CONSENT, True), (Event.CONSENT, True), (Event.HIGH_COST, False)):
        maru.send(event, answer)
    assert maru.flow.state == State.DONE
    page.click("#tab-today")
    page.locator("#today-table", has_text="●田　花子").wait_for(timeout=30_000)
    today = page.inner_text("#today")
    assert "接続できませんでした（接続拒否）" in today  # the failed check says how, here too
    page.screenshot(path=str(Path(tmp_path) / "station-today-maru_ja.png"))
    page.close()
