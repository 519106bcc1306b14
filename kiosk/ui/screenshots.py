"""Render every screen in both languages to PNG files, offscreen (``kiosk screenshots DIR``).

Each screen is shown as the flow builds it (:func:`kiosk.reception.screens.build_screen`)
for a made-up visit, so its texts and buttons are the ones a patient would see.

The face preview shows a drawn stand-in, never a real face: screenshots are files, and face
images must not reach a file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from kiosk.card.mynumber import PinStatus
from kiosk.card.pins import PinKind
from kiosk.eligibility import SimulatedEligibilityService
from kiosk.eligibility.charset import as_carried
from kiosk.reception import Event, State, Visit
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import CardReading, CertificateCheck, Qualification
from kiosk.reception.screens import build_screen
from kiosk.simcard.deck import get_profile
from kiosk.ui import theme
from kiosk.ui.i18n import Languages
from kiosk.ui.present import present
from kiosk.ui.tray import PinCounter
from kiosk.ui.window import KioskWindow
from kiosk.vocabulary import ConsentItem, EligibilityFault, PhoneOs, ReaderError

SIZES: tuple[tuple[int, int], ...] = ((1280, 800), (1920, 1080))

TODAY = date(2026, 12, 1)
"""The day the screenshots are taken on (the expiry alert compares with it)."""

_EXPIRES = CertificateCheck("valid", 1, datetime(2027, 1, 31, tzinfo=UTC))
_SYSTEM = ReaderError.SYSTEM

_PHONE = Visit(by_phone=True)
_IOS = _PHONE.but(phone_os=PhoneOs.IOS)
_ANDROID = _PHONE.but(phone_os=PhoneOs.ANDROID)

SHOTS: tuple[tuple[str, State, Visit, str], ...] = (
    ("start", State.START, Visit(), ""),
    ("reading", State.READING, Visit(), ""),
    ("card-error-001", State.CARD_ERROR, Visit(error=ReaderError.NOT_RECOGNISED), ""),
    ("card-error-002", State.CARD_ERROR, Visit(error=ReaderError.NOT_MY_NUMBER_CARD), ""),
    ("card-error-006", State.CARD_ERROR, Visit(error=ReaderError.CERTIFICATE_INVALID), ""),
    ("card-error-900", State.CARD_ERROR, Visit(error=ReaderError.SYSTEM), ""),
    (
        "card-error-006-staff-called",
        State.CARD_ERROR,
        Visit(error=ReaderError.CERTIFICATE_INVALID, ended_by="error", staff_called=True),
        "",
    ),
    *(
        (f"eligibility-{fault}", State.CARD_ERROR, Visit(error=_SYSTEM, service_fault=fault), "")
        for fault in EligibilityFault
    ),
    ("expiry-alert", State.EXPIRY_ALERT, Visit(cert=_EXPIRES), ""),
    ("register", State.REGISTER, Visit(), ""),
    ("method", State.METHOD, Visit(auth_tries_left=3), ""),
    ("method-pin-locked", State.METHOD, Visit(auth_tries_left=0), ""),
    ("method-face-only", State.METHOD, Visit(reading=CardReading(b"", 0, True)), ""),
    ("face", State.FACE, Visit(), ""),
    ("face-starting", State.FACE, Visit(), ""),
    ("face-matched", State.FACE, Visit(), ""),
    ("face-failed", State.FACE_FAILED, Visit(auth_tries_left=3, face_failures=1), ""),
    (
        "face-failed-no-match",
        State.FACE_FAILED,
        Visit(auth_tries_left=3, face_failures=1, face_reason="no_match"),
        "",
    ),
    (
        "face-failed-not-live",
        State.FACE_FAILED,
        Visit(auth_tries_left=3, face_failures=1, face_reason="not_live"),
        "",
    ),
    (
        "face-failed-camera",
        State.FACE_FAILED,
        Visit(auth_tries_left=3, face_failures=1, face_reason="camera"),
        "",
    ),
    ("pin", State.PIN, Visit(auth_tries_left=3), ""),
    ("pin-wrong", State.PIN, Visit(auth_tries_left=2), Event.PIN_WRONG),
    ("pin-last-try", State.PIN, Visit(auth_tries_left=1), Event.PIN_WRONG),
    ("pin-locked", State.PIN_LOCKED, Visit(auth_tries_left=0), Event.PIN_WRONG),
    ("staff-wait", State.STAFF_WAIT, Visit(), ""),
    (
        "staff-wait-face-only",
        State.STAFF_WAIT,
        Visit(reading=CardReading(b"", 0, True), face_failures=3, face_reason="no_match"),
        "",
    ),
    (
        "staff-wait-pin-locked",
        State.STAFF_WAIT,
        Visit(auth_tries_left=0, face_failures=3, face_reason="no_match"),
        "",
    ),
    ("consent-medication", State.CONSENT, Visit(), ""),
    ("consent-checkups", State.CONSENT, Visit(consents={ConsentItem.MEDICATION: True}), ""),
    ("high-cost", State.HIGH_COST, Visit(), ""),
    ("limit-consent", State.LIMIT_CONSENT, Visit(), ""),
    ("specific-disease", State.SPECIFIC_DISEASE, Visit(), ""),
    ("prescription", State.PRESCRIPTION, Visit(), ""),
    ("done", State.DONE, Visit(qualification=Qualification(1)), ""),
    ("done-not-qualified", State.DONE, Visit(qualification=Qualification(2)), ""),
    ("consent-maru-name", State.CONSENT, Visit(qualification=Qualification(1)), ""),
    ("done-maru-name", State.DONE, Visit(qualification=Qualification(1)), ""),
    ("idle-warning", State.IDLE_WARNING, Visit(idle_seconds_left=20), ""),
    ("cancelled", State.CANCELLED, Visit(ended_by="cancel"), ""),
    ("cancelled-card-removed", State.CANCELLED, Visit(ended_by="card_removed"), ""),
    ("cancelled-refused", State.CANCELLED, Visit(ended_by="cancel", staff_id="nurse-7"), ""),
    ("take-card", State.TAKE_CARD, Visit(ended_by="done"), ""),
    ("take-card-timeout", State.TAKE_CARD, Visit(ended_by="timeout"), ""),
    ("take-card-refused", State.TAKE_CARD, Visit(ended_by="cancel", staff_id="nurse-7"), ""),
    ("card-left", State.CARD_LEFT, Visit(ended_by="done", staff_called=True), ""),
    *(
        # the smartphone path (kiosk.reception.phone_path); the start screen offers it
        ("start-phone", State.START, Visit(), ""),
        ("phone-choose", State.PHONE_CHOOSE, _PHONE, ""),
        ("phone-pin", State.PHONE_PIN, _ANDROID.but(auth_tries_left=3), ""),
        (
            "phone-pin-wrong",
            State.PHONE_PIN,
            _ANDROID.but(auth_tries_left=2, phone_problem="wrong_pin"),
            Event.PIN_WRONG,
        ),
        ("phone-hold-iphone", State.PHONE_HOLD, _IOS, ""),
        ("phone-hold-android", State.PHONE_HOLD, _ANDROID, ""),
        ("phone-hold-moved", State.PHONE_HOLD, _ANDROID.but(phone_problem="moved"), ""),
        ("phone-reading", State.PHONE_READING, _ANDROID, ""),
        *(
            (f"phone-failed-{problem.replace('_', '-')}", State.PHONE_FAILED, visit, "")
            for problem, visit in (
                ("pin_locked", _ANDROID),
                ("verification_failed", _IOS),
                ("not_enrolled", _IOS),
                ("certificate_expired", _IOS),
                ("certificate_revoked", _ANDROID),
                ("card", _ANDROID),
            )
            for visit in (visit.but(phone_problem=problem),)
        ),
        ("staff-wait-portal", State.STAFF_WAIT, _ANDROID, ""),
        ("portal-done", State.PORTAL_DONE, _PHONE.but(ended_by="portal"), ""),
    ),
)
"""Each screenshot: its name, and the state and visit the flow would show it for."""


def variants() -> list[tuple[str, str, dict[str, Any]]]:
    """(name, widget id, data) of every screenshot, as the flow presents its screens."""
    policy = FlowPolicy.of()
    with_phone = FlowPolicy.of({"phone_reader": "virtual"})
    out = []
    for name, state, visit, event in SHOTS:
        facility = with_phone if visit.by_phone or name == "start-phone" else policy
        shown = present(build_screen(state, visit, facility), event, TODAY)
        assert shown is not None  # noqa: S101 (no transient state is listed)
        widget, data = shown
        if name == "face":
            data |= {"guidance": "face.blink", "progress": 0.8}
        elif name == "face-matched":
            data |= {"guidance": "face.matched", "progress": 1.0}
        elif name.endswith("maru-name"):
            data["patient_name"] = maru_name()
        out.append((name, widget, data))
    return out


def maru_name() -> str:
    """The deck's 𠮷田 as the eligibility service sends it (●田), for the ● screenshots."""
    return as_carried(get_profile("maru-kanji").holder_name)


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


