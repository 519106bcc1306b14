"""Face verification speed: detection, encoding, decision latency, preview rate and memory.

Frames are ``person:obama`` frames at 1280x720 (the kiosk camera); the card is Obama's second
photo through the chip path. ``decision_ms`` is the median time from a live frame arriving to
that frame's verdict with the verifier in its child process (pipe transfer included, every
frame encoded); ``naive_decision_ms`` is face_locations + face_encodings on the same full
frames (default upsampling), timed in the same run; ``detect_ms`` / ``encode_ms`` time the
verifier's two steps alone. ``preview_fps`` counts frames shown by a 30 fps preview loop while
the child matches continuously; ``peak_rss_mb`` adds the peak RSS of the kiosk process (camera
and preview) and of the verifier process. The step timings run in a third, separate process
so their model copy is not counted.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import statistics
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from typing import Any

from kiosk.face.verifier import VerifierPolicy

CONTINUOUS = VerifierPolicy(
    agreeing_frames=10**6, max_attempts=10**6, timeout_s=1e9, require_liveness=False
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=20, help="frames timed per step")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of the preview run")
    parser.add_argument("--person", default="obama", help="live person (assets/people id)")
    parser.add_argument("--card", default="obama-2", help="card photo (assets/people photo id)")


def _median_ms(samples: list[float]) -> float | None:
    return round(statistics.median(samples) * 1000.0, 1) if samples else None


def _steps(person: str, frames: int) -> dict[str, Any]:
    """In a helper process: the camera layout, and the detect / encode / naive step timings."""
    import numpy as np
    from PIL import Image

    from kiosk.face.engine import load_engine
    from kiosk.face.synthetic import PersonCamera, person_layout

    engine = load_engine()
    layout = person_layout(person, engine=engine)
    detect: list[float] = []
    encode: list[float] = []
    naive: list[float] = []
    with closing(PersonCamera(person, layout=layout)) as camera:
        width, height = camera.size
        factor = CONTINUOUS.detect_width / width
        small_size = (round(width * factor), round(height * factor))
        for _ in range(frames):
            frame = camera.read()
            t0 = time.perf_counter()
            small = np.asarray(Image.fromarray(frame).resize(small_size, Image.Resampling.BILINEAR))
            boxes = engine.detect(small, 0)
            detect.append(time.perf_counter() - t0)
            if not boxes:
                continue
            box = max(boxes, key=lambda b: b.area).scaled(1 / factor, width, height)
            t0 = time.perf_counter()
            engine.encode(frame, [box])
            encode.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            found = engine.detect(frame, 1)  # face_locations' default: upsample once
            engine.encode(frame, found)
            naive.append(time.perf_counter() - t0)
    return {"layout": layout, "detect": detect, "encode": encode, "naive": naive}


def _preview_with_thread(
    args: argparse.Namespace, card: bytes, layout: Any, seconds: float
) -> tuple[float, float]:
    """Preview rate with the verifier in a thread of this process instead (for comparison:
    dlib keeps the GIL while it computes, so the preview stalls)."""
    from PIL import Image

    from kiosk.face.synthetic import PersonCamera
    from kiosk.face.verifier import DlibVerifier

    verifier = DlibVerifier(CONTINUOUS)
    verifier.prepare(card)
    latest: list[Any] = []
    stop = threading.Event()

    def match() -> None:
        while not stop.is_set():
            if latest:
                verifier.check(latest[-1])

    shown = 0
    stamps: list[float] = []
    with closing(PersonCamera(args.person, layout=layout)) as camera:
        latest.append(camera.read())
        worker = threading.Thread(target=match, name="bench-match", daemon=True)
        worker.start()
        start = time.perf_counter()
        next_tick = start
        while time.perf_counter() - start < seconds:
            frame = camera.read()
            Image.fromarray(frame).resize((640, 360), Image.Resampling.NEAREST)
            latest[:] = [frame]
            shown += 1
            stamps.append(time.perf_counter())
            next_tick += 1.0 / camera.fps
            stop.wait(max(0.0, next_tick - time.perf_counter()))
        elapsed = time.perf_counter() - start
        stop.set()
        worker.join()
    verifier.forget()
    latest.clear()
    return round(shown / elapsed, 1), _gap_p95_ms(stamps)


def _gap_p95_ms(stamps: list[float]) -> float:
    """95th percentile of the time between two shown frames (33 ms at a steady 30 fps)."""
    gaps = sorted(b - a for a, b in itertools.pairwise(stamps))
    return round(gaps[int(0.95 * (len(gaps) - 1))] * 1000.0, 1) if gaps else 0.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    from PIL import Image

    from kiosk.face.chip import chip_photo_jp2
    from kiosk.face.people import find_photo, load_rgb
    from kiosk.face.synthetic import PersonCamera
    from kiosk.face.worker import VerifierProcess, peak_rss_mb

    card = chip_photo_jp2(load_rgb(find_photo(args.card).path))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        steps = pool.submit(_steps, args.person, args.frames).result()

    decisions: list[float] = []
    shown_at: list[float] = []
    shown = 0
    worker_rss: float | None = None
    with (
        VerifierProcess(CONTINUOUS) as verifier,
        closing(PersonCamera(args.person, layout=steps["layout"])) as camera,
    ):
        width, height = camera.size
        verifier.prepare(card)
        for _ in range(3):  # the first frames pay for lazy set-up in the child
            verifier.check(camera.read())
        interval = 1.0 / camera.fps
        tick = threading.Event()  # never set: waits pace the loop at the camera's rate
        start = time.perf_counter()
        next_tick = start
        submitted_at = 0.0
        while time.perf_counter() - start < args.seconds:
            frame = camera.read()
            arrived = time.perf_counter()
            preview = Image.fromarray(frame).resize((640, 360), Image.Resampling.NEAREST)
            shown += 1
            shown_at.append(time.perf_counter())
            del preview
            if not verifier.busy:
                verifier.submit(frame, None)
                submitted_at = arrived
            del frame
            next_tick += interval
            # until the camera's next frame: collect the verdict the moment it arrives
            while (remaining := next_tick - time.perf_counter()) > 0:
                if not verifier.busy:
                    tick.wait(remaining)
                    break
                result = verifier.result(timeout=remaining)
                if result is not None:
                    decisions.append(time.perf_counter() - submitted_at)
        elapsed = time.perf_counter() - start
        if verifier.busy:  # a slow machine: the frame still in the child is a decision too
            result = verifier.result(timeout=60.0)
            if result is not None:
                decisions.append(time.perf_counter() - submitted_at)
        worker_rss = verifier.peak_rss_mb()
    main_rss = peak_rss_mb()
    thread_fps, thread_gap = _preview_with_thread(
        args, card, steps["layout"], min(3.0, args.seconds)
    )
    decision_ms = _median_ms(decisions)
    naive_ms = _median_ms(steps["naive"])
    return {
        "frame_size": f"{width}x{height}",
        "detect_width": CONTINUOUS.detect_width,
        "detect_ms": _median_ms(steps["detect"]),
        "encode_ms": _median_ms(steps["encode"]),
        "decision_ms": decision_ms,
        "naive_decision_ms": naive_ms,
        "speedup": round(naive_ms / decision_ms, 2) if decision_ms and naive_ms else None,
        "decisions": len(decisions),
        "preview_fps": round(shown / elapsed, 1),
        "preview_gap_p95_ms": _gap_p95_ms(shown_at),
        "preview_fps_verifier_in_thread": thread_fps,
        "preview_gap_p95_ms_verifier_in_thread": thread_gap,
        "peak_rss_mb": round((main_rss or 0.0) + (worker_rss or 0.0), 1),
        "peak_rss_main_mb": main_rss,
        "peak_rss_worker_mb": worker_rss,
    }
