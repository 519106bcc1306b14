"""The smartphone through pcscd: the card in vpcd's first reader, the phone in its second
(the 汎用カードリーダー), both at once; a reception by phone completes, then one by card."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from kiosk.config import Settings
from kiosk.devices import served
from kiosk.reception import Event, State
from kiosk.reception.clock import ManualClock
from kiosk.simcard.issue import issue_card
from kiosk.simcard.phone import issue_phone
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import IdentityMethod, PhoneOs
from kiosk.wiring.memory import StaticStaff
from kiosk.wiring.services import build_services

CARD_READER = "Virtual PCD 00 00"
PHONE_READER = "Virtual PCD 00 01"

pytestmark = pytest.mark.pcsc


@pytest.fixture
def card_and_phone(pcscd: None) -> Iterator[tuple[CardState, CardState]]:
    card = issue_card("standard")
    phone = issue_phone(card, PhoneOs.ANDROID, pin="4821")
    with ExitStack() as held:
        held.enter_context(served(VirtualCard(card), CARD_READER))
        held.enter_context(served(VirtualCard(phone), PHONE_READER))
        yield card, phone


@pytest.mark.skipif(shutil.which("opensc-tool") is None, reason="needs opensc (apt install)")
def test_opensc_lists_the_card_reader_and_the_phone_reader(
    card_and_phone: tuple[CardState, CardState],
) -> None:
    done = subprocess.run(
        ["opensc-tool", "--list-readers"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines() if "Virtual PCD" in line]
    assert [(row[1], " ".join(row[-4:])) for row in rows] == [
        ("Yes", CARD_READER),
        ("Yes", PHONE_READER),
    ]


def test_a_reception_by_phone_completes_beside_the_card(
    card_and_phone: tuple[CardState, CardState],
) -> None:
    settings = Settings(phone_reader=f"pcsc:{PHONE_READER}")
    services = build_services(
        settings,
        card=f"pcsc:{CARD_READER}",
        clock=ManualClock(),
        staff=StaticStaff("staff-password"),
    )
    try:
        flow = services.reception()
        flow.send(Event.CHOOSE_PHONE)
        flow.send(Event.PHONE_OS, "android")
        assert flow.send(Event.PIN_ENTERED, "0000") == State.PHONE_PIN  # read at once: wrong
        assert flow.visit.auth_tries_left == 2
        flow.send(Event.PIN_ENTERED, "4821")
        assert flow.state == State.CONSENT
        for _ in flow.policy.consent_items:
            flow.send(Event.CONSENT, True)
        flow.send(Event.HIGH_COST, False)
        assert flow.state == State.DONE
        assert flow.visit.method is IdentityMethod.PHONE_ANDROID
        assert flow.visit.result_path is not None
        # the card in the other reader still serves its own reception
        flow.clock.advance(flow.policy.display_s)  # type: ignore[attr-defined]
        flow.send(Event.TICK)
        assert flow.state == State.START
        flow.send(Event.CARD_PLACED)
        assert flow.state == State.METHOD
    finally:
        services.close()
