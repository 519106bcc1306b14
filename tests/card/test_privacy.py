"""No PIN (nor 照合番号B) reaches a log, an APDU trace or an exception text."""

from __future__ import annotations

import pytest

from kiosk.card.errors import CardError
from kiosk.card.mynumber import MyNumberCard
from kiosk.card.pins import PinKind
from kiosk.card.transport import TRACE, CountingTransport
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import VirtualCard

AUTH, SIGN = "8147", "QZ7X9K2W"


def _forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, raw.hex(), raw.hex().upper(), raw.hex(" ").upper(), repr(raw)]


def test_no_secret_in_log_trace_or_exception(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE)
    caplog.set_level(TRACE, logger="kiosk")
    state = issue_card("standard", auth_pin=AUTH, sign_pin=SIGN)
    profile = get_profile("standard")
    counted = CountingTransport(VirtualCard(state))
    card = MyNumberCard(counted)
    errors: list[str] = []
    for wrong in ("1357", "2468"):
        try:
            card.verify_auth_pin(wrong)
        except CardError as exc:
            errors.append(str(exc))
    card.prove_possession(AUTH)
    card.verify_pin(PinKind.SIGN, SIGN)
    card.read_basic_info(pin=profile.hojo_pin)
    card.read_for_reception(state.verify_b)
    card.change_pin(PinKind.KYOTSU, profile.kyotsu_pin, "9753")
    for bad in ("12a4", "ZZ"):
        try:
            card.verify_pin(PinKind.SIGN, bad)
        except CardError as exc:
            errors.append(str(exc))
    try:
        card.change_pin(PinKind.JUKI, "0864", "0975")
    except CardError as exc:
        errors.append(str(exc))

    assert counted.apdus > 20
    assert any("redacted" in str(entry) for entry in counted.history)
    assert "redacted" in caplog.text  # the trace ran at TRACE level
    text = "\n".join([caplog.text, *map(str, counted.history), *errors])
    secrets = [AUTH, SIGN, "1357", "2468", "9753", "0864", "0975", "12a4", state.verify_b]
    secrets += [profile.hojo_pin, profile.kyotsu_pin]
    for secret in secrets:
        for form in _forms(secret):
            assert form not in text, f"a form of a secret leaked: {form!r}"
    assert len(errors) == 5
