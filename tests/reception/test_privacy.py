"""No PIN may reach a listener, a log line, an exception text or a record."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kiosk.reception import Refused


def test_pins_never_reach_listeners_logs_errors_or_records(
    kits: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    kit = kits.make()
    kit.flow.card_placed()
    kit.flow.choose_pin()
    kit.flow.pin_entered(kits.WRONG)
    texts: list[str] = []
    try:
        kit.flow.pin_entered("86a2")
    except Refused as exc:
        texts.append(str(exc))
    kit.flow.pin_entered(kits.PIN)
    kit.flow.consent(True)
    kit.flow.consent(True)
    kit.flow.high_cost(False)
    seen = " ".join([repr(kit.changes), caplog.text, repr(kit.records), *texts])
    for secret in (kits.PIN, kits.WRONG, "86a2"):
        assert secret not in seen
    assert not hasattr(kit.flow, "pin")
    assert kit.flow.face.prepared is None
