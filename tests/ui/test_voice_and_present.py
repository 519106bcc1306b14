"""Voice guidance never crashes; the flow's screens map onto the kiosk's widgets."""

from __future__ import annotations

from kiosk.reception import Event, Option, Screen
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
    assert present(Screen("limit-consent", (), (Option(Event.CANCEL, "option.cancel"),))) == (
        "high-cost",
        {"stage": "limit", "can_cancel": True},
    )
    assert present(Screen("pin-check")) is None
    screen = Screen(
        "method",
        (),
        (
            Option(Event.CHOOSE_FACE, "option.face"),
            Option(Event.CHOOSE_PIN, "option.pin", enabled=False),
        ),
        {"locked_pin": "auth", "pin_tries_left": 0, "face_only": False},
    )
    sid, data = present(screen)
    assert sid == "method" and data["pin_locked"] and not data["can_use_pin"]
    sid, data = present(Screen("pin", (), (), {"pin_tries_left": 2}), Event.PIN_WRONG)
    assert data["wrong"] and data["tries_left"] == 2
    sid, data = present(
        Screen(
            "consent-item",
            (),
            (),
            {"consent_item": "checkups", "item_index": 1, "item_count": 2},
        )
    )
    assert data == {"item": "checkups", "index": 2, "total": 2, "can_cancel": False}
    sid, data = present(Screen("card-error", (), (), {"error_code": "006"}))
    assert data == {"code": "006", "can_cancel": False}
