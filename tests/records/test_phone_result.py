"""A reception by smartphone writes the official result file, element for element as one by
card for the same patient: no public source shows a smartphone marker, so there is none;
the records keep the method apart."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.config import Settings
from kiosk.reception import Event, State
from kiosk.reception.clock import ManualClock
from kiosk.simcard.issue import issue_card
from kiosk.simcard.phone import issue_phone
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PhoneOs
from kiosk.wiring.services import build_services

PIN = "1234"


def _shape(xml: bytes) -> list[str]:
    """The element names in order: the file's shape, whatever the values."""
    return re.findall(rb"<([A-Za-z][\w.-]*)[\s>/]", xml)  # type: ignore[return-value]


def test_a_phone_reception_writes_the_card_s_result_file(tmp_path: Path) -> None:
    card = issue_card("standard", auth_pin=PIN)
    phone = VirtualCard(issue_phone(card, PhoneOs.ANDROID, pin=PIN))
    settings = Settings(phone_reader="virtual", outbox=tmp_path / "outbox")
    services = build_services(
        settings,
        card=VirtualCard(card),
        records=f"sqlite:///{tmp_path / 'r.db'}",
        clock=ManualClock(),
    )
    files = []
    try:
        flow = services.reception()
        for by_phone in (True, False):
            if by_phone:
                assert services.phone is not None
                services.phone.insert(phone)
                flow.send(Event.CHOOSE_PHONE)
                flow.send(Event.PHONE_OS, "android")
                flow.send(Event.PIN_ENTERED, PIN)
            else:
                flow.send(Event.CARD_PLACED)
                flow.send(Event.CHOOSE_PIN)
                flow.send(Event.PIN_ENTERED, PIN)
            for _ in flow.policy.consent_items:
                flow.send(Event.CONSENT, True)
            assert flow.send(Event.HIGH_COST, False) == State.DONE
            files.append(Path(str(flow.visit.result_path)).read_bytes())
            flow.clock.advance(flow.policy.display_s)  # type: ignore[attr-defined]
            flow.send(Event.TICK)
            if not by_phone:
                services.remove_card()
                flow.send(Event.CARD_REMOVED)
        identities = [r.body.get("identity") for r in services.records.store.today()]
    finally:
        services.close()
    by_phone, by_card = files
    assert len(_shape(by_card)) > 10
    assert _shape(by_phone) == _shape(by_card)
    for word in (b"phone", b"Phone", "スマ".encode(), b"android", b"ios"):
        assert word not in by_phone
    assert [i for i in identities if i] == ["phone-android", "pin"]
