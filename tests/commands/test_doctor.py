"""``kiosk doctor``: each check passes on a good set-up, fails with a fix on a bad one, and the
command exits non-zero when anything failed."""

from __future__ import annotations

import json
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands import doctor
from kiosk.config import Settings, set_staff_password
from kiosk.paths import assets_dir, kiosk_home


def _photo() -> Path:
    return next((assets_dir() / "people").glob("*.jpg"))


def _doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, dict]]:
    code = main(["doctor", "--json", "--camera", f"image:{_photo()}", *args])
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is (code == 0)
    return code, {c["name"]: c for c in report["checks"]}


@pytest.fixture
def pcscd_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "pcscd.comm"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        monkeypatch.setenv("PCSCLITE_CSOCK_NAME", str(path))
        yield path


def test_missing_staff_password_fails_with_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code, checks = _doctor(capsys)
    assert code == 1
    staff = checks["目視 at the reader"]
    assert staff["ok"] is False and "kiosk staff set-password" in staff["fix"]
    assert "kiosk staff set-passcode" in staff["fix"]
    set_staff_password(Settings(), "a-good-staff-password")
    _, checks = _doctor(capsys)
    staff = checks["目視 at the reader"]
    assert staff["ok"] is True and "no 目視 passcode; staff password set" in staff["detail"]


def test_the_passcode_alone_is_enough_and_doctor_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    from kiosk.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("4821\n"))
    assert main(["staff", "set-passcode"]) == 0
    assert "4821" not in capsys.readouterr().out
    _, checks = _doctor(capsys)
    staff = checks["目視 at the reader"]
    assert staff["ok"] is True and "目視 passcode set" in staff["detail"]
    assert "no staff password" in staff["detail"] and "4821" not in staff["detail"]


def test_good_parts_pass(capsys: pytest.CaptureFixture[str]) -> None:
    _, checks = _doctor(capsys)
    assert checks["settings"]["ok"]
    assert checks["camera"]["ok"] and "frames" in checks["camera"]["detail"]
    assert checks["records"]["ok"] and "verifies" in checks["records"]["detail"]
    assert checks["outbox"]["ok"]
    assert checks["japanese font"]["ok"]  # fonts-ipafont-gothic is in .ci/debian-packages


def test_camera_that_does_not_open(capsys: pytest.CaptureFixture[str]) -> None:
    code, checks = _doctor(capsys, "--camera", "image:/nonexistent.png")
    assert code == 1
    assert checks["camera"]["ok"] is False and "--camera" in checks["camera"]["fix"]


def test_unwritable_outbox_and_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = tmp_path / "facility.toml"
    settings.write_text(
        f'[records]\nurl = "sqlite:///{blocker}/records.db"\noutbox = "{blocker}/outbox"\n',
        encoding="utf-8",
    )
    code, checks = _doctor(capsys, "--settings", str(settings))
    assert code == 1
    assert checks["records"]["ok"] is False and "[records] url" in checks["records"]["fix"]
    assert checks["outbox"]["ok"] is False and "outbox" in checks["outbox"]["fix"]


def test_bad_settings_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "facility.toml"
    settings.write_text("[face]\nattempts = 99\n", encoding="utf-8")
    code, checks = _doctor(capsys, "--settings", str(settings))
    assert code == 1
    assert checks["settings"]["ok"] is False and "line 2" in checks["settings"]["detail"]


def test_pcscd_socket(pcscd_socket: Path) -> None:
    assert str(pcscd_socket) in doctor.check_pcscd()


def test_pcscd_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PCSCLITE_CSOCK_NAME", str(tmp_path / "none"))
    with pytest.raises(doctor.CheckFailedError) as failed:
        doctor.check_pcscd()
    assert "pcscd" in failed.value.fix


def test_no_japanese_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "fc-list"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(doctor.CheckFailedError) as failed:
        doctor.check_font()
    assert "fonts-ipafont-gothic" in failed.value.fix


def test_text_output_says_what_to_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor", "--camera", f"image:{_photo()}"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[FAIL] 目視 at the reader" in out and "fix: set the passcode with" in out
    assert "NOT ready" in out
    assert (kiosk_home() / "records.db").exists()  # created as the kiosk would


def test_the_report_starts_with_its_own_first_line(tmp_path: Path) -> None:
    """OpenCV's back ends print warnings of their own (``[ WARN:0@0.01] global cap_v4l.cpp``)
    when a camera index has no device; doctor's camera line says it in words instead."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "KIOSK_HOME": str(tmp_path)}
    env.pop("OPENCV_LOG_LEVEL", None)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("kiosk")), "doctor", "--camera", "cv:9"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stderr == ""
    assert done.stdout.startswith("[ok  ] settings")
    camera = next(line for line in done.stdout.splitlines() if "] camera:" in line)
    assert camera.startswith("[FAIL] camera: camera cv:9 does not open")


def test_a_standing_eligibility_fault_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, checks = _doctor(capsys)
    assert checks["eligibility"]["ok"] and not checks["eligibility"].get("warning")
    assert "jisx0208" in checks["eligibility"]["detail"]
    assert "face" in checks["outbox"]["detail"] and "shift_jis" in checks["outbox"]["detail"]
    settings = tmp_path / "facility.toml"
    settings.write_text('[eligibility]\nfault = "timeout"\n', encoding="utf-8")
    _, checks = _doctor(capsys, "--settings", str(settings))
    eligibility = checks["eligibility"]
    assert eligibility["ok"] and eligibility["warning"] and "'timeout'" in eligibility["detail"]
    assert 'fault = "none"' in eligibility["fix"]
