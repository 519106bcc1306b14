"""Guidance shown on the "face" screen: message ids with their Japanese and English texts.

The ids are stable (the UI, scenario files and logs use them); the texts follow SCREENS.md's
"face" row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Guidance(StrEnum):
    """What the patient should do now, from the current frame's quality and liveness."""

    LOOK = "face.look"
    NO_FACE = "face.no_face"
    SEVERAL_FACES = "face.several_faces"
    TOO_FAR = "face.too_far"
    TOO_CLOSE = "face.too_close"
    OFF_CENTRE = "face.off_centre"
    TOO_DARK = "face.too_dark"
    TOO_BRIGHT = "face.too_bright"
    EYES_CLOSED = "face.eyes_closed"
    COVERED = "face.covered"
    BLINK = "face.blink"
    HOLD_STILL = "face.hold_still"
    MATCHED = "face.matched"
    NOT_MATCHED = "face.not_matched"
    NOT_LIVE = "face.not_live"
    TIMED_OUT = "face.timed_out"


@dataclass(frozen=True)
class Text:
    """One message in both languages."""

    ja: str
    en: str


TEXTS: dict[Guidance, Text] = {
    Guidance.LOOK: Text(
        "カメラに顔を向けてください。マスクや帽子は外してください。",
        "Look at the camera; remove mask and hat.",
    ),
    Guidance.NO_FACE: Text(
        "顔が見つかりません。カメラの正面に立ってください。",
        "No face found. Please stand in front of the camera.",
    ),
    Guidance.SEVERAL_FACES: Text(
        "一人で写ってください。",
        "Only one person in front of the camera, please.",
    ),
    Guidance.TOO_FAR: Text("もう少し近づいてください。", "Please come a little closer."),
    Guidance.TOO_CLOSE: Text("少し離れてください。", "Please move back a little."),
    Guidance.OFF_CENTRE: Text(
        "顔を枠の中央に合わせてください。", "Please bring your face to the centre of the frame."
    ),
    Guidance.TOO_DARK: Text(
        "明るい場所で顔を向けてください。", "It is too dark. Please move to a brighter place."
    ),
    Guidance.TOO_BRIGHT: Text(
        "光が強すぎます。直射日光を避けてください。",
        "The light is too strong. Please avoid direct light.",
    ),
    Guidance.EYES_CLOSED: Text(
        "目を開けてカメラを見てください。", "Please open your eyes and look at the camera."
    ),
    Guidance.COVERED: Text(
        "マスクなどを外して顔全体を見せてください。",
        "Please remove your mask so your whole face can be seen.",
    ),
    Guidance.BLINK: Text("まばたきしてください。", "Please blink."),
    Guidance.HOLD_STILL: Text("そのままお待ちください。", "Please hold still."),
    Guidance.MATCHED: Text("本人確認ができました。", "Identity confirmed."),
    Guidance.NOT_MATCHED: Text("顔認証できませんでした。", "Face not recognised."),
    Guidance.NOT_LIVE: Text(
        "写真や画面ではなく、ご本人がカメラに写ってください。",
        "Please show your own face, not a photo or a screen.",
    ),
    Guidance.TIMED_OUT: Text("時間内に確認できませんでした。", "Could not confirm in time."),
}


def text(guidance: Guidance, lang: str = "ja") -> str:
    """The message for ``guidance`` in ``lang`` ("ja" or "en")."""
    entry = TEXTS[guidance]
    return entry.en if lang == "en" else entry.ja
