"""face: the live preview with a face outline, guidance text and a progress ring.

Frames arrive as QImages from the flow's thread (:mod:`kiosk.ui.bridge`); this screen only
paints them and forgets the previous one.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.texts import catalogue
from kiosk.ui.i18n import say
from kiosk.ui.widgets import ProgressRing, Screen, label

GUIDANCE_FALLBACK = "face.look"


def guidance_text(guidance: str) -> str:
    """The line for a face-pipeline guidance id (kiosk.face.messages.Guidance, ``face.<id>``);
    an unknown id asks the patient to look at the camera."""
    if not guidance:
        return ""
    return say(guidance if catalogue().has(guidance) else GUIDANCE_FALLBACK)


class FacePreview(QWidget):
    """The camera image (mirrored, as a mirror would show it) with an oval face outline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 300)
        self._frame: QImage | None = None
        self.frames_shown = 0

    def set_frame(self, frame: QImage | None) -> None:
        self._frame = frame
        self.frames_shown += 1
        self.update()

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
        h = self.height() * 0.72
        w = h * 0.75
        outline = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        pen = QPen(QColor("#ffffff"), 6, Qt.PenStyle.DashLine)
        painter.setPen(pen)
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
        self.guidance = label("alert")
        self.guidance.setObjectName("guidance")
        side.addWidget(self.guidance)
        side.addStretch(1)
        self.ring = ProgressRing(160)
        side.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignCenter)
        side.addStretch(1)
        row.addLayout(side, 2)
        self.body.addLayout(row, 1)

    def set_frame(self, frame: QImage | None) -> None:
        self.preview.set_frame(frame)

    def show_guidance(self, guidance: str, progress: float) -> None:
        """One frame's guidance key and the attempt's progress (0.0–1.0)."""
        self.data["guidance"] = guidance
        self.data["progress"] = progress
        self.guidance.setText(guidance_text(guidance))
        self.ring.set_value(progress)

    def show_data(self, data: dict[str, object]) -> None:
        super().show_data(data)
        progress = data.get("progress")
        self.ring.set_value(float(progress) if isinstance(progress, int | float) else 0.0)

    def retranslate(self) -> None:
        super().retranslate()
        title, *rest = self.lines()
        self.title.setText(title)
        self.hint.setText("\n".join(rest))
        self.guidance.setText(guidance_text(str(self.data.get("guidance", "") or "")))

    def spoken_text(self) -> str:
        return f"{self.title.text()} {self.hint.text()}"
