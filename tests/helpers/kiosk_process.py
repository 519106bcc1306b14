"""A headless kiosk in a process of its own (``python -m kiosk.station.headless``), driven
line by line on stdin, its printed states read on a thread."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.pairing import pair
from kiosk.reception import State

REPO = Path(__file__).resolve().parents[2]


class KioskProcess:
    """``python -m kiosk.station.headless`` with its stdout read on a thread."""

    def __init__(self, url: str, kiosk_id: str, *more: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk.station.headless",
                "--records",
                url,
                "--kiosk-id",
                kiosk_id,
                "--frames",
                f"image:{REPO / 'assets/people/joe-biden-1.jpg'}",
                *more,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def expect(self, wanted: str, timeout_s: float = 60.0) -> None:
        while wanted not in self.seen:
            try:
                self.seen.append(self.lines.get(timeout=timeout_s))
            except queue.Empty:
                stderr = self.process.stderr.read() if self.process.poll() is not None else ""
                raise AssertionError(
                    f"the kiosk never said {wanted!r}: {self.seen} {stderr}"
                ) from None

    def send(self, word: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.send("quit")
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(30)


@contextmanager
def patient_waiting(url: str, kiosk_id: str) -> Iterator[KioskProcess]:
    """A paired kiosk in a process of its own whose patient placed the card and pressed
    職員を呼ぶ; it must stop cleanly at the end."""
    pair(url, kiosk_id)
    kiosk = KioskProcess(url, kiosk_id)
    try:
        kiosk.expect("ready")
        kiosk.send("place")
        kiosk.send("call_staff")
        kiosk.expect(f"state {State.STAFF_WAIT.value}")
        yield kiosk
    finally:
        assert kiosk.stop() == 0
