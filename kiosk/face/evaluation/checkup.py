"""What ``kiosk face check`` saw through a camera, in words: frame rate, face size, light on the
face, blink or head movement.

:class:`CheckLog` takes each checked frame's result (and the frame, for the light on the face,
measured at once and not kept); :meth:`CheckLog.summary` gives the figures and
:func:`sentences` says them in Japanese or English with what to change. Only sizes, rates and
mean brightness are kept: no image, no encoding, no distance.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk.face.guidance.messages import Guidance
from kiosk.face.guidance.quality import QualityLimits, face_luma
from kiosk.face.matching.results import FrameResult, Liveness

MIN_WATCH_S = 2.0
"""Frames covering less time than this are too short to expect a blink."""

MIN_CHECK_FPS = 8.0
"""Below this many checked frames a second a short blink can fall between two frames."""


@dataclass
class CheckLog:
    """Figures of one ``kiosk face check`` run."""

    frame_size: tuple[int, int]
    camera_fps: float
    limits: QualityLimits = field(default_factory=QualityLimits)
    frames: int = 0
    seconds: float = 0.0
    """Frame time of the last frame (seconds after the first)."""
    checked_in_s: float = 0.0
    """Wall-clock time the frames took to read and check."""
    face_widths: list[int] = field(default_factory=list)
    lumas: list[float] = field(default_factory=list)
    several: int = 0
    eyes_closed: int = 0
    covered: int = 0
    liveness: Liveness = Liveness.WAITING
    live_at_s: float | None = None

    def add(self, frame: np.ndarray, result: FrameResult, elapsed_s: float) -> None:
        """One checked frame whose time is ``elapsed_s`` seconds after the first frame's."""
        self.frames += 1
        self.seconds = elapsed_s
        if result.face is not None:
            self.face_widths.append(result.face.width)
            luma = face_luma(frame, result.face)
            if luma is not None:
                self.lumas.append(luma)
        self.several += Guidance.SEVERAL_FACES in result.issues
        self.eyes_closed += Guidance.EYES_CLOSED in result.issues
        self.covered += Guidance.COVERED in result.issues
        if result.liveness is not Liveness.WAITING and self.liveness is Liveness.WAITING:
            self.liveness = result.liveness
            self.live_at_s = elapsed_s

    def summary(self) -> dict[str, Any]:
        """The figures: rates, median face width (px and share of the frame), median luma."""
        width = statistics.median(self.face_widths) if self.face_widths else None
        luma = statistics.median(self.lumas) if self.lumas else None
        checked_fps = self.frames / self.checked_in_s if self.checked_in_s > 0 else None
        return {
            "frame_size": f"{self.frame_size[0]}x{self.frame_size[1]}",
            "camera_fps": round(self.camera_fps, 1),
            "checked_fps": None if checked_fps is None else round(checked_fps, 1),
            "frames": self.frames,
            "seconds": round(self.seconds, 1),
            "frames_with_face": len(self.face_widths),
            "face_width_px": None if width is None else round(width),
            "face_width_share": None if width is None else round(width / self.frame_size[0], 3),
            "face_luma": None if luma is None else round(luma, 1),
            "several_faces_frames": self.several,
            "eyes_closed_frames": self.eyes_closed,
            "covered_frames": self.covered,
            "liveness": self.liveness.value,
            "live_after_s": None if self.live_at_s is None else round(self.live_at_s, 1),
        }


