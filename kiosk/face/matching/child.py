"""Face child processes (the verifier and the encoder run dlib out of the GUI's way): ending
one, and reading its peak memory."""

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


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak resident memory (VmHWM) of a process in MB, from /proc (None when unavailable)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        return None
    return None
