"""The outbox: the folder the clinic system watches for result files.

A file appears there whole or not at all: it is written into ``<outbox>/.partial/`` (a
sub-folder the clinic system does not read), flushed to disk, then linked into the outbox
(never replacing an existing file)
and the folder itself is flushed. ``stage`` + ``publish`` let the caller commit its records
between the two; ``discard`` removes a staged file. A full disk or an unwritable outbox
raises :class:`RecordError` with what to do, and leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.records.errors import RecordError

PARTIAL = ".partial"


@dataclass(frozen=True)
class Staged:
    temp: Path
    final: Path


class Outbox:
    """Atomic writes of result files into one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._partial = folder / PARTIAL
        self._partial_made = False

    def stage(self, name: str, data: bytes, *, durable: bool = True) -> Staged:
        """Write ``data`` (``durable``: flushed to disk) to a temporary file for ``name``
        (not yet visible)."""
        if "/" in name or name.startswith("."):
            raise RecordError(f"bad result file name {name!r}")
        partial = self._partial
        temp = partial / f"{name}.tmp"
        try:
            if not self._partial_made:
                partial.mkdir(parents=True, exist_ok=True)
                self._partial_made = True
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            except FileNotFoundError:  # the folder was taken away since: make it again
                partial.mkdir(parents=True, exist_ok=True)
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
            raise self._error(exc) from None
        return Staged(temp, self.folder / name)

    def publish(self, staged: Staged, *, durable: bool = True) -> Path:
        """Make a staged file visible to the clinic system (link + ``durable``: folder fsync).

        An existing file of the same name is never replaced: the new one gets ``-2``, ``-3`` …
        """
        final = staged.final
        try:
            for attempt in range(2, 1000):
                try:
                    os.link(staged.temp, final)
                    break
                except FileExistsError:
                    name = f"{staged.final.stem}-{attempt}{staged.final.suffix}"
                    final = staged.final.with_name(name)
            else:  # pragma: no cover - a thousand results with one name
                raise OSError(errno.EEXIST, "too many result files with this name")
            staged.temp.unlink()
            if durable:
                _fsync_dir(self.folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                staged.temp.unlink(missing_ok=True)
            raise self._error(exc) from None
        return final

    def write_small(self, name: str, data: bytes) -> Path:
        """A small, not durable file written straight under its own name (one write; never
        replacing an existing file: ``-2``, ``-3`` … as for results). For the checkpoint
        beside a result: a reader sees it whole or not at all, and a power cut may lose it."""
        if "/" in name or name.startswith("."):
            raise RecordError(f"bad result file name {name!r}")
        final = self.folder / name
        try:
            for attempt in range(2, 1000):
                try:
                    fd = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                    break
                except FileExistsError:
                    final = self.folder / f"{Path(name).stem}-{attempt}{Path(name).suffix}"
            else:  # pragma: no cover - a thousand files with one name
                raise OSError(errno.EEXIST, "too many files with this name")
            try:
                if os.write(fd, data) != len(data):
                    raise OSError(errno.EIO, "short write")
            finally:
                os.close(fd)
        except OSError as exc:
            raise self._error(exc) from None
        return final

    def discard(self, staged: Staged) -> None:
        staged.temp.unlink(missing_ok=True)

    def write(self, name: str, data: bytes, *, durable: bool = True) -> Path:
        """Stage and publish at once (whole or not at all; ``durable``: flushed to disk)."""
        return self.publish(self.stage(name, data, durable=durable), durable=durable)

    def _error(self, exc: OSError) -> RecordError:
        if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
            return RecordError(
                f"the outbox {self.folder} is full (no space left on the disk): the result for "
                "the clinic system was not written; free disk space, then repeat the reception"
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return RecordError(
                f"the outbox {self.folder} cannot be written (permission denied or read-only): "
                "check the folder set as [records] outbox and its permissions"
            )
        if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.ENOENT):
            return RecordError(
                f"the outbox {self.folder} is not a usable folder ({exc.strerror}): "
                "check the folder set as [records] outbox"
            )
        return RecordError(f"cannot write into the outbox {self.folder}: {exc.strerror}")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
