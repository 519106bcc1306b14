"""Complete headless receptions per second (PIN path and face path), in-process card.

The PIN path: card read, certificate check against the CA and CRL, registration and
eligibility look-up, VERIFY + signature of a fresh challenge checked against the certificate,
two consents, the high-cost screen, the record (SQLite, synchronous=FULL) and the result XML.
One card is issued once (no RSA key generation per reception). The face path adds the chip
photo read and the real face pipeline over the ``person:`` camera of the card's holder.

Everything is written on the filesystem of the kiosk home (``KIOSK_HOME``, else
``~/.local/share/kiosk``), in a temporary folder inside it, and ``filesystem`` names it (type
and mount point from /proc/mounts): on tmpfs an fsync is free. Between two PIN receptions
the run times the I/O floor in the same folder (one WAL commit with synchronous=FULL plus one
fsynced write-and-rename of a small file, see kiosk.bench._disk); ``pin_own_ms`` is a
reception's median time less that floor's median, ``pin_cpu_ms`` its median CPU time
(time.process_time).

``face_receptions_per_s`` is ONE kiosk: one flow, receptions one after the other, with the
face verifier as the kiosk runs it (detection, landmarks and liveness in the flow's process,
encodings shared with the kiosk's encoder child on the second core; see
kiosk.wiring.camera_face). Every reception encodes the chip photo anew and at least three
live frames, needs a blink, and drops every encoding at its end. ``--serial`` times the same
with every encoding in the flow's thread (one core), for comparison. ``--workers N`` > 1 also
times N kiosks side by side (one process each) and reports their sum separately as
``face_receptions_per_s_all_kiosks``; it never changes ``face_receptions_per_s``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from kiosk.bench._disk import IoFloor, filesystem
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.paths import kiosk_home, kiosk_home_at
from kiosk.reception.events import Event
from kiosk.reception.states import State
from kiosk.simcard.cardfile import load_card, save_card
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import VirtualCard
from kiosk.wiring.camera_face import CameraFace
from kiosk.wiring.services import build_services


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=3.0, help="time per path (s)")
    parser.add_argument("--face-receptions", type=int, default=8, help="face receptions per worker")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="face path: kiosks timed side by side, one process each (default 1; the figure "
        "is per kiosk, their sum is reported apart)",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="face path: every encoding in the flow's thread (no encoder child), for comparison",
    )
    parser.add_argument(
        "--blink-every-s",
        type=float,
        default=3.0,
        help="person: camera blink period (s; 3, as the kiosk's own camera)",
    )
    parser.add_argument("--no-face", action="store_true", help="skip the face path")
    parser.add_argument(
        "--records", default=None, help="records URL (default: SQLite in a temp home)"
    )
    parser.add_argument(
        "--camera-size",
        default="1280x720",
        help="person: camera frame size WxH (default 1280x720, the kiosk's own camera)",
    )


def _reception(services: Any, flow: Any, card: Any, pin: str | None) -> bool:

    services.insert_card(card)
    flow.send(Event.CARD_PLACED)
    if pin is None:
        flow.send(Event.CHOOSE_FACE)
        while flow.state == State.FACE:
            flow.send(Event.LOOK_AT_CAMERA)
            if flow.state == State.FACE_FAILED and Event.RETRY_FACE in flow.allowed_events():
                flow.send(Event.RETRY_FACE)
    else:
        flow.send(Event.CHOOSE_PIN)
        flow.send(Event.PIN_ENTERED, pin)
    while flow.state == State.CONSENT:
        flow.send(Event.CONSENT, True)
    if flow.state == State.HIGH_COST:
        flow.send(Event.HIGH_COST, False)
    done = flow.state == State.DONE
    services.remove_card()
    flow.send(Event.CARD_REMOVED)
    if flow.state != State.START:  # not completed: its end screen shows for display_s
        _wait_for_start(flow)
    return done


def _wait_for_start(flow: Any, limit_s: float = 120.0) -> None:
    """Let the kiosk's clock act until it shows the start screen again, as after a
    reception that did not complete (the failure is counted, the next one can start)."""
    deadline = time.monotonic() + limit_s
    while flow.send(Event.TICK) != State.START:
        if time.monotonic() > deadline:
            raise KioskError(f"the kiosk stayed on {flow.state.value!r} for {limit_s:.0f} s")
        time.sleep(0.05)


def _collect_results(outbox: Path) -> None:
    """The clinic system takes each result file (and its checkpoint) from the outbox, as it
    does at a clinic, so the folder does not grow through the run (untimed)."""
    with os.scandir(outbox) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)


def _rate(
    services: Any, flow: Any, card: Any, pin: str | None, seconds: float, at_most: int
) -> dict[str, Any]:
    count = failed = 0
    start = time.perf_counter()
    while count < at_most and (time.perf_counter() - start < seconds or count == 0):
        if not _reception(services, flow, card, pin):
            failed += 1
        count += 1
    elapsed = time.perf_counter() - start
    return {"receptions": count, "failed": failed, "per_s": count / elapsed, "s": elapsed}


def _pin_path(
    services: Any, flow: Any, card: Any, pin: str, seconds: float, floor: IoFloor
) -> dict[str, Any]:
    """PIN receptions for ``seconds``, each followed by one I/O floor sample."""
    walls: list[float] = []
    cpus: list[float] = []
    floors: list[float] = []
    floor_cpus: list[float] = []
    failed = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or not walls:
        wall, cpu = time.perf_counter(), time.process_time()
        if not _reception(services, flow, card, pin):
            failed += 1
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        cpu = time.process_time()
        floors.append(floor.sample())
        floor_cpus.append(time.process_time() - cpu)
        _collect_results(services.settings.results_dir())
    reception_ms = statistics.median(walls) * 1000.0
    floor_ms = statistics.median(floors) * 1000.0
    return {
        "pin_receptions_per_s": round(len(walls) / sum(walls), 1),
        "pin_receptions": len(walls),
        "pin_failed": failed,
        "pin_ms_per_reception": round(reception_ms, 2),
        "pin_io_floor_ms": round(floor_ms, 2),
        "pin_own_ms": round(reception_ms - floor_ms, 2),
        "pin_cpu_ms": round(statistics.median(cpus) * 1000.0, 2),
        "pin_io_floor_cpu_ms": round(statistics.median(floor_cpus) * 1000.0, 2),
    }


def _face_worker(
    home: Path, card_path: Path, args: argparse.Namespace, barrier: Any, results: Any
) -> None:
    """One kiosk in its own process: warm up, wait for the others, time N face receptions."""

    with kiosk_home_at(home):
        card = VirtualCard(load_card(card_path))
        width, _, height = args.camera_size.partition("x")
        face = CameraFace(
            f"person:{card.state.face.person}",
            size=(int(width), int(height)),
            camera_options={"blink_every_s": args.blink_every_s},
            parallel=not args.serial,
        )
        services = build_services(Settings(), records=args.records, face=face)
        flow = services.reception()
        frames = [0]
        flow.add_frame_listener(lambda _frame: frames.__setitem__(0, frames[0] + 1))
        t0 = time.monotonic()
        _reception(services, flow, card, None)  # warm-up: face models, camera, database
        if not args.serial:  # the kiosk's encoder child has its models, as after start-up
            from kiosk.face.matching.encoder import shared_encoder

            shared_encoder().wait_ready(60.0)
        warmup = time.monotonic() - t0
        barrier.wait()
        frames[0] = 0
        run = _rate(services, flow, card, None, float("inf"), args.face_receptions)
        services.close()
        from kiosk.face.matching.encoder import shared_encoder
        from kiosk.face.matching.worker import peak_rss_mb

        rss = (peak_rss_mb() or 0.0) + (shared_encoder().peak_rss_mb() or 0.0)
        results.put((run["receptions"], run["failed"], run["s"], warmup, frames[0], rss))


WORKER_TIMEOUT_S = 600.0  # one face kiosk's warm-up and receptions, at most


def _gather(results: Any, workers: list[Any], timeout_s: float) -> list[Any]:
    """One row from every face kiosk, or KioskError as soon as one ended without its row
    (its traceback is above on stderr) or the time is up: the bench never waits silently."""
    rows: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while len(rows) < len(workers):
        try:
            rows.append(results.get(timeout=0.5))
            continue
        except queue.Empty:
            pass
        failed = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
        if failed:
            raise KioskError(
                f"a face kiosk process failed (exit code {failed[0]}) before it reported; "
                "its error is printed above"
            )
        if time.monotonic() > deadline:
            raise KioskError(
                f"the face receptions did not finish within {timeout_s:.0f} s "
                f"({len(rows)} of {len(workers)} kiosks reported)"
            )
    return rows


def _face_path(args: argparse.Namespace, home: Path, card_path: Path) -> dict[str, Any]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(args.workers)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=_face_worker, args=(home, card_path, args, barrier, results))
        for _ in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    try:
        rows = _gather(results, workers, WORKER_TIMEOUT_S)
    finally:
        for worker in workers:
            worker.join(timeout=5 if worker.exitcode is not None else 0.1)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
    total = sum(r[0] for r in rows)
    one_kiosk = statistics.mean(r[0] / r[2] for r in rows)
    figures: dict[str, Any] = {
        "face_receptions_per_s": round(one_kiosk, 2),
        "face_receptions_per_s_one_kiosk": round(one_kiosk, 2),
        "face_ms_per_reception": round(1000.0 / one_kiosk, 1),
        "face_frames_per_reception": round(sum(r[4] for r in rows) / total, 1),
        "face_encodings": "one core (serial)" if args.serial else "two cores (encoder child)",
        "face_workers": args.workers,
        "face_receptions": total,
        "face_failed": sum(r[1] for r in rows),
        "face_warmup_s": round(max(r[3] for r in rows), 2),
        "face_peak_rss_mb_one_kiosk": round(max(r[5] for r in rows), 1),
        "face_camera": f"person:, {args.camera_size}, blink every {args.blink_every_s:g} s",
    }
    if args.workers > 1:
        longest = max(r[2] for r in rows)
        figures["face_receptions_per_s_all_kiosks"] = round(total / longest, 2)
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:

    figures: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        base = kiosk_home()
        home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-", dir=base)))
        figures["filesystem"] = filesystem(base)
        stack.enter_context(kiosk_home_at(home))
        settings = Settings()
        t0 = time.perf_counter()
        card = VirtualCard(issue_card("standard"))
        figures["card_issue_s"] = round(time.perf_counter() - t0, 3)
        pin = get_profile("standard").auth_pin

        services = build_services(settings, records=args.records, camera="scripted:match")
        stack.callback(services.close)
        floor = IoFloor(home / "io-floor")
        stack.callback(floor.close)
        flow = services.reception()
        _reception(services, flow, card, pin)  # warm-up (CA, deck, database)
        figures |= _pin_path(services, flow, card, pin, args.seconds, floor)

        if not args.no_face:
            card_path = home / "bench.card"

            save_card(card_path, card.state)
            figures |= _face_path(args, home, card_path)
        figures["records"] = args.records or "sqlite (WAL, synchronous=FULL) in the kiosk home"
    return figures