def show_shot(
    window: KioskWindow, name: str, screen_id: str, data: dict[str, Any], frame: QImage
) -> None:
    """Show one of :func:`variants` in ``window`` as its screenshot has it (the face screen
    with ``frame``, a :func:`stand_in_frame`, in its preview once the camera has started)."""
    window.show_screen(screen_id, data)
    if screen_id == "face" and name != "face-starting":
        window.show_frame(frame)


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
    frame = stand_in_frame()
    written: list[Path] = []
    shots = variants()
    try:
        for width, height in sizes:
            window.resize(width, height)
            window.show()
            for language in languages:
                window.set_language(language)
                for name, screen_id, data in shots:
                    show_shot(window, name, screen_id, data, frame)
                    app.processEvents()
                    path = out / f"{name}_{language}_{width}x{height}.png"
                    window.grab().save(str(path))
                    written.append(path)
                written += render_cancel_question(out, app, window, f"{language}_{width}x{height}")
        for language in languages:
            window.set_language(language)
            written += render_staff_side(out, app, language)
    finally:
        window.release()
        window.close()
        langs.switch("ja")
    return written


CANCEL_QUESTION_ON = "consent-medication"
"""The screen the cancel question is shown over in its screenshot."""


def render_cancel_question(
    out: Path, app: QApplication, window: KioskWindow, suffix: str
) -> list[Path]:
    """「やめる」's question (はい / いいえ) over a consent screen, as a tap on やめる shows it."""
    _, screen_id, data = next(v for v in variants() if v[0] == CANCEL_QUESTION_ON)
    screen = window.show_screen(screen_id, data)
    cancel = next(o for o in screen.options if o.event is Event.CANCEL)
    screen.ask_first.ask(cancel.confirm)
    app.processEvents()
    path = out / f"cancel-question_{suffix}.png"
    window.grab().save(str(path))
    screen.ask_first.hide()
    return [path]


def render_staff_side(out: Path, app: QApplication, language: str) -> list[Path]:
    """The staff console (a patient waiting, the auth PIN locked) and the operator panel."""
    from kiosk.ui.operator_panel import OperatorPanel
    from kiosk.ui.staff_console import StaffConsole

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
        ["standard", "face-only", "auth-pin-locked"],
        ["person:obama", "cv:0"],
        language=language,
        eligibility=SimulatedEligibilityService(),
        phone=True,
    )
    panel.set_counters([PinCounter(k, left[k], limits[k]) for k in limits])
    panel.add_trace("> 00 20 00 98 [4 bytes redacted]  < 0 bytes 63C0 wrong PIN, 0 tries left")
    panel.eligibility.choose(answer="maru_kanji", fault="timeout")  # as a trainer would
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
