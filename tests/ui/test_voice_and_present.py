"""Voice guidance never crashes; the flow's screens map onto the kiosk's widgets."""

from __future__ import annotations

import struct
import wave
from datetime import date

import pytest

from kiosk.reception import Event, Option, Screen
from kiosk.texts import Text
from kiosk.ui import speech
from kiosk.ui.present import present
from kiosk.ui.sounds import sound_path
from kiosk.ui.voice import VoiceGuide


def test_voice_guide_without_engine_or_output_is_off_and_says_why(qapp) -> None:
    voice = VoiceGuide(enabled=True, engines={}, outputs=[])
    voice.say("マイナンバーカードを置いてください。", "ja")
    voice.say("Please place your card.", "en")
    voice.play("chime")
    assert not voice.on
    assert "audio output" in voice.reason
    assert voice.spoken == ["マイナンバーカードを置いてください。", "Please place your card."]
    quiet = VoiceGuide(enabled=True, engines={}, outputs=["speakers"])
    assert not quiet.on and "apt install open-jtalk" in quiet.reason


def test_disabled_voice_says_nothing(qapp) -> None:
    voice = VoiceGuide(enabled=False)
    voice.say("テスト", "ja")
    assert voice.spoken == [] and not voice.on


@pytest.mark.parametrize(
    ("language", "text"),
    [("ja", "マイナンバーカードを置いてください。"), ("en", "Please place your card.")],
)
def test_speech_engines_write_a_spoken_wav(qtbot, language, text) -> None:
    engine = speech.engines().get(language)
    if engine is None:
        pytest.skip(f"no speech engine for {language}: apt install {speech.PACKAGES[language]}")
    voice = VoiceGuide(enabled=True, engines={language: engine}, outputs=[])
    process, out = voice.synthesize(engine, text)
    assert process is not None
    qtbot.waitUntil(lambda: process.state() == process.ProcessState.NotRunning, timeout=30000)
    with wave.open(str(out)) as made:
        seconds = made.getnframes() / made.getframerate()
        frames = made.readframes(made.getnframes())
    assert 0.5 < seconds < 15  # a sentence, spoken
    assert max(abs(v) for v in struct.unpack(f"<{len(frames) // 2}h", frames)) > 1000
    again, same = voice.synthesize(engine, text)
    assert again is None and same == out  # made once, played again from the file
    voice.close()
    assert not out.exists()


def test_sounds_are_short_wavs() -> None:
    for name, limit in (("beep", 0.5), ("chime", 2.0)):
        with wave.open(str(sound_path(name))) as made:
            seconds = made.getnframes() / made.getframerate()
        assert 0.05 < seconds <= limit


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
