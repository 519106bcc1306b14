"""The simulated CA's state folder: its issuance ledger, and locked, atomic access to its files.

The folder (``kiosk_home()/ca/``) holds ``ledger.json`` (certificate serial -> kind, deck
profile, person, card serial, end of validity), ``revoked.json`` and the DER CRLs; the CA
(:mod:`kiosk.simcard.ca`) keeps the revocation lists and the CRLs in it through
:class:`CaState`. Every read-modify-write holds ``.lock`` (``flock``), so processes sharing a
``KIOSK_HOME`` take turns; every file is replaced atomically (a temporary file in the same
folder, fsynced, renamed), so a reader never sees half a file. A JSON file is parsed again
only when it changed (another inode, size, mtime or ctime).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.simcard.errors import SimCardError

LEDGER = "ledger.json"


class CaError(SimCardError):
    """The simulated CA's material or state cannot be used."""


class CertificateKind(StrEnum):
    AUTH = "auth"  # 利用者証明用電子証明書
    SIGN = "sign"  # 署名用電子証明書


@dataclass(frozen=True)
class LedgerEntry:
    """One issued certificate, as the CA remembers it (no names, no numbers, no PINs)."""

    serial: int
    kind: CertificateKind
    profile: str
    person: str
    card_serial: str
    not_after: datetime


_JSON: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {}  # path -> (stamp, content)
_CACHE_LOCK = threading.Lock()


def stamp(st: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is rewritten (in place or by rename)."""
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def file_stamp(path: Path) -> tuple[int, ...] | None:
    try:
        return stamp(os.stat(path))
    except OSError:
        return None


def read_with_stamp(path: Path) -> tuple[tuple[int, ...], bytes]:
    """The file's bytes and the stamp of exactly the file read (OSError if it cannot be)."""
    with open(path, "rb") as file:
        return stamp(os.fstat(file.fileno())), file.read()


def os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder (fsync + rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class CaState:
    """The files of the CA's state folder ``state_dir``, with the issuance ledger."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self._paths: dict[str, Path] = {}  # state file name -> its path (made once)

    # -- the ledger ---------------------------------------------------------------------

    def record(self, entry: LedgerEntry) -> None:
        """Write ``entry`` into the issuance ledger (replacing one with the same serial)."""
        with self.locked():
            ledger = self.read_json(LEDGER)
            ledger[str(entry.serial)] = {
                "kind": str(entry.kind),
                "profile": entry.profile,
                "person": entry.person,
                "card_serial": entry.card_serial,
                "not_after": entry.not_after.isoformat(),
            }
            self.write_json(LEDGER, ledger)

    def entry(self, cert_serial: int) -> LedgerEntry | None:
        """The ledger's entry for ``cert_serial`` (None: never issued, or unreadable)."""
        raw = self.read_json_cached(LEDGER).get(str(cert_serial))
        if not isinstance(raw, dict):
            return None
        try:
            return LedgerEntry(
                cert_serial,
                CertificateKind(raw["kind"]),
                str(raw["profile"]),
                str(raw["person"]),
                str(raw["card_serial"]),
                datetime.fromisoformat(raw["not_after"]),
            )
        except (KeyError, ValueError, TypeError):
            return None

    # -- the folder's files -------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise read-modify-write of the state files between processes."""
        try:
            lock = open(self.state_dir / ".lock", "a+b")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CaError(
                f"the simulated CA's state in {self.state_dir} cannot be changed ({os_reason(exc)})"
            ) from None
        with lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def read_json(self, name: str) -> dict[str, Any]:
        path = self.state_dir / name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise CaError(
                f"the simulated CA's {name} in {self.state_dir} is unreadable; "
                "move it away to start a fresh ledger"
            ) from exc
        if not isinstance(data, dict):
            raise CaError(f"the simulated CA's {name} in {self.state_dir} is not a JSON object")
        return data

    def path(self, name: str) -> Path:
        path = self._paths.get(name)
        if path is None:
            path = self._paths[name] = self.state_dir / name
        return path

    def read_json_cached(self, name: str) -> dict[str, Any]:
        """Like :meth:`read_json`, read again only when the file changed; never modify the
        result (read-modify-write goes through :meth:`read_json` under the lock)."""
        path = self.path(name)
        key = str(path)
        cached = _JSON.get(key)
        if cached is not None and cached[0] == file_stamp(path):
            return cached[1]
        try:
            stamped, raw = read_with_stamp(path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CaError(f"the simulated CA's {name} in {self.state_dir} is unreadable") from exc
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError as exc:
            raise CaError(
                f"the simulated CA's {name} in {self.state_dir} is unreadable; "
                "move it away to start a fresh ledger"
            ) from exc
        if not isinstance(data, dict):
            raise CaError(f"the simulated CA's {name} in {self.state_dir} is not a JSON object")
        with _CACHE_LOCK:
            _JSON[key] = (stamped, data)
        return data

    def write_json(self, name: str, data: dict[str, Any]) -> None:
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
        self.write_file(name, text.encode("utf-8"))

    def write_file(self, name: str, data: bytes) -> None:
        try:
            write_atomic(self.state_dir / name, data)
        except OSError as exc:
            raise CaError(
                f"the simulated CA's {name} in {self.state_dir} cannot be written "
                f"({os_reason(exc)}); it is as it was"
            ) from None
