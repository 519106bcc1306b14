"""``person:<name>`` — a live-looking camera made from one photo in assets/people.

The photo is placed in a 1280x720 frame (face about ``face_fraction`` of the frame width, at
the centre), then every frame gets a small rigid head motion (shift, tilt, scale), a slow light
change and, every ``blink_every_s`` seconds, a blink: the eyes are closed by blending, inside
feathered ellipses around the eye landmarks, a synthetic closed lid (the skin colour from
below the eye, shaded, with a dark lash line along the lower lid). Frame ``i`` shows time
``i / fps``; ``read()`` does not wait.

Options turn it into the attacks the liveness check must refuse: ``blink=False, motion=True``
is a photo waved in front of the camera (rigid motion, no blink), ``blink=False, motion=False``
a still photo (identical frames); ``eyes_closed=True`` keeps the eyes shut; ``mask=True``
draws a surgical-mask-coloured cover over nose, mouth and chin. Blinks are
convincing to dlib's landmarks on the primary photos (obama, biden, hopper, collins: the eye
aspect ratio drops to 40-60 %); on obama-2 and obama-3 they are not. Needs the face models
(landmarks, once, when opened, unless a ``layout`` is given) and OpenCV (warping); both are
loaded when the source is opened, never at import.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PIL import Image

from kiosk.face.camera.base import Closing, opencv
from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.errors import FaceError
from kiosk.face.guidance.quality import Landmarks
from kiosk.face.matching.engine import FaceEngine, load_engine
from kiosk.face.matching.results import Box


def _eye_closure(image: np.ndarray, marks: Landmarks, cv2: Any) -> tuple[np.ndarray, np.ndarray]:
    """(closed-eyes image, alpha mask 0..1 float32 H x W x 1) for ``image``.

    The eye is covered with skin taken from just below it (a lid), shaded slightly darker
    towards a dark lash line drawn along the lower lid landmarks.
    """
    closed = image.copy()
    mask = np.zeros(image.shape[:2], np.float32)
    for key in ("left_eye", "right_eye"):
        eye = np.asarray(marks[key], dtype=np.float64)
        width = float(np.linalg.norm(eye[0] - eye[3]))
        centre = eye.mean(axis=0)
        bottom = eye[:, 1].max()
        x0, x1 = int(eye[0, 0]), int(eye[3, 0])
        y0, y1 = int(bottom + 0.25 * width), int(bottom + 0.5 * width)
        patch = image[max(0, y0) : max(1, y1), max(0, x0) : max(1, x1)]
        skin = patch.reshape(-1, 3).mean(axis=0) if patch.size else np.array([128.0] * 3)
        axes = (round(0.72 * width), max(3, round(0.42 * width)))
        ya = int(max(0, centre[1] - axes[1]))
        yb = int(min(image.shape[0], centre[1] + axes[1] + 1))
        xa = int(max(0, centre[0] - axes[0]))
        xb = int(min(image.shape[1], centre[0] + axes[0] + 1))
        rows = np.linspace(0.0, 1.0, yb - ya)[:, None]
        shade = 1.0 - 0.18 * np.exp(-(((rows - 0.62) / 0.18) ** 2))
        closed[ya:yb, xa:xb] = np.clip(skin[None, None, :] * shade[:, :, None], 0, 255).astype(
            np.uint8
        )
        lid = np.array(
            [eye[0], eye[5] + [0, 0.05 * width], eye[4] + [0, 0.05 * width], eye[3]], np.int32
        )
        cv2.polylines(
            closed,
            [lid],
            False,
            (int(0.35 * skin[0]), int(0.35 * skin[1]), int(0.35 * skin[2])),
            max(1, round(width / 12)),
            cv2.LINE_AA,
        )
        cv2.ellipse(mask, (int(centre[0]), int(centre[1])), axes, 0, 0, 360, 1.0, -1)
    blur = max(3, (round(image.shape[1] / 80) // 2) * 2 + 1)
    mask = cv2.GaussianBlur(mask, (blur, blur), 0)
    return closed, mask[:, :, None]


Layout = tuple[Box, Landmarks]
"""The face box in the original photo and the landmarks of the placed photo."""


def person_layout(
    name: str,
    size: tuple[int, int] = (1280, 720),
    face_fraction: float = 0.24,
    offset: tuple[float, float] = (0.0, 0.0),
    engine: FaceEngine | None = None,
) -> Layout:
    """Where the face of ``name``'s photo is, and its landmarks once placed in the frame (needs
    the models; pass the result to :class:`PersonCamera` to open it without them)."""
    cv2 = opencv()
    engine = engine or load_engine()
    rgb = load_rgb(find_photo(name).path)
    boxes = engine.detect(rgb, upsample=1)
    if not boxes:
        raise FaceError(f"no face found in the photo of {name!r}")
    box = max(boxes, key=lambda b: b.area)
    scale = face_fraction * size[0] / box.width
    cx = (box.left + box.right) / 2 * scale
    cy = (box.top + box.bottom) / 2 * scale
    tx = size[0] / 2 + offset[0] * size[0] - cx
    ty = size[1] / 2 + offset[1] * size[1] - cy
    place = np.array([[scale, 0.0, tx], [0.0, scale, ty]])
    base = cv2.warpAffine(rgb, place, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    placed = engine.detect(base, upsample=0) or engine.detect(base, upsample=1)
    if not placed:
        raise FaceError(f"no face found in the placed photo of {name!r}")
    marks = engine.landmarks(base, [max(placed, key=lambda b: b.area)])[0]
    return box, marks


class PersonCamera(Closing):
    """Synthetic live frames of one real person's photo (see the module docstring)."""

    def __init__(
        self,
        name: str,
        size: tuple[int, int] = (1280, 720),
        fps: float = 30.0,
        *,
        blink: bool = True,
        eyes_closed: bool = False,
        mask: bool = False,
        motion: bool = True,
        light: bool = True,
        blink_every_s: float = 3.0,
        first_blink_s: float = 1.2,
        face_fraction: float = 0.24,
        offset: tuple[float, float] = (0.0, 0.0),
        engine: FaceEngine | None = None,
        layout: Layout | None = None,
    ) -> None:
        self._cv2 = opencv()
        photo = find_photo(name)
        self.person = photo.person
        self.size = size
        self.fps = fps
        self._blink = blink
        self._eyes_closed = eyes_closed
        self._motion = motion
        self._light = light
        self._blink_every = blink_every_s
        self._first_blink = first_blink_s
        self._index = 0
        rgb = load_rgb(photo.path)
        if layout is None:
            layout = person_layout(name, size, face_fraction, offset, engine)
        box, marks = layout
        scale = face_fraction * size[0] / box.width
        # place the photo so the face centre lands at the frame centre (+ offset)
        cx = (box.left + box.right) / 2 * scale
        cy = (box.top + box.bottom) / 2 * scale
        tx = size[0] / 2 + offset[0] * size[0] - cx
        ty = size[1] / 2 + offset[1] * size[1] - cy
        place = np.array([[scale, 0.0, tx], [0.0, scale, ty]])
        cv2 = self._cv2
        self._base = cv2.warpAffine(
            rgb, place, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        if mask:
            cover = [*marks["chin"][1:16], marks["nose_bridge"][1]]
            cv2.fillPoly(self._base, [np.asarray(cover, np.int32)], (200, 215, 230), cv2.LINE_AA)
        closed, alpha = _eye_closure(self._base, marks, cv2)
        ys, xs = np.nonzero(alpha[:, :, 0] > 0.003)
        self._eye_box = (ys.min(), ys.max() + 1, xs.min(), xs.max() + 1)
        y0, y1, x0, x1 = self._eye_box
        self._closed = closed[y0:y1, x0:x1].astype(np.float32)
        self._open = self._base[y0:y1, x0:x1].astype(np.float32)
        self._mask = alpha[y0:y1, x0:x1]
        self._centre = (size[0] / 2, size[1] / 2)

    def closure(self, t: float) -> float:
        """How closed the eyes are at time ``t`` (0 open .. 1 closed)."""
        if self._eyes_closed:
            return 1.0
        if not self._blink or t < self._first_blink:
            return 0.0
        phase = (t - self._first_blink) % self._blink_every
        ramp = 0.1
        if phase < ramp:
            return phase / ramp
        if phase < 2 * ramp:
            return 1.0
        if phase < 3 * ramp:
            return 1.0 - (phase - 2 * ramp) / ramp
        return 0.0

    def read(self) -> np.ndarray:
        cv2 = self._cv2
        t = self._index / self.fps
        self._index += 1
        frame = self._base.copy()
        c = self.closure(t)
        if c > 0.0:
            y0, y1, x0, x1 = self._eye_box
            alpha = self._mask * c
            frame[y0:y1, x0:x1] = (self._open * (1 - alpha) + self._closed * alpha).astype(np.uint8)
        if self._motion:
            angle = 1.5 * math.sin(2 * math.pi * t / 2.3)
            zoom = 1.0 + 0.02 * math.sin(2 * math.pi * t / 3.1)
            matrix = cv2.getRotationMatrix2D(self._centre, angle, zoom)
            matrix[0, 2] += 10.0 * math.sin(2 * math.pi * t / 1.7)
            matrix[1, 2] += 6.0 * math.sin(2 * math.pi * t / 2.9)
            frame = cv2.warpAffine(
                frame, matrix, self.size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
        if self._light:
            gain = 1.0 + 0.08 * math.sin(2 * math.pi * t / 4.0)
            frame = cv2.convertScaleAbs(frame, alpha=gain, beta=0)
        return np.asarray(frame)

    def close(self) -> None:
        self._base = np.zeros((1, 1, 3), np.uint8)


def compose(
    images: list[np.ndarray], size: tuple[int, int] = (1280, 720), height_fraction: float = 0.9
) -> np.ndarray:
    """Several photos side by side in one frame (scaled to ``height_fraction`` of the height),
    on a grey background: a scene with several people."""
    canvas = Image.new("RGB", size, (110, 110, 110))
    slot = size[0] // max(1, len(images))
    for i, image in enumerate(images):
        picture = Image.fromarray(image)
        scale = min(height_fraction * size[1] / picture.height, 0.95 * slot / picture.width)
        picture = picture.resize((round(picture.width * scale), round(picture.height * scale)))
        x = i * slot + (slot - picture.width) // 2
        y = (size[1] - picture.height) // 2
        canvas.paste(picture, (x, y))
    return np.asarray(canvas)
