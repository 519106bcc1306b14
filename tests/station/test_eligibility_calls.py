"""A failed eligibility check calls the desk by itself, with why; the call ends when the card
is taken."""

from __future__ import annotations

from typing import Any

from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.station_tables.calls import CallReason, CallStatus


def _open(kiosk: Any) -> list[Any]:
    return [c for c in kiosk.board.calls() if c.status is CallStatus.OPEN]


def test_a_service_that_refuses_calls_the_desk_with_the_reason(sqlite_url, kiosks, st) -> None:
    kiosk = kiosks(
        sqlite_url,
        "reception-9",
        card="virtual:standard",
        settings={"eligibility_fault": "refused"},
    )
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CHOOSE_PIN)
    assert kiosk.send(Event.PIN_ENTERED, "1234") == State.CARD_ERROR
    calls = st.wait_for(lambda: _open(kiosk), what="the eligibility call")
    assert [c.reason for c in calls] == [CallReason.ELIGIBILITY_REFUSED]
    kiosk.services.remove_card()
    assert kiosk.send(Event.CARD_REMOVED) == State.START
    st.wait_for(lambda: not _open(kiosk), what="the call to end with the card taken")
