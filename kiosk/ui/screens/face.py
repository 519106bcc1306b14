"""face: the live preview with a face outline, the steps of the check (face found → photo
compared → blink), guidance text, a progress ring that moves, and a clear success mark.

Frames arrive as QImages from the flow's thread (:mod:`kiosk.ui.bridge`); this screen only
paints them. Until the first frame the preview says the camera is starting; every image is
forgotten when the screen is shown afresh and at the end of each reception
(:meth:`clear_images`), so no patient ever sees the previous one.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.texts import catalogue
from kiosk.ui import theme
from kiosk.ui.i18n import say
from kiosk.ui.phrases import breakable
from kiosk.ui.widgets import ProgressRing, Screen, label, set_style_property

GUIDANCE_FALLBACK = "face.look"

STEPS = ("face.step_face", "face.step_compare", "face.step_live")
"""The check's steps as the patient sees them."""

STEP_OF = {"face.hold_still": 1, "face.blink": 2, "face.matched": 3}
"""Guidance that shows a later step (any other guidance: the face is still being found)."""

FINAL = frozenset({"face.matched", "face.not_matched", "face.not_live", "face.timed_out"})


def guidance_text(guidance: str) -> str:
    """The line for a face-pipeline guidance id (kiosk.face.guidance.messages.Guidance,
    ``face.<id>``); an unknown id asks the patient to look at the camera."""
    if not guidance:
        return ""
    return say(guidance if catalogue().has(guidance) else GUIDANCE_FALLBACK)


class FacePreview(QWidget):
    """The camera image (mirrored, as a mirror would show it) with an oval face outline; a
    line of text while no frame has come."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 300)
        self._frame: QImage | None = None
        self.frames_shown = 0
        self.waiting_text = ""
        self.matched = False

    def set_frame(self, frame: QImage | None) -> None:
        self._frame = frame
        if frame is not None:
            self.frames_shown += 1
        self.update()

    def has_frame(self) -> bool:
        return self._frame is not None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#202830"))
        if self._frame is not None and not self._frame.isNull():
            image = self._frame.flipped(Qt.Orientation.Horizontal).scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = (self.width() - image.width()) // 2
            y = (self.height() - image.height()) // 2
            painter.drawImage(x, y, image)
        elif self.waiting_text:
            font = QFont(self.font())
            font.setPixelSize(max(18, self.height() // 14))
            painter.setFont(font)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(
                self.rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                breakable(self.waiting_text),
            )
        h = self.height() * 0.72
        w = h * 0.75
        outline = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        colour = QColor(theme.OK) if self.matched else QColor("#ffffff")
        style = Qt.PenStyle.SolidLine if self.matched else Qt.PenStyle.DashLine
        painter.setPen(QPen(colour, 10 if self.matched else 6, style))
        painter.drawEllipse(outline)
        painter.end()


class FaceScreen(Screen):
    screen_id = "face"

    def build(self) -> None:
        row = QHBoxLayout()
        row.setSpacing(32)
        self.preview = FacePreview()
        row.addWidget(self.preview, 3)
        side = QVBoxLayout()
        self.hint = label("body")
        side.addWidget(self.hint)
        steps = QHBoxLayout()
        self.steps: list[QLabel] = []
        for index in range(len(STEPS)):
            step = label("step", wrap=False)
            step.setObjectName(f"face_step_{index + 1}")
            steps.addWidget(step)
            self.steps.append(step)
        side.addLayout(steps)
        self.guidance = label("alert")
        self.guidance.setObjectName("guidance")
        side.addWidget(self.guidance)
        side.addStretch(1)
        self.ring = ProgressRing(160)
        side.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignCenter)
        self.success = label("success")
        self.success.setObjectName("face_success")
        self.success.setVisible(False)
        side.addWidget(self.success)
        side.addStretch(1)
        row.addLayout(side, 2)
        self.body.addLayout(row, 1)
        self._spin = QTimer(self)
        self._spin.setInterval(90)
        self._spin.timeout.connect(self.ring.step)

    def set_frame(self, frame: QImage | None) -> None:
        self.preview.set_frame(frame)

    def clear_images(self) -> None:
        self.preview.set_frame(None)

    def show_guidance(self, guidance: str, progress: float) -> None:
        """One frame's guidance key and the attempt's progress (0.0–1.0)."""
        self.data["guidance"] = guidance
        self.data["progress"] = progress
        self.guidance.setText(guidance_text(guidance))
        self._show_step(guidance, progress)

    def show_success(self) -> None:
        """The match, shown before the next screen: the ring full with a check mark."""
        self.show_guidance("face.matched", 1.0)

    def _show_step(self, guidance: str, progress: float) -> None:
        reached = STEP_OF.get(guidance, 0)
        for index, step in enumerate(self.steps):
            state = "done" if index < reached else ("now" if index == reached else "")
            set_style_property(step, "state", state)
        matched = guidance == "face.matched"
        # the ring moves with each step reached and fills as frames agree and a blink is seen
        self.ring.set_value(max(progress, reached / (len(STEPS) + 1)))
        self.ring.set_done(matched)
        # hide before showing: showing a widget lays its screen out at once, and with both
        # shown for that moment the window grew to hold them (and stayed taller)
        self.guidance.setVisible(not matched)  # the success mark says it
        self.success.setVisible(matched)
        self.preview.matched = matched
        self.preview.update()
        working = bool(guidance) and guidance not in FINAL
        self.ring.set_moving(working)
        if not working:
            self._spin.stop()
        elif not self._spin.isActive():
            self._spin.start()

    def show_data(self, data: dict[str, object]) -> None:
        self.clear_images()  # a new attempt starts from nothing
        super().show_data(data)
        progress = data.get("progress")
        guidance = data.get("guidance")
        self._show_step(
            str(guidance or ""), float(progress) if isinstance(progress, int | float) else 0.0
        )

    def hideEvent(self, event: object) -> None:
        self._spin.stop()

    def retranslate(self) -> None:
        super().retranslate()
        self.show_title_and_hint(self.hint)
        self.guidance.setText(guidance_text(str(self.data.get("guidance", "") or "")))
        for step, key in zip(self.steps, STEPS, strict=True):
            step.setText(say(key))
        self.success.setText(say("face.success"))
        self.preview.waiting_text = say("face.camera_starting")
        self.preview.update()

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
