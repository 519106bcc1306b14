"""A call answered at the kiosk itself (its staff keypad or console) shows as answered at
the desk at once, by whom and how, not only when the reception ends."""

from __future__ import annotations

from typing import Any

from kiosk.reception import State
from kiosk.reception.events import Event, StaffAnswer, StaffMode
from kiosk.station_tables.calls import CallStatus


def _calls(kiosk: Any) -> list[Any]:
    return kiosk.board.calls()


def _waiting_for_staff(kiosks: Any, url: str, kiosk_id: str, st: Any) -> Any:
    kiosk = kiosks(url, kiosk_id)
    credential = kiosk.link.staff.mint()
    kiosk.send(Event.STAFF_MODE, StaffMode(True, credential, "nurse-07"))
    kiosk.send(Event.CARD_PLACED)
    assert kiosk.send(Event.CALL_STAFF) == State.STAFF_WAIT
    st.wait_for(
        lambda: [c for c in _calls(kiosk) if c.status is CallStatus.OPEN], what="the open call"
    )
    return kiosk


def test_confirming_at_the_kiosk_answers_the_call_while_the_visit_goes_on(
    sqlite_url, kiosks, st
) -> None:
    kiosk = _waiting_for_staff(kiosks, sqlite_url, "reception-5", st)
    assert kiosk.send(Event.STAFF_CONFIRM, StaffAnswer(True, "nurse-07")) == State.CONSENT
    call = st.wait_for(
        lambda: next((c for c in _calls(kiosk) if c.status is CallStatus.ANSWERED), None),
        what="the call answered at the kiosk",
    )
    assert (call.answered_by, call.decision) == ("nurse-07", "ok")
    assert kiosk.flow.state == State.CONSENT  # the reception is still going on
    assert not kiosk.board.pending("reception-5")  # nothing was sent back to the kiosk


def test_refusing_at_the_kiosk_answers_the_call_as_refused(sqlite_url, kiosks, st) -> None:
    kiosk = _waiting_for_staff(kiosks, sqlite_url, "reception-6", st)
    assert kiosk.send(Event.STAFF_CONFIRM, StaffAnswer(False, "nurse-07")) == State.CANCELLED
    call = st.wait_for(
        lambda: next((c for c in _calls(kiosk) if c.status is not CallStatus.OPEN), None),
        what="the call to close",
    )
    assert (call.status, call.answered_by, call.decision) == (
        CallStatus.ANSWERED,
        "nurse-07",
        "refused",
    )
