"""The desk hears of a card left on the reader, and of a patient asking for help on an end
screen; both calls end when the card is taken."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiosk.reception import State
from kiosk.reception.clock import ManualClock
from kiosk.reception.events import Event
from kiosk.station_tables.calls import CallReason, CallStatus


def _open(kiosk: Any) -> list[Any]:
    return [c for c in kiosk.board.calls() if c.status is CallStatus.OPEN]


def test_a_card_left_behind_calls_the_desk_until_it_is_taken(sqlite_url, kiosks, st) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    kiosk = kiosks(sqlite_url, "reception-7", card="virtual:standard", clock=clock)
    kiosk.send(Event.CARD_PLACED)
    kiosk.send(Event.CANCEL)
    steps = (kiosk.flow.policy.display_s, kiosk.flow.policy.card_left_alert_s)
    for seconds, expected in zip(steps, (State.TAKE_CARD, State.CARD_LEFT), strict=True):
        assert kiosk.send(Event.TICK) != expected  # not before its time
        clock.advance(seconds + 1)
        assert kiosk.send(Event.TICK) == expected
    calls = st.wait_for(lambda: _open(kiosk), what="the card-left call")
    assert [c.reason for c in calls] == [CallReason.CARD_LEFT]
    kiosk.services.remove_card()
    assert kiosk.send(Event.CARD_REMOVED) == State.START
    st.wait_for(lambda: not _open(kiosk), what="the call to end with the card taken")


def test_call_staff_on_an_error_screen_reaches_the_desk(sqlite_url, kiosks, st) -> None:
    kiosk = kiosks(sqlite_url, "reception-8", card="virtual:not-my-number")
    assert kiosk.send(Event.CARD_PLACED) == State.CARD_ERROR
    assert kiosk.send(Event.CALL_STAFF) == State.CARD_ERROR
    calls = st.wait_for(lambda: _open(kiosk), what="the help call")
    assert [c.reason for c in calls] == [CallReason.HELP]
