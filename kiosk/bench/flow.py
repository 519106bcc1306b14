"""Complete headless receptions per second (PIN path and face path), in-process card.

The PIN path: card read, certificate check against the CA and CRL, registration and
eligibility look-up, VERIFY + signature of a fresh challenge checked against the certificate,
two consents, the high-cost screen, the record (SQLite, synchronous=FULL) and the result XML.
One card is issued once (no RSA key generation per reception). The face path adds the chip
photo read and the real face pipeline over the ``person:`` camera of the card's holder.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=3.0, help="time per path (s)")
    parser.add_argument("--face-receptions", type=int, default=6, help="face receptions to time")
    parser.add_argument("--no-face", action="store_true", help="skip the face path")
    parser.add_argument(
        "--records", default=None, help="records URL (default: SQLite in a temp home)"
    )
    parser.add_argument(
        "--camera-size",
        default="640x480",
        help="person: camera frame size WxH (the kiosk's own camera is 1280x720)",
    )


def _reception(services: Any, card: Any, pin: str | None) -> bool:
    from kiosk.reception.states import State

    flow = services.flow
    services.insert_card(card)
    flow.card_placed()
    if pin is None:
        flow.choose_face()
        while flow.state == State.FACE:
            flow.look_at_camera()
            if flow.state == State.FACE_FAILED and flow.face_tries_left():
                flow.retry_face()
    else:
        flow.choose_pin()
        flow.pin_entered(pin)
    while flow.state == State.CONSENT:
        flow.consent(True)
    if flow.state == State.HIGH_COST:
        flow.high_cost(False)
    done = flow.state == State.DONE
    services.remove_card()
    flow.card_removed()
    return done


def _rate(
    services: Any, card: Any, pin: str | None, seconds: float, at_most: int
) -> dict[str, Any]:
    count = failed = 0
    start = time.perf_counter()
    while count < at_most and (time.perf_counter() - start < seconds or count == 0):
        if not _reception(services, card, pin):
            failed += 1
        count += 1
    elapsed = time.perf_counter() - start
    return {"receptions": count, "failed": failed, "per_s": count / elapsed, "s": elapsed}


def run(args: argparse.Namespace) -> dict[str, Any]:
    from kiosk.config import Settings
    from kiosk.reception.scenario import kiosk_home_at
    from kiosk.services import build_services
    from kiosk.simcard.deck import get_profile
    from kiosk.simcard.issue import issue_card
    from kiosk.simcard.virtual import VirtualCard

    figures: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiosk-bench-")))
        stack.enter_context(kiosk_home_at(home))
        settings = Settings()
        t0 = time.perf_counter()
        card = VirtualCard(issue_card("standard"))
        figures["card_issue_s"] = round(time.perf_counter() - t0, 3)
        pin = get_profile("standard").auth_pin

        services = build_services(settings, records=args.records, camera="scripted:match")
        stack.callback(services.close)
        services.flow = services.reception()
        _reception(services, card, pin)  # warm-up (CA, deck, database)
        pin_run = _rate(services, card, pin, args.seconds, 10**9)
        figures["pin_receptions_per_s"] = round(pin_run["per_s"], 1)
        figures["pin_receptions"] = pin_run["receptions"]
        figures["pin_failed"] = pin_run["failed"]
        figures["pin_ms_per_reception"] = round(1000 * pin_run["s"] / pin_run["receptions"], 2)

        if not args.no_face:
            width, _, height = args.camera_size.partition("x")
            size = (int(width), int(height))
            from kiosk.reception.camera_face import CameraFace

            face = CameraFace(f"person:{card.state.face.person}", size=size)
            services.face = face
            services.flow.face = face
            t0 = time.perf_counter()
            _reception(services, card, None)  # warm-up: models, camera
            figures["face_warmup_s"] = round(time.perf_counter() - t0, 2)
            face_run = _rate(services, card, None, float("inf"), args.face_receptions)
            figures["face_receptions_per_s"] = round(face_run["per_s"], 2)
            figures["face_receptions"] = face_run["receptions"]
            figures["face_failed"] = face_run["failed"]
            figures["face_camera_size"] = args.camera_size
            face.close()
        figures["records"] = args.records or "sqlite (synchronous=FULL) in a temporary home"
    return figures
