"""Ending a face child process (the verifier and the encoder run dlib out of the GUI's way)."""

from __future__ import annotations

import contextlib
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess


def end_child(process: BaseProcess, conn: Connection | None, timeout_s: float = 5.0) -> None:
    """Ask the child to close, wait ``timeout_s`` seconds, terminate it if it lingers, and
    close the pipe; a child that already died is simply reaped."""
    if conn is not None:
        with contextlib.suppress(BrokenPipeError, OSError):
            conn.send(("close",))
    process.join(timeout_s)
    if process.is_alive():
        process.terminate()
        process.join(timeout_s)
    if conn is not None:
        conn.close()
