"""Face verification speed: decision latency against the naive pipeline, preview rate, memory.

Frames are ``person:obama`` frames at 1280x720 (the kiosk camera); the card is Obama's second
photo through the chip path. Each of ``--frames`` frames is timed three ways one after the
other, so a change in the machine's load hits all of them alike:

* ``decision_ms``: from the frame handed to the verifier child to its verdict (pipe transfer
  included, the frame encoded), the kiosk's way;
* ``naive_decision_ms``: face_locations + face_encodings on the same full frame with
  face_recognition's default upsampling (once), in a helper process;
  ``naive_no_upsample_ms`` the same without upsampling;
* ``detect_ms``: the verifier's detection alone on that frame (helper);
* ``encode_ms``: the floor of one decision with the running ``model`` (helper): detection on the
  downscaled copy, the 68 landmarks, the alignment and one embedding of that one frame.

``speedup`` is naive ÷ decision, ``decision_over_encode`` decision ÷ that floor.
``preview_fps`` counts frames shown by a 30 fps preview loop while the child matches
continuously; ``peak_rss_mb`` adds the peak RSS of the kiosk process (camera and preview)
and of the verifier process (the helper is not counted).
A run with no decision fails and says why; it never reports a null decision time.
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

from kiosk.errors import KioskError
from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.camera.synthetic import PersonCamera, person_layout
from kiosk.face.matching.chip import chip_photo_jp2
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.verifier import DlibVerifier, VerifierPolicy
from kiosk.face.matching.worker import VerifierProcess, peak_rss_mb

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


_ENGINE: list[Any] = []  # the helper process's engine, loaded once


def _helper_start() -> None:

    _ENGINE.append(load_engine())


def _helper_layout(person: str) -> Any:

    return person_layout(person, engine=_ENGINE[0])


def _helper_times(frame: Any) -> dict[str, float | None]:
    """In the helper: the verifier's steps and the naive pipeline on one frame (seconds)."""
    import numpy as np
    from PIL import Image

    engine = _ENGINE[0]
    height, width = frame.shape[:2]
    factor = CONTINUOUS.detect_width / width
    small_size = (round(width * factor), round(height * factor))
    t0 = time.perf_counter()
    small = np.asarray(Image.fromarray(frame).resize(small_size, Image.Resampling.BILINEAR))
    boxes = engine.detect(small, 0)
    times: dict[str, float | None] = {"detect": time.perf_counter() - t0, "encode": None}
    if boxes:
        box = max(boxes, key=lambda b: b.area).scaled(1 / factor, width, height)
        chip, _marks = engine.align(frame, box)
        engine.describe([chip])
        times["encode"] = time.perf_counter() - t0
    for name, upsample in (("naive", 1), ("naive_no_upsample", 0)):
        t0 = time.perf_counter()
        engine.encode(frame, engine.detect(frame, upsample))
        times[name] = time.perf_counter() - t0
    return times


def _interleaved(
    verifier: Any, camera: Any, helper: ProcessPoolExecutor, frames: int
) -> dict[str, list[float]]:
    """Each frame: the kiosk's decision, then the helper's step and naive timings."""
    samples: dict[str, list[float]] = {
        "decision": [],
        "detect": [],
        "encode": [],
        "naive": [],
        "naive_no_upsample": [],
    }
    for _ in range(frames):
        frame = camera.read()
        t0 = time.perf_counter()
        verifier.check(frame)
        samples["decision"].append(time.perf_counter() - t0)
        for name, value in helper.submit(_helper_times, frame).result().items():
            if value is not None:
                samples[name].append(value)
    return samples


def _preview_with_thread(
    args: argparse.Namespace, card: bytes, layout: Any, seconds: float
) -> tuple[float, float]:
    """Preview rate with the verifier in a thread of this process instead (for comparison:
    dlib keeps the GIL while it computes, so the preview stalls)."""
    from PIL import Image

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

    if args.frames < 1:
        raise KioskError("--frames must be 1 or more")
    card = chip_photo_jp2(load_rgb(find_photo(args.card).path))
    context = multiprocessing.get_context("spawn")
    shown_at: list[float] = []
    shown = during_preview = 0
    with (
        ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_helper_start) as helper,
        VerifierProcess(CONTINUOUS) as verifier,
    ):
        layout = helper.submit(_helper_layout, args.person).result()
        with closing(PersonCamera(args.person, layout=layout)) as camera:
            width, height = camera.size
            verifier.prepare(card)
            for _ in range(3):  # the first frames pay for lazy set-up in the child
                verifier.check(camera.read())
            helper.submit(_helper_times, camera.read()).result()  # and in the helper
            samples = _interleaved(verifier, camera, helper, args.frames)

            interval = 1.0 / camera.fps
            pause = threading.Event()  # never set: waits pace the loop at the camera's rate
            start = time.perf_counter()
            next_tick = start
            while time.perf_counter() - start < args.seconds:
                frame = camera.read()
                preview = Image.fromarray(frame).resize((640, 360), Image.Resampling.NEAREST)
                shown += 1
                shown_at.append(time.perf_counter())
                del preview
                if verifier.result(timeout=0.0) is not None:
                    during_preview += 1
                if not verifier.busy:
                    verifier.submit(frame, None)
                del frame
                next_tick += interval
                pause.wait(max(0.0, next_tick - time.perf_counter()))
            elapsed = time.perf_counter() - start
            if verifier.busy and verifier.result(timeout=30.0) is not None:
                during_preview += 1  # the last one, so the child ends idle
        worker_rss = verifier.peak_rss_mb()
    main_rss = peak_rss_mb()
    if not samples["decision"] or not samples["naive"] or not samples["encode"]:
        raise KioskError(
            f"no face decision to time: the helper found no face in {args.frames} frames of "
            f"person:{args.person} (check assets/people)"
        )
    thread_fps, thread_gap = _preview_with_thread(args, card, layout, min(3.0, args.seconds))
    decision_ms = _median_ms(samples["decision"]) or 0.0
    naive_ms = _median_ms(samples["naive"]) or 0.0
    encode_ms = _median_ms(samples["encode"]) or 0.0
    return {
        "model": CONTINUOUS.model,
        "frame_size": f"{width}x{height}",
        "detect_width": CONTINUOUS.detect_width,
        "frames": args.frames,
        "decision_ms": decision_ms,
        "naive_decision_ms": naive_ms,
        "naive_no_upsample_ms": _median_ms(samples["naive_no_upsample"]),
        "speedup": round(naive_ms / decision_ms, 2),
        "speedup_over_no_upsample": round(
            (_median_ms(samples["naive_no_upsample"]) or 0.0) / decision_ms, 2
        ),
        "detect_ms": _median_ms(samples["detect"]),
        "encode_ms": encode_ms,
        "decision_over_encode": round(decision_ms / encode_ms, 2),
        "decisions_during_preview": during_preview,
        "preview_fps": round(shown / elapsed, 1),
        "preview_gap_p95_ms": _gap_p95_ms(shown_at),
        "preview_fps_verifier_in_thread": thread_fps,
        "preview_gap_p95_ms_verifier_in_thread": thread_gap,
        "peak_rss_mb": round((main_rss or 0.0) + (worker_rss or 0.0), 1),
        "peak_rss_main_mb": main_rss,
        "peak_rss_worker_mb": worker_rss,
        "timing": "decision, naive and steps interleaved frame by frame",
    }
