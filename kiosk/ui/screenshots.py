"""Render every screen in both languages to PNG files, offscreen (``kiosk screenshots DIR``).

The face preview shows a drawn stand-in, never a real face: screenshots are files, and face
images must not reach a file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.window import KioskWindow

SIZES: tuple[tuple[int, int], ...] = ((1280, 800), (1920, 1080))

VARIANTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("start", "start", {}),
    ("reading", "reading", {"can_cancel": False}),
    ("card-error-001", "card-error", {"code": "001", "can_cancel": False}),
    ("card-error-002", "card-error", {"code": "002", "can_cancel": False}),
    ("card-error-006", "card-error", {"code": "006", "can_cancel": False}),
    ("expiry-alert", "expiry-alert", {"expiry": date(2027, 1, 31)}),
    ("register", "register", {}),
    ("method", "method", {}),
    ("method-pin-locked", "method", {"pin_locked": True}),
    ("method-face-only", "method", {"face_only": True}),
    ("face", "face", {"guidance": "closer", "progress": 0.4}),
    ("face-failed", "face-failed", {"can_retry": True, "can_use_pin": True}),
    ("pin", "pin", {"tries_left": 3}),
    ("pin-wrong", "pin", {"tries_left": 2, "wrong": True}),
    ("pin-locked", "pin-locked", {}),
    ("staff-wait", "staff-wait", {}),
    ("consent-medication", "consent-item", {"item": "medication", "index": 1, "total": 2}),
    ("consent-checkups", "consent-item", {"item": "checkups", "index": 2, "total": 2}),
    ("high-cost", "high-cost", {"stage": "use"}),
    ("limit-consent", "high-cost", {"stage": "limit"}),
    ("specific-disease", "high-cost", {"stage": "specific_disease"}),
    ("prescription", "prescription", {}),
    ("done", "done", {}),
    ("idle-warning", "idle-warning", {"seconds_left": 20}),
    ("cancelled", "cancelled", {}),
)


def stand_in_frame(width: int = 640, height: int = 480) -> QImage:
    """A drawn head-and-shoulders silhouette for the preview (not a face image)."""
    image = QImage(width, height, QImage.Format.Format_RGB888)
    image.fill(QColor("#6f8196"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#c9d3de"))
    painter.drawEllipse(QPointF(width / 2, height * 0.45), width * 0.16, height * 0.27)
    painter.drawEllipse(QPointF(width / 2, height * 1.05), width * 0.36, height * 0.3)
    painter.end()
    return image


def render_all(
    out: Path,
    app: QApplication,
    *,
    sizes: tuple[tuple[int, int], ...] = SIZES,
    languages: tuple[str, ...] = ("ja", "en"),
) -> list[Path]:
    """Write ``<screen>_<lang>_<W>x<H>.png`` for every variant; returns the paths written."""
    theme.apply(app)
    out.mkdir(parents=True, exist_ok=True)
    langs = Languages(app)
    window = KioskWindow(langs)
    window.show_frame(stand_in_frame())
    written: list[Path] = []
    try:
        for width, height in sizes:
            window.resize(width, height)
            window.show()
            for language in languages:
                window.set_language(language)
                for name, screen_id, data in VARIANTS:
                    window.show_screen(screen_id, data)
                    app.processEvents()
                    path = out / f"{name}_{language}_{width}x{height}.png"
                    window.grab().save(str(path))
                    written.append(path)
        for language in languages:
            window.set_language(language)
            written += render_staff_side(out, app, language)
    finally:
        window.release()
        window.close()
        langs.switch("ja")
    return written


def render_staff_side(out: Path, app: QApplication, language: str) -> list[Path]:
    """The staff console (a patient waiting, the auth PIN locked) and the operator panel."""
    from kiosk.card.pins import PinKind
    from kiosk.card.session import PinStatus
    from kiosk.ui.operator_panel import OperatorPanel
    from kiosk.ui.staff_console import StaffConsole
    from kiosk.ui.tray import PinCounter

    limits = {"auth": 3, "sign": 5, "hojo": 3, "juki": 3, "kyotsu": 3}
    left = {"auth": 0, "sign": 5, "hojo": 3, "juki": 3, "kyotsu": 3}
    console = StaffConsole(lambda _password: False, language=lambda: language)
    console.pages.setCurrentIndex(1)  # as after a log-in
    console.set_mode(True)
    console.set_waiting(True)
    console.set_photo(stand_in_frame(300, 400))
    console.set_live(stand_in_frame())
    console.set_pins([PinStatus(PinKind(k), left[k], limits[k]) for k in limits])
    panel = OperatorPanel(
        ["standard", "face-only", "auth-pin-locked"], ["person:obama", "cv:0"], language=language
    )
    panel.set_counters([PinCounter(k, left[k], limits[k]) for k in limits])
    panel.add_trace("> 00 20 00 98 [4 bytes redacted]  < 0 bytes 63C0 wrong PIN, 0 tries left")
    written = []
    for name, widget, size in (
        ("staff-console", console, (1100, 720)),
        ("operator-panel", panel, (520, 800)),
    ):
        widget.resize(*size)
        widget.show()
        for index in (0, 1) if name == "staff-console" else (None,):
            if index is not None:
                console.tabs.setCurrentIndex(index)
            app.processEvents()
            suffix = "" if index in (None, 0) else "-pins"
            path = out / f"{name}{suffix}_{language}.png"
            widget.grab().save(str(path))
            written.append(path)
        widget.close()
    return written
