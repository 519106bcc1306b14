"""A complete reception by face, through the real widgets and the real flow."""

from __future__ import annotations

from helpers.doubles import FakeCard
from kiosk.vocabulary import IdentityMethod


def test_face_reception_completes_and_records_consents(qtbot, make_kiosk, ui) -> None:
    kiosk = make_kiosk(card=FakeCard(pin="7351"), face=["match"])
    ui.wait_screen(kiosk, "start")
    kiosk.controller.place_card()
    ui.wait_screen(kiosk, "method")
    ui.tap(kiosk.window.current(), "face")
    assert ui.answer_consents(kiosk, [True, False]) == ["medication", "checkups"]
    assert len(kiosk.records.receptions) == 1
    result = kiosk.records.receptions[0]
    assert result.method == IdentityMethod.FACE
    assert [bool(v) for v in result.consents.values()] == [True, False]
    assert not kiosk.window.current().cancel.isVisible()
