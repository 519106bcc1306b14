"""Voice guidance never crashes; the flow's screens map onto the kiosk's widgets."""

from __future__ import annotations

from datetime import date

from kiosk.reception import Event, Option, Screen
from kiosk.texts import Text
from kiosk.ui.present import present
from kiosk.ui.voice import VoiceGuide


def test_voice_guide_is_silent_without_an_engine(qapp, monkeypatch) -> None:
    import PySide6.QtTextToSpeech as tts

    monkeypatch.setattr(tts.QTextToSpeech, "availableEngines", staticmethod(lambda: []))
    voice = VoiceGuide(enabled=True)
    voice.say("マイナンバーカードを置いてください。", "ja")
    voice.say("Please place your card.", "en")
    assert voice.spoken == ["マイナンバーカードを置いてください。", "Please place your card."]


def test_voice_guide_survives_a_broken_engine(qapp, monkeypatch) -> None:
    import PySide6.QtTextToSpeech as tts

    def broken():  # type: ignore[no-untyped-def]
        raise RuntimeError("no speech here")

    monkeypatch.setattr(tts.QTextToSpeech, "availableEngines", staticmethod(broken))
    VoiceGuide(enabled=True).say("テスト", "ja")


def test_disabled_voice_says_nothing(qapp) -> None:
    voice = VoiceGuide(enabled=False)
    voice.say("テスト", "ja")
    assert voice.spoken == []


def test_present_maps_flow_screens() -> None:
    cancel = Option(Event.CANCEL, "option.cancel")
    share = (Option(Event.LIMIT_INFO, "option.share", True), cancel)
    body = (Text("limit-consent.body"),)
    assert present(Screen("limit-consent", body, share)) == (
        "high-cost",
        {"body": body, "options": share, "stage": "limit-consent"},
    )
    assert present(Screen("pin-check")) is None
    options = (
        Option(Event.CHOOSE_FACE, "option.face"),
        Option(Event.CHOOSE_PIN, "option.pin", enabled=False, reason="reason.pin_locked"),
    )
    sid, data = present(Screen("method", (), options, {"locked_pin": "auth"}))
    assert sid == "method" and data["options"] == options  # handed on as the flow made them
    sid, data = present(Screen("pin", (), (), {"pin_tries_left": 2}), Event.PIN_WRONG)
    assert data["wrong"] and data["tries_left"] == 2
    sid, data = present(Screen("pin", (), (), {"pin_tries_left": 3}), Event.CHOOSE_PIN)
    assert not data["wrong"]
    sid, data = present(
        Screen(
            "consent-item",
            (),
            (),
            {"consent_item": "checkups", "item_index": 1, "item_count": 2, "valid_hours": 24},
        )
    )
    assert (data["item"], data["index"], data["total"], data["hours"]) == ("checkups", 2, 2, 24)
    sid, data = present(Screen("card-error", (), (), {"error_code": "006"}))
    assert data["code"] == "006"
    sid, data = present(
        Screen("expiry-alert", (), (), {"expiry_date": "2027-01-31"}), today=date(2027, 2, 1)
    )
    assert data["expiry"] == date(2027, 1, 31) and data["expired"]
