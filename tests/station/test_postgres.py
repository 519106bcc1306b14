"""Two kiosks and one station on PostgreSQL: calls and answers travel by LISTEN/NOTIFY."""

from __future__ import annotations

import pytest

from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.station_tables.bell import bell_for

pytestmark = pytest.mark.postgres


def test_two_kiosks_one_station_on_postgres(postgres_server, station, kiosks, st) -> None:
    url = postgres_server.new_database()
    st.add_staff(url, "nurse-01")
    server = station(url)
    one = kiosks(url, "reception-1")
    two = kiosks(url, "reception-2", card="virtual:face-only")
    st.wait_for(lambda: bell_for(url).listening, what="the LISTEN connection")
    client, csrf = st.sign_in(server.binding.url, "nurse-01")
    try:
        board = one.board
        for kiosk in (one, two):
            kiosk.send(Event.CARD_PLACED)
            kiosk.send(Event.CALL_STAFF)
            st.wait_for(  # each link opens its call on its own thread: one after the other
                lambda kiosk=kiosk: any(c.kiosk_id == kiosk.kiosk_id for c in board.calls()),
                what=f"the call of {kiosk.kiosk_id}",
            )
        calls = st.wait_for(
            lambda: (
                [c for c in board.calls() if c.status.value == "open"]
                if len([c for c in board.calls() if c.status.value == "open"]) == 2
                else None
            ),
            what="both calls",
        )
        assert [c.kiosk_id for c in calls] == ["reception-1", "reception-2"]  # as received
        assert [c.reason.value for c in calls] == ["pin_locked", "face_only"]
        st.wait_for(lambda: all(k.waiting for k in board.kiosks()), what="both kiosks waiting")
        decisions = {"reception-1": True, "reception-2": False}
        for call in calls:

            def answered(call=call) -> bool:
                answer = client.post(
                    f"/api/calls/{call.id}/answer",
                    json={"ok": decisions[call.kiosk_id]},
                    headers={"X-CSRF-Token": csrf},
                )
                # 409 not_waiting: the kiosk's status is still on its way
                assert answer.status_code in (200, 409), answer.text
                return answer.status_code == 200

            st.wait_for(answered, what=f"the answer to {call.kiosk_id}")
        st.wait_for(lambda: one.flow.state == State.CONSENT, what="kiosk 1 to move on")
        st.wait_for(lambda: two.flow.state == State.CANCELLED, what="kiosk 2 to end")
        assert one.flow.visit.staff_id == "nurse-01"
    finally:
        client.close()
