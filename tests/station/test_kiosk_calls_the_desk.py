"""When only the staff can go on, the kiosk calls the desk itself and waits for it, so the
desk can answer at once: a face-only card whose face attempts are spent reaches staff-wait
with nobody pressing anything, its call says why, and 本人確認OK from the station is
accepted there (the kiosk unattended: the station's answer switches it to 目視確認 first). An
insurance that is not valid calls the desk with its own reason."""

from __future__ import annotations

from typing import Any

from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.simcard.deck import get_profile
from kiosk.station_tables.calls import CallReason, CallStatus


def _open(kiosk: Any) -> list[Any]:
    return [c for c in kiosk.board.calls() if c.status is CallStatus.OPEN]


def test_face_attempts_spent_on_a_face_only_card_the_desk_confirms_at_once(
    sqlite_url, station, kiosks, st
) -> None:
    st.add_staff(sqlite_url, "nurse-01")
    server = station(sqlite_url)
    kiosk = kiosks(
        sqlite_url, "reception-4", card="virtual:face-only", settings={"face_attempts": 2}
    )
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CHOOSE_FACE)
    assert kiosk.send(Event.LOOK_AT_CAMERA) == State.FACE_FAILED  # the camera says no-match
    kiosk.send(Event.RETRY_FACE)
    assert kiosk.send(Event.LOOK_AT_CAMERA) == State.STAFF_WAIT  # no patient action
    assert not kiosk.flow.visit.staff_visual  # the kiosk is still unattended
    calls = st.wait_for(lambda: _open(kiosk), what="the kiosk's own call")
    assert [c.reason for c in calls] == [CallReason.FACE_ONLY]
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    try:
        answer = st.wait_for(
            lambda: _accepted(client, csrf, calls[0].id), what="the desk's answer accepted"
        )
        assert answer.json().get("result") != "not_waiting"
    finally:
        client.close()
    st.wait_for(lambda: kiosk.flow.state == State.CONSENT, what="本人確認OK to go on")
    assert kiosk.flow.visit.method.value == "visual"
    assert kiosk.flow.visit.staff_id == "nurse-01"


def _accepted(client: Any, csrf: str, call_id: str) -> Any:
    """The answer, once the station takes it (the kiosk's waiting may not be reported yet)."""
    reply = client.post(
        f"/api/calls/{call_id}/answer", json={"ok": True}, headers={"X-CSRF-Token": csrf}
    )
    return reply if reply.status_code == 200 else None


def test_an_invalid_insurance_calls_the_desk_until_the_card_is_taken(
    sqlite_url, kiosks, st
) -> None:
    kiosk = kiosks(sqlite_url, "reception-9", card="virtual:qualification-invalid")
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CHOOSE_PIN)
    pin = get_profile("qualification-invalid").auth_pin
    assert kiosk.send(Event.PIN_ENTERED, pin) == State.DONE
    calls = st.wait_for(lambda: _open(kiosk), what="the not-qualified call")
    assert [c.reason for c in calls] == [CallReason.NOT_QUALIFIED]
    kiosk.services.remove_card()
    assert kiosk.send(Event.CARD_REMOVED) == State.START
    st.wait_for(lambda: not _open(kiosk), what="the call to end with the card taken")
