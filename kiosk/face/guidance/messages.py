"""Guidance shown on the "face" screen: stable message ids (the UI, scenario files and logs
use them). Each id is also the key of its words in the kiosk's text catalogue
(:mod:`kiosk.texts`, table ``face``), so the face screen and ``kiosk face check`` say the
same thing; docs/screens.md lists them.
"""

from __future__ import annotations

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
