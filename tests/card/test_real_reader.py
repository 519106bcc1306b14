"""Opt-in (``--reader NAME``): read-only checks on a real card. Never sends a PIN: a real
card's counters belong to a real person."""

from __future__ import annotations

import pytest

from kiosk.card.certificate import CertificateInfo
from kiosk.card.mynumber import MyNumberCard
from kiosk.card.pcsc import PcscTransport
from kiosk.card.transport import CountingTransport

pytestmark = pytest.mark.reader


def test_real_card_certificate_and_pin_states_without_spending_a_try(
    request: pytest.FixtureRequest,
) -> None:
    transport = CountingTransport(PcscTransport(request.config.getoption("--reader")))
    try:
        card = MyNumberCard(transport)
        info = CertificateInfo.from_der(card.read_auth_certificate())
        states = card.all_pin_status()
    finally:
        transport.close()
    assert info.not_after > info.not_before
    assert [s.limit for s in states] == [3, 5, 3, 3, 3]
    assert all(0 <= s.tries_left <= s.limit for s in states)
    assert all(
        not e.command.startswith("00 20 00") or "redacted" not in e.command
        for e in transport.history
    )  # only tries-left queries, no PIN sent
