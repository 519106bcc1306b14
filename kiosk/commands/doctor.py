"""``kiosk doctor [--settings FILE] [--camera SPEC] [--json]``: is this machine ready to be a kiosk?

Checks the facility settings, the PC/SC daemon, a card reader, the camera, a Japanese font,
the libraries of the screen (Qt on X and on Wayland) and of sound, voice guidance, the records
database and the outbox (writable, room on the disk), the 目視 passcode or the staff password
(which is set), and the face models; prints what to fix for each failure and exits 1 when
anything failed (0: ready). Warnings (e.g. only a virtual reader) do not fail. Nothing is
changed except that a missing records database is created, as the kiosk would at start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kiosk.card.errors import CardError
from kiosk.card.pcsc import list_readers
from kiosk.config import Settings, load_settings
from kiosk.devices import VPCD_READER
from kiosk.errors import KioskError
from kiosk.face.errors import ModelMissingError
from kiosk.face.matching.models import checked_file, face_model
from kiosk.records.recorder import open_store
from kiosk.ui.staff_password import reader_entries

PCSCD_SOCKET = "/run/pcscd/pcscd.comm"
MIN_FREE_MB = 200


@dataclass
class Check:
    """One check's outcome; ``fix`` says what to do when it is not ok."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # ok, but worth a look


class CheckFailedError(KioskError):
    """Raised inside a check: it failed; the detail and the fix."""

    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix


