"""Headless listeners and the demo: a reception printed as it happens, in the terminal.

``run_demo(out)`` runs one reception with the in-process virtual card (deck profile
``standard``) and the ``person:`` camera of the card's holder (real face pipeline; scripted
verdicts when the face models are not installed), in a temporary KIOSK_HOME unless ``home`` is
given; its records are kept in that home (``$KIOSK_RECORDS`` is not used). Every screen is
printed in Japanese with the kiosk's English. A home that cannot be written (read-only, full)
is reported as :class:`DemoError`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, TextIO

from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.face.matching import verifier  # noqa: F401
from kiosk.paths import kiosk_home_at
from kiosk.reception.clock import ManualClock
from kiosk.reception.events import Event
from kiosk.reception.flow import Change, Reception
from kiosk.reception.ports import FaceFrame
from kiosk.reception.states import State
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import VirtualCard
from kiosk.wiring.services import build_services


class DemoError(KioskError):
    """The demo could not run (its home cannot be written); the message says where and why."""


class JsonLines:
    """A listener writing one JSON object a line per state change (no PIN, no image)."""

    def __init__(self, out: TextIO, **extra: Any) -> None:
        self.out = out
        self.extra = extra

    def __call__(self, change: Change) -> None:
        event = {
            **self.extra,
            "event": change.event,
            "from": change.previous.value,
            "to": change.state.value,
            "screen": change.screen.id,
            "details": change.screen.details,
        }
        print(json.dumps(event, ensure_ascii=False, default=str), file=self.out, flush=True)


class ScreenPrinter:
    """A listener printing each screen readably (transient screens on one line)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.frames = 0
        self.guidance: list[str] = []

    def __call__(self, change: Change) -> None:
        screen = change.screen
        if change.previous.value == "face" and change.state.value != "face" and self.frames:
            self.face_summary()
        if change.event == "staff_mode":
            self._line(f"  ⚙ staff: kiosk mode → {screen.details['staff_mode']}")
            return
        self._line(f"\n[{screen.id}]  {screen.ja}")
        self._line(f"{' ' * (len(screen.id) + 4)}{screen.en}")
        for option in screen.options:
            mark = "○" if option.enabled else "×"
            reason = f" — {option.reason_in('en')}" if not option.enabled and option.reason else ""
            self._line(f"    {mark} {option.ja} / {option.en}{reason}")
        shown = {k: v for k, v in screen.details.items() if k != "staff_mode"}
        if shown:
            self._line(f"    ({', '.join(f'{k}={v}' for k, v in shown.items())})")

    def frame(self, frame: FaceFrame) -> None:
        self.frames += 1
        if frame.guidance and (not self.guidance or self.guidance[-1] != frame.guidance):
            self.guidance.append(frame.guidance)

    def face_summary(self) -> None:
        self._line(
            f"  📷 {self.frames} camera frames; guidance shown: {', '.join(self.guidance) or '-'}"
        )
        self.frames = 0
        self.guidance = []

    def action(self, who: str, ja: str, en: str) -> None:
        self._line(f"  ▶ {who}: {ja} / {en}")

    def _line(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _default_camera(person: str) -> str:
    try:
        import face_recognition_models  # noqa: F401

    except ImportError:
        return "scripted:match"
    return f"person:{person}"


def run_demo(
    out: TextIO, *, camera: str | None = None, profile: str = "standard", home: Path | None = None
) -> int:
    """One complete reception by face, printed as it happens. Returns 0 when it completes."""
    where = (home if home is not None else Path(tempfile.gettempdir())).absolute()
    try:
        return _demo(out, camera=camera, profile=profile, home=home)
    except sqlite3.Error as exc:
        raise DemoError(f"the demo's records in {where} cannot be written ({exc})") from None
    except OSError as exc:
        place = exc.filename if exc.filename else where
        reason = exc.strerror or type(exc).__name__
        raise DemoError(f"the demo cannot write to {place} ({reason})") from None


def _demo(out: TextIO, *, camera: str | None, profile: str, home: Path | None) -> int:
    with contextlib.ExitStack() as stack:
        where = home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-")))
        where = where.absolute()
        try:
            where.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise DemoError(f"--home {where}: is a file, not a folder") from None
        stack.enter_context(kiosk_home_at(where))

        card = VirtualCard(issue_card(profile))
        camera = camera or _default_camera(card.state.face.person)
        services = build_services(
            Settings(),
            camera=camera,
            clock=ManualClock(),
            records=f"sqlite:///{where / 'records.db'}",
        )
        stack.callback(services.close)
        printer = ScreenPrinter(out)
        printer.action("demo", f"カード {profile}", f"card profile {profile}, camera {camera}")
        flow = services.reception()
        flow.add_listener(printer)
        flow.add_frame_listener(printer.frame)
        _play(flow, services, card, printer)
        if flow.state != State.DONE:
            return 1
        if flow.visit.result_path:
            printer.action("clinic", "結果ファイル", f"result file {flow.visit.result_path}")
        printer.action("patient", "カードを取る", "takes the card")
        services.remove_card()
        flow.send(Event.CARD_REMOVED)
    return 0


def _play(flow: Reception, services: Any, card: Any, printer: ScreenPrinter) -> None:

    printer.action("patient", "カードを置く", "places the card")
    services.insert_card(card)
    flow.send(Event.CARD_PLACED)
    if flow.state == State.EXPIRY_ALERT:
        printer.action("patient", "次へ", "Next")
        flow.send(Event.NEXT)
    if flow.state == State.REGISTER:
        printer.action("patient", "登録する", "Register")
        flow.send(Event.REGISTER, True)
    if flow.state != State.METHOD:
        return
    printer.action("patient", "顔認証", "Face")
    flow.send(Event.CHOOSE_FACE)
    while flow.state == State.FACE:
        printer.action("patient", "カメラを見る", "looks at the camera")
        flow.send(Event.LOOK_AT_CAMERA)
        if flow.state == State.FACE_FAILED and flow.face_tries_left():
            printer.action("patient", "もう一度", "Try again")
            flow.send(Event.RETRY_FACE)
    answers = iter([True, False, True, False])
    while flow.state == State.CONSENT:
        agree = next(answers)
        printer.action("patient", "同意する" if agree else "同意しない", "Agree" if agree else "No")
        flow.send(Event.CONSENT, agree)
    if flow.state == State.HIGH_COST:
        printer.action("patient", "利用しない", "Do not use")
        flow.send(Event.HIGH_COST, False)
    if flow.state == State.PRESCRIPTION:
        printer.action("patient", "電子処方箋", "Electronic")
        flow.send(Event.PRESCRIPTION, True)
