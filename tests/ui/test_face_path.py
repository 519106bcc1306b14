"""A complete reception by face, through the real widgets and the real flow."""

from __future__ import annotations

from kiosk.vocabulary import IdentityMethod
from kiosk.wiring.memory import FakeCard


def test_face_reception_completes_and_records_consents(qtbot, make_kiosk, ui) -> None:
    kiosk = make_kiosk(card=FakeCard(pin="7351"), face=["match"])
    ui.wait_screen(kiosk, "start")
    kiosk.controller.place_card()
    ui.wait_screen(kiosk, "method")
    ui.tap(kiosk.window.current(), "face")
    ui.wait_screen(kiosk, "consent-item")
    screen = kiosk.window.current()
    assert screen.data["item"] == "medication"
    ui.tap(screen, "agree")
    qtbot.waitUntil(lambda: kiosk.window.current().data.get("item") == "checkups", timeout=60_000)
    ui.tap(kiosk.window.current(), "disagree")
    ui.wait_screen(kiosk, "high-cost")
    ui.tap(kiosk.window.current(), "not_use")
    ui.wait_screen(kiosk, "done")
    assert len(kiosk.records.receptions) == 1
    result = kiosk.records.receptions[0]
    assert result.method == IdentityMethod.FACE
    assert [bool(v) for v in result.consents.values()] == [True, False]
    assert not kiosk.window.current().cancel.isVisible()