def register(sub: Any) -> None:
    parser = sub.add_parser("doctor", help="check this machine is ready to run the kiosk")
    parser.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    parser.add_argument("--camera", default="cv:0", help="the kiosk's camera (default cv:0)")
    parser.add_argument("--records", help="records URL (default: as the kiosk would choose)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    checks = run_checks(args.settings, camera=args.camera, records=args.records)
    ok = all(c.ok for c in checks)
    if args.json:
        print(json.dumps({"ok": ok, "checks": [asdict(c) for c in checks]}, ensure_ascii=False))
    else:
        for check in checks:
            mark = "ok  " if check.ok and not check.warning else ("warn" if check.ok else "FAIL")
            print(f"[{mark}] {check.name}: {check.detail}")
            if check.fix and (not check.ok or check.warning):
                print(f"       fix: {check.fix}")
        print("ready" if ok else "NOT ready: fix the FAIL lines above, then run `kiosk doctor`")
    return 0 if ok else 1


def run_checks(
    settings_file: Path | None, *, camera: str = "cv:0", records: str | None = None
) -> list[Check]:
    """Every check, in the order a technician fixes them."""

    checks: list[Check] = []
    settings = Settings()
    try:
        settings = load_settings(settings_file)
        where = settings_file or os.environ.get("KIOSK_SETTINGS") or "defaults"
        checks.append(Check("settings", True, f"facility settings read ({where})"))
    except Exception as exc:  # SettingsError; the other checks use the defaults
        checks.append(Check("settings", False, str(exc), "correct the settings file"))
    steps: list[tuple[str, Callable[[], str]]] = [
        ("pcscd", check_pcscd),
        ("reader", check_reader),
        ("camera", lambda: check_camera(camera)),
        ("japanese font", check_font),
        ("screen (X)", lambda: check_screen("xcb")),
        ("screen (Wayland)", lambda: check_screen("wayland")),
        ("sound", lambda: check_screen("audio")),
        ("voice guidance", check_voice),
        ("records", lambda: check_records(settings, records)),
        ("outbox", lambda: check_outbox(settings)),
        ("eligibility", lambda: check_eligibility(settings)),
        ("目視 at the reader", lambda: check_staff_password(settings, records)),
        ("face models", lambda: check_face_models(settings)),
    ]
    for name, step in steps:
        checks.append(_attempt(name, step))
    return checks


class Warn(Exception):
    """Raised inside a check: ok, with a warning and a suggestion (not an error, so not a
    :class:`KioskError`: the check passed)."""

    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fix = fix


def _attempt(name: str, step: Callable[[], str]) -> Check:
    try:
        return Check(name, True, step())
    except Warn as warn:
        return Check(name, True, warn.detail, warn.fix, warning=True)
    except CheckFailedError as failed:
        return Check(name, False, failed.detail, failed.fix)
    except Exception as exc:  # a check must never crash the doctor
        return Check(name, False, f"{type(exc).__name__}: {exc}", "see the message")


def check_pcscd() -> str:
    path = os.environ.get("PCSCLITE_CSOCK_NAME", PCSCD_SOCKET)
    fix = "apt install pcscd; systemctl enable --now pcscd.socket"
    if not Path(path).exists():
        raise CheckFailedError(f"the PC/SC daemon is not running (no socket {path})", fix)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        try:
            sock.connect(path)
        except OSError as exc:
            raise CheckFailedError(
                f"pcscd does not answer on {path}: {exc.strerror}", fix
            ) from None
    return f"pcscd answers on {path}"


def check_reader() -> str:

    try:
        readers = list_readers()
    except CardError as exc:
        raise CheckFailedError(
            str(exc), "start pcscd, connect the reader, then try again"
        ) from None
    if not readers:
        raise CheckFailedError(
            "no card reader found",
            "connect the face-authentication card reader (USB), then "
            "check `pcsc_scan`; a reader needs its driver (apt install libccid)",
        )
    real = [r for r in readers if not r.startswith(VPCD_READER)]
    if not real:
        raise Warn(
            f"only the virtual reader ({', '.join(readers)})",
            "fine for the simulator; a real kiosk needs a real reader (apt install libccid)",
        )
    return ", ".join(real)


def check_camera(spec: str) -> str:
    try:
        from kiosk.face.camera.sources import open_camera
    except ImportError as exc:
        raise CheckFailedError(
            f"the camera code cannot load: {exc}", "pip install 'kiosk[face]'"
        ) from None

    try:
        source = open_camera(spec)
        try:
            frame = source.read()
        finally:
            source.close()
    except (KioskError, OSError) as exc:
        raise CheckFailedError(
            f"camera {spec} does not open or give a frame: {exc}",
            "connect the camera, check `ls /dev/video*` and that the kiosk user is in the "
            "group video; or pass --camera",
        ) from None
    return f"{spec} gives {frame.shape[1]}x{frame.shape[0]} frames"


def check_font() -> str:
    tool = shutil.which("fc-list")
    fix = "apt install fonts-ipafont-gothic (or fonts-noto-cjk)"
    if tool is None:
        raise CheckFailedError(
            "fontconfig (fc-list) is not installed", f"apt install fontconfig; {fix}"
        )
    done = subprocess.run(  # noqa: S603 - fixed argv
        [tool, ":lang=ja", "family"], capture_output=True, text=True, timeout=30, check=False
    )
    families = sorted({line.split(",")[0].strip() for line in done.stdout.splitlines() if line})
    if not families:
        raise CheckFailedError(
            "no font for Japanese text is installed (screens would show boxes)", fix
        )
    return ", ".join(families[:3]) + (" …" if len(families) > 3 else "")


SCREEN_PARTS = {
    "xcb": "Qt's X platform (xinit sessions, Xvfb)",
    "wayland": "Qt's Wayland platform (cage)",
    "audio": "Qt's sound (voice guidance, the chime)",
}


def check_screen(part: str) -> str:
    from kiosk.deploy.display import missing

    try:
        lacking = missing(part)
    except FileNotFoundError as exc:
        raise CheckFailedError(str(exc), "see the message") from None
    if lacking.libraries:
        raise CheckFailedError(
            f"{SCREEN_PARTS[part]} cannot load: {', '.join(lacking.libraries)} missing",
            lacking.fix(),
        )
    return f"{SCREEN_PARTS[part]}: every library is installed"


def check_voice() -> str:
    from kiosk.ui.speech import engines, missing

    lacking = missing()
    if lacking:
        raise CheckFailedError(
            "no speech engine for " + ", ".join(lacking) + ": the kiosk would be silent",
            "apt install " + " ".join(lacking.values()),
        )
    return ", ".join(f"{lang}: {engine.name}" for lang, engine in sorted(engines().items()))


def check_records(settings: Any, url: str | None) -> str:

    try:
        with open_store(settings, url) as store:
            with store.db.write():  # takes the write lock: the database is writable
                pass
            verification = store.verify()
            where = store.db.url
    except KioskError as exc:
        raise CheckFailedError(
            str(exc),
            "check [records] url in the settings, the folder's owner (the kiosk user) "
            "and free space; for PostgreSQL that the server runs and the role may write",
        ) from None
    if not verification.ok:
        raise CheckFailedError(
            f"{where}: {verification.summary()}",
            "the records were changed outside the kiosk: keep the file for inspection and "
            "report it (`kiosk records verify`)",
        )
    return f"{_safe_url(where)} writable, chain of {verification.count} records verifies"


def _safe_url(url: str) -> str:
    """A URL without its password."""
    if "@" in url and "://" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://…@{rest.rpartition('@')[2]}"
    return url


def check_outbox(settings: Any) -> str:
    folder = Path(settings.outbox_dir())
    fix = f"create {folder}, owned by the kiosk user (or set [records] outbox)"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", delete=True) as probe:
            probe.write(b"probe")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise CheckFailedError(
            f"the outbox {folder} is not writable: {exc.strerror}", fix
        ) from None
    free_mb = shutil.disk_usage(folder).free / 2**20
    if free_mb < MIN_FREE_MB:
        raise CheckFailedError(
            f"only {free_mb:.0f} MB free on the disk of {folder}",
            f"free disk space (at least {MIN_FREE_MB} MB)",
        )
    face = f"{settings.results_dir()}, {settings.result_encoding}"
    return f"{folder} writable, {free_mb:.0f} MB free; results in {face}"


def check_eligibility(settings: Any) -> str:
    """The simulated service's rehearsal settings: a standing fault fails every patient."""
    charset = f"names carried in {settings.eligibility_name_charset} (the rest as ●)"
    if settings.eligibility_fault != "none":
        raise Warn(
            f"every eligibility check fails ([eligibility] fault = "
            f"{settings.eligibility_fault!r}, a rehearsal setting); {charset}",
            'set [eligibility] fault = "none" before patients use the kiosk',
        )
    return charset


def check_staff_password(settings: Any, records: str | None = None) -> str:
    """Which way staff switch a reader to 目視: the facility's passcode, the staff password."""
    entries = reader_entries(settings, records)
    said = []
    if entries.passcode:
        said.append("目視 passcode set (staff type it on the reader's pad)")
    elif entries.passcode is None:
        said.append(f"目視 passcode unknown (records unreadable: {entries.problem})")
    else:
        said.append("no 目視 passcode")
    where = settings.staff_password_path()
    said.append(f"staff password set ({where})" if entries.password else "no staff password")
    if not entries.any:
        raise CheckFailedError(
            "; ".join(said) + ": kiosk mode will not start",
            "set the passcode with `kiosk staff set-passcode`, or a password with "
            "`kiosk staff set-password` (as the kiosk user)",
        )
    return "; ".join(said)


def check_face_models(settings: Settings | None = None) -> str:
    import importlib.util

    missing = [
        name
        for name in ("face_recognition_models", "dlib", "cv2")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise CheckFailedError(
            f"face verification cannot run: {', '.join(missing)} missing",
            "pip install 'kiosk[face]' (and face_recognition --no-deps, see the Makefile)",
        )
    model = face_model(settings.face_model if settings is not None else None)
    if model.file is None:
        return f"model {model.name}: dlib, OpenCV and the face models are installed"
    try:
        path = checked_file(model)
    except ModelMissingError as exc:
        raise CheckFailedError(
            f"face verification cannot run (the kiosk offers PIN and staff only): {exc}",
            "restore the model file (see assets/models/PROVENANCE.md)",
        ) from None
    return f"model {model.name} ({path.name}, checksum as shipped), dlib and OpenCV installed"
