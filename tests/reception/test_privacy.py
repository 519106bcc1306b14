"""No PIN may reach a listener, a log line, an exception text or a record."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from kiosk.reception import RefusedError
from kiosk.reception.events import Event


def test_pins_never_reach_listeners_logs_errors_or_records(
    kits: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.WRONG)
    texts: list[str] = []
    try:
        kit.flow.send(Event.PIN_ENTERED, "86a2")
    except RefusedError as exc:
        texts.append(str(exc))
    kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    kit.flow.send(Event.CONSENT, True)
    kit.flow.send(Event.CONSENT, True)
    kit.flow.send(Event.HIGH_COST, False)
    seen = " ".join([repr(kit.changes), caplog.text, repr(kit.records), *texts])
    for secret in (kits.PIN, kits.WRONG, "86a2"):
        assert secret not in seen
    assert not hasattr(kit.flow, "pin")
    assert kit.flow.face.prepared is None
