"""Face attempts spent, at the desk in a real browser. A face-only card: the kiosk calls by
itself, nobody at the kiosk presses anything, the call says why, 本人確認OK is enabled at once
and the patient's screen moves on. A card whose PIN is still usable: the desk is told the
patient can go on with the PIN, and can confirm once the patient presses 職員を呼ぶ."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.desk_page import sign_in_at_desk
from kiosk.reception import State
from kiosk.reception.events import Event

SHOTS = Path("/tmp/shots-desk")


def _face_failed_with_the_desk_open(
    browser, sqlite_url, station, kiosks, st, *, card: str, attempts: int
) -> tuple[Any, Any]:
    """A signed-in desk, and a kiosk whose patient's first face check failed (no-match)."""
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    kiosk = kiosks(sqlite_url, "reception-5", card=card, settings={"face_attempts": attempts})
    page = browser.new_page()
    sign_in_at_desk(page, server.binding.url, "nurse-01")
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CHOOSE_FACE)
    assert kiosk.send(Event.LOOK_AT_CAMERA) == State.FACE_FAILED  # the camera says no-match
    return kiosk, page


def test_the_desk_confirms_a_face_only_card_the_kiosk_called_for_by_itself(
    browser, sqlite_url, station, kiosks, st
) -> None:
    kiosk, page = _face_failed_with_the_desk_open(
        browser, sqlite_url, station, kiosks, st, card="virtual:face-only", attempts=2
    )
    kiosk.send(Event.RETRY_FACE)
    assert kiosk.send(Event.LOOK_AT_CAMERA) == State.STAFF_WAIT  # the kiosk's own doing

    page.wait_for_selector("li.call.open", timeout=30_000)
    assert "顔認証マイナンバーカード" in page.inner_text("li.call.open .reason")
    page.wait_for_selector("#confirm-ok:not([disabled])", timeout=30_000)
    page.click("#confirm-ok")
    st.wait_for(lambda: kiosk.flow.state == State.CONSENT, what="the patient's screen to move on")
    assert kiosk.flow.visit.method.value == "visual"
    assert kiosk.flow.visit.staff_id == "nurse-01"
    page.close()


def test_a_card_with_a_usable_pin_says_at_the_desk_what_the_patient_can_still_do(
    browser, sqlite_url, station, kiosks, st
) -> None:
    kiosk, page = _face_failed_with_the_desk_open(
        browser, sqlite_url, station, kiosks, st, card="virtual:standard", attempts=1
    )  # the one face attempt spent; the PIN is left
    page.wait_for_selector("li.call.open", timeout=30_000)
    page.click("li.call.open")
    note = page.inner_text("#view-message", timeout=30_000)
    assert "暗証番号で続ける" in note and "職員を呼ぶ" in note
    assert page.is_disabled("#confirm-ok")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "face-failed-pin-left.png"))

    assert kiosk.send(Event.CALL_STAFF) == State.STAFF_WAIT  # the patient asks for staff
    page.wait_for_selector("#confirm-ok:not([disabled])", timeout=30_000)
    page.click("#confirm-ok")
    st.wait_for(lambda: kiosk.flow.state == State.CONSENT, what="the patient's screen to move on")
    page.close()
