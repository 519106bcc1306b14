"""Face verification speed: detection, encoding, decision latency, preview rate and memory.

Frames are ``person:obama`` frames at 1280x720 (the kiosk camera); the card is Obama's second
photo through the chip path. ``decision_ms`` is the median time from a live frame arriving to
that frame's verdict with the verifier in its child process (pipe transfer included), each
frame encoded; ``naive_decision_ms`` runs face_locations + face_encodings on the same full
frames in this process; ``preview_fps`` counts frames shown by a 30 fps preview loop while the
child matches continuously; ``peak_rss_mb`` adds this process's peak RSS and the child's.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from contextlib import closing
from typing import Any

from kiosk.face.verifier import VerifierPolicy

CONTINUOUS = VerifierPolicy(
    agreeing_frames=10**6, max_attempts=10**6, timeout_s=1e9, require_liveness=False
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=20, help="frames timed per figure")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of the preview run")
    parser.add_argument("--person", default="obama", help="live person (assets/people id)")
    parser.add_argument("--card", default="obama-2", help="card photo (assets/people photo id)")


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000.0, 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    from PIL import Image

    from kiosk.face.camera import open_camera
    from kiosk.face.chip import chip_photo_jp2
    from kiosk.face.engine import load_engine
    from kiosk.face.people import find_photo, load_rgb
    from kiosk.face.worker import VerifierProcess

    card = chip_photo_jp2(load_rgb(find_photo(args.card).path))
    engine = load_engine()
    detect, encode, naive = [], [], []
    with closing(open_camera(f"person:{args.person}", engine=engine)) as camera:
        width, height = camera.size
        factor = CONTINUOUS.detect_width / width
        small_size = (round(width * factor), round(height * factor))
        for _ in range(args.frames):
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

        decisions: list[float] = []
        shown = 0
        with VerifierProcess(CONTINUOUS) as verifier:
            verifier.prepare(card)
            for _ in range(3):  # warm the child (first frames pay for lazy set-up)
                verifier.check(camera.read())
            interval = 1.0 / camera.fps
            start = time.perf_counter()
            next_tick = start
            submitted_at = 0.0
            while time.perf_counter() - start < args.seconds:
                frame = camera.read()
                arrived = time.perf_counter()
                preview = Image.fromarray(frame).resize((640, 360), Image.Resampling.NEAREST)
                shown += 1
                del preview
                if not verifier.busy:
                    verifier.submit(frame, None)
                    submitted_at = arrived
                del frame
                next_tick += interval
                while True:
                    remaining = next_tick - time.perf_counter()
                    result = verifier.result(timeout=max(0.0, remaining))
                    if result is not None:
                        decisions.append(time.perf_counter() - submitted_at)
                    if remaining <= 0 or result is None:
                        break
            elapsed = time.perf_counter() - start
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    decision_ms = _median_ms(decisions) if decisions else None
    naive_ms = _median_ms(naive) if naive else None
    return {
        "frame_size": f"{width}x{height}",
        "detect_width": CONTINUOUS.detect_width,
        "detect_ms": _median_ms(detect),
        "encode_ms": _median_ms(encode) if encode else None,
        "decision_ms": decision_ms,
        "naive_decision_ms": naive_ms,
        "speedup": round(naive_ms / decision_ms, 2) if decision_ms and naive_ms else None,
        "decisions": len(decisions),
        "preview_fps": round(shown / elapsed, 1),
        "peak_rss_mb": round((self_kb + child_kb) / 1024.0, 1),
        "peak_rss_main_mb": round(self_kb / 1024.0, 1),
        "peak_rss_worker_mb": round(child_kb / 1024.0, 1),
    }
