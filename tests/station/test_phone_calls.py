"""A call from the smartphone path tells the desk which phone and why; the staff's 本人確認OK
from the station ends a smartphone visit on the マイナポータル screen, recorded as such."""

from __future__ import annotations

from typing import Any

from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.simcard.issue import issue_card
from kiosk.simcard.phone import issue_phone
from kiosk.simcard.virtual import VirtualCard
from kiosk.station_tables.calls import CallReason, CallStatus
from kiosk.vocabulary import Outcome, PhoneOs


def _open(kiosk: Any) -> list[Any]:
    return [c for c in kiosk.board.calls() if c.status is CallStatus.OPEN]


def test_a_locked_android_pin_calls_the_desk_with_its_branch(sqlite_url, kiosks, st) -> None:
    kiosk = kiosks(sqlite_url, "reception-21", settings={"phone_reader": "virtual"})
    phone = VirtualCard(issue_phone(issue_card("standard"), PhoneOs.ANDROID, pin="1234"))
    kiosk.do(lambda: kiosk.services.phone.insert(phone))
    kiosk.send(Event.CHOOSE_PHONE)
    kiosk.send(Event.PHONE_OS, "android")
    for _ in range(3):  # the phone lies on the reader: read at once after each PIN
        state = kiosk.send(Event.PIN_ENTERED, "9999")
    assert state == State.PHONE_FAILED
    calls = st.wait_for(lambda: _open(kiosk), what="the locked-PIN call")
    assert [c.reason for c in calls] == [CallReason.PHONE_ANDROID_PIN_LOCKED]


def test_an_iphone_patient_showing_mynaportal_is_confirmed_by_the_desk(
    sqlite_url, kiosks, st
) -> None:
    kiosk = kiosks(sqlite_url, "reception-22", settings={"phone_reader": "virtual"})
    kiosk.send(Event.CHOOSE_PHONE)
    kiosk.send(Event.PHONE_OS, "ios")
    assert kiosk.send(Event.CALL_STAFF) == State.STAFF_WAIT
    calls = st.wait_for(lambda: _open(kiosk), what="the Mynaportal call")
    assert [c.reason for c in calls] == [CallReason.PHONE_IOS_PORTAL]
    # as the desk's answer does it: a one-time credential, then 本人確認OK
    kiosk.send(Event.STAFF_MODE, (True, kiosk.link.staff.mint(), "desk-01"))
    assert kiosk.send(Event.STAFF_CONFIRM, True) == State.PORTAL_DONE
    records = kiosk.services.records.store
    bodies = [r.body for r in records.today() if isinstance(r.body, dict)]
    assert [b.get("outcome") for b in bodies if b.get("outcome")] == [
        Outcome.PORTAL_CONFIRMED.value
    ]
    assert [b.get("identity") for b in bodies if b.get("outcome")] == ["visual"]