_WORDS = {
    "en": {
        "rate": "Camera {size} at {cam} fps; {fps} frames checked per second.",
        "rate_slow": " Below {min} a second a blink can be missed: close other programs or "
        "use a faster machine.",
        "no_face": "No face was found in {n} frames: look straight at the camera from about "
        "50 cm, with your whole face in view.",
        "face": "A face was seen in {seen} of {n} frames, {px} px wide ({pct} % of the frame "
        "width): ",
        "face_ok": "a good distance ({lo}-{hi} %).",
        "face_far": "too far (under {lo} %): come closer or use a higher camera resolution.",
        "face_close": "too close (over {hi} %): move back a little.",
        "light": "Light on the face: {luma} of 255: ",
        "light_ok": "good ({lo}-{hi}).",
        "light_dark": "too dark (under {lo}): add light in front of the face, not behind it.",
        "light_bright": "too bright (over {hi}): dim the light or turn away from a window.",
        "blink": "A blink was seen after {s} s: liveness works with this camera.",
        "turn": "A head movement was seen after {s} s: liveness works with this camera.",
        "frozen": "The camera sent the same picture again and again (frozen): check the cable "
        "and the driver; a still picture is refused as not live.",
        "no_blink": "No blink or head movement in {s} s: blink once naturally, or turn your "
        "head a little, while looking at the camera.",
        "short": "Only {s} s of frames: too short to see a blink; check more frames "
        "(--frames 150 is 5 s at 30 fps).",
        "several": "A second face was in view in {n} frames: only the patient should be in "
        "front of the camera.",
        "closed": "The eyes looked closed in {n} frames: keep them open (glasses that reflect "
        "light can look like closed eyes).",
        "covered": "The lower face looked covered in {n} frames: take off a mask.",
    },
    "ja": {
        "rate": "カメラ {size}、{cam} fps。1 秒あたり {fps} フレームを確認しました。",
        "rate_slow": " 1 秒あたり {min} フレーム未満ではまばたきを見落とすことがあります。"
        "ほかのプログラムを閉じるか、速い機械をお使いください。",
        "no_face": "{n} フレームで顔が見つかりませんでした。約 50 cm の距離で、顔全体が写るように"
        "カメラを正面から見てください。",
        "face": "{n} フレーム中 {seen} フレームで顔が見え、幅は {px} px(画面幅の {pct} %):",
        "face_ok": "適切な距離です({lo}〜{hi} %)。",
        "face_far": "遠すぎます({lo} % 未満)。近づくか、カメラの解像度を上げてください。",
        "face_close": "近すぎます({hi} % 超)。少し離れてください。",
        "light": "顔の明るさ:255 中 {luma}:",
        "light_ok": "適切です({lo}〜{hi})。",
        "light_dark": "暗すぎます({lo} 未満)。顔の前から照らしてください(背後ではなく)。",
        "light_bright": "明るすぎます({hi} 超)。照明を弱めるか、窓から顔をそらしてください。",
        "blink": "{s} 秒後にまばたきを確認しました。このカメラで生体確認ができます。",
        "turn": "{s} 秒後に顔の動きを確認しました。このカメラで生体確認ができます。",
        "frozen": "カメラが同じ画像を繰り返し送っています(静止)。ケーブルとドライバを確認して"
        "ください。静止画は生体ではないと判定されます。",
        "no_blink": "{s} 秒間まばたきも顔の動きもありませんでした。カメラを見ながら自然に一度"
        "まばたきするか、少し顔を動かしてください。",
        "short": "フレームが {s} 秒分しかなく、まばたきを確認するには短すぎます。"
        "--frames を増やしてください(30 fps で 150 が 5 秒)。",
        "several": "{n} フレームで 2 人目の顔が写っていました。カメラの前には患者さんだけが"
        "立ってください。",
        "closed": "{n} フレームで目が閉じているように見えました。目を開けてください(光を反射する"
        "眼鏡は閉じた目に見えることがあります)。",
        "covered": "{n} フレームで顔の下半分が覆われているように見えました。"
        "マスクを外してください。",
    },
}


def sentences(summary: dict[str, Any], limits: QualityLimits, lang: str = "ja") -> list[str]:
    """What the figures of :meth:`CheckLog.summary` mean, one sentence per topic."""
    w = _WORDS.get(lang, _WORDS["en"])
    out = []
    fps = summary["checked_fps"]
    rate = w["rate"].format(
        size=summary["frame_size"],
        cam=summary["camera_fps"],
        fps="-" if fps is None else fps,
    )
    if fps is not None and fps < MIN_CHECK_FPS:
        rate += w["rate_slow"].format(min=round(MIN_CHECK_FPS))
    out.append(rate)
    lo, hi = round(limits.min_face_width * 100), round(limits.max_face_width * 100)
    share = summary["face_width_share"]
    if share is None:
        out.append(w["no_face"].format(n=summary["frames"]))
    else:
        verdict = w["face_ok"]
        if share < limits.min_face_width:
            verdict = w["face_far"]
        elif share > limits.max_face_width:
            verdict = w["face_close"]
        out.append(
            w["face"].format(
                seen=summary["frames_with_face"],
                n=summary["frames"],
                px=summary["face_width_px"],
                pct=round(share * 100),
            )
            + verdict.format(lo=lo, hi=hi)
        )
    luma = summary["face_luma"]
    if luma is not None:
        light = w["light_ok"]
        if luma < limits.min_luma:
            light = w["light_dark"]
        elif luma > limits.max_luma:
            light = w["light_bright"]
        out.append(
            w["light"].format(luma=round(luma))
            + light.format(lo=round(limits.min_luma), hi=round(limits.max_luma))
        )
    live = summary["liveness"]
    if live == Liveness.BLINK.value:
        out.append(w["blink"].format(s=summary["live_after_s"]))
    elif live == Liveness.HEAD_MOVEMENT.value:
        out.append(w["turn"].format(s=summary["live_after_s"]))
    elif live == Liveness.FROZEN.value:
        out.append(w["frozen"])
    elif summary["frames_with_face"] and summary["seconds"] < MIN_WATCH_S:
        out.append(w["short"].format(s=summary["seconds"]))
    elif summary["frames_with_face"]:
        out.append(w["no_blink"].format(s=summary["seconds"]))
    for key, topic in (
        ("several_faces_frames", "several"),
        ("eyes_closed_frames", "closed"),
        ("covered_frames", "covered"),
    ):
        if summary[key]:
            out.append(w[topic].format(n=summary[key]))
    return out
