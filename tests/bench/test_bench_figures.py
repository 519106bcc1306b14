"""The benchmarks state their conditions: JSON keys and types, filesystem, I/O floor."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bench import flow as bench_flow
from kiosk.bench import records as bench_records
from kiosk.bench._disk import IoFloor, filesystem
from kiosk.cli import build_parser, main
from kiosk.records import RecordStore

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw,nosuid 0 0
/dev/vdb /tmp/kiosk\\040disk xfs rw 0 0
"""


def _loaded(code: str, modules: tuple[str, ...]) -> list[str]:
    found = f"','.join(m for m in {modules!r} if m in sys.modules)"
    probe = f"{code}\nimport sys\nprint('loaded:' + {found})"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("loaded:"))
    return [m for m in line.removeprefix("loaded:").split(",") if m]


HEAVY = ("numpy", "PySide6", "kiosk.face", "kiosk.faults.soak", "cryptography", "PIL")


def test_kiosk_version_imports_no_command_group() -> None:
    code = "from kiosk.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    assert _loaded(code, (*HEAVY, "kiosk.commands.card", "kiosk.commands.bench")) == []


def test_a_command_imports_its_own_group_only() -> None:
    code = "from kiosk.cli import build_parser\nbuild_parser(['records', 'verify'])"
    loaded = _loaded(code, (*HEAVY, "kiosk.commands.records", "kiosk.commands.face"))
    assert loaded == ["kiosk.commands.records"]


def test_every_group_is_still_listed_and_parsed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    for group in ("card", "face", "records", "run", "soak", "bench", "doctor"):
        assert f"    {group}" in listing
    args = build_parser(["-v", "records", "verify"]).parse_args(["-v", "records", "verify"])
    assert args.records_command == "verify" and args.verbose == 1
    with pytest.raises(SystemExit):
        main(["warp-drive"])
    assert "invalid choice" in capsys.readouterr().err


def test_the_filesystem_is_the_longest_mount_holding_the_path(tmp_path: Path) -> None:
    table = tmp_path / "mounts"
    table.write_text(MOUNTS, encoding="utf-8")
    assert filesystem(Path("/tmp/x"), str(table))["type"] == "tmpfs"
    disk = filesystem(Path("/tmp/kiosk disk/home"), str(table))
    assert (disk["type"], disk["mount_point"], disk["device"]) == (
        "xfs",
        "/tmp/kiosk disk",
        "/dev/vdb",
    )
    assert filesystem(Path("/var/lib"), str(table))["type"] == "ext4"


def test_the_io_floor_commits_and_renames(tmp_path: Path) -> None:
    floor = IoFloor(tmp_path / "floor")
    try:
        assert all(floor.sample() > 0 for _ in range(3))
    finally:
        floor.close()
    assert (tmp_path / "floor" / "floor.xml").stat().st_size > 0
    assert not (tmp_path / "floor" / "floor.tmp").exists()


def test_flow_names_the_kiosk_homes_filesystem_and_its_floor(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    bench_flow.add_arguments(parser)
    figures = bench_flow.run(parser.parse_args(["--seconds", "0.2", "--no-face"]))
    assert figures["filesystem"]["type"] and figures["filesystem"]["mount_point"]
    for key in ("pin_ms_per_reception", "pin_io_floor_ms", "pin_cpu_ms", "pin_io_floor_cpu_ms"):
        assert isinstance(figures[key], float) and figures[key] > 0, key
    assert isinstance(figures["pin_own_ms"], float)
    assert figures["pin_failed"] == 0


def test_face_flow_defaults_are_the_kiosk_camera() -> None:
    parser = argparse.ArgumentParser()
    bench_flow.add_arguments(parser)
    args = parser.parse_args([])
    assert (args.camera_size, args.blink_every_s) == ("1280x720", 3.0)


def test_bench_records_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["bench", "records", "--json", "--receptions", "1500", "--appends", "3"]
    assert main(argv) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["receptions"] == 1500
    for key in (
        "append_filled_over_fresh",
        "verify_s",
        "verify_peak_rss_mb",
        "export_s",
        "export_peak_rss_mb",
    ):
        assert isinstance(figures[key], float) and figures[key] > 0, key
    assert figures["filesystem"]["type"]


def test_the_fill_goes_through_the_chain(tmp_path: Path) -> None:
    with RecordStore.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        bench_records.fill(store, 2500)
        assert store.verify().count == 2500
        assert len(store.records(kind="reception")) == 2500


def test_a_face_bench_reception_retries_a_failed_attempt(tmp_path: Path) -> None:
    from kiosk.paths import kiosk_home_at
    from kiosk.simcard.issue import issue_card
    from kiosk.simcard.virtual import VirtualCard
    from kiosk.wiring.services import build_services

    with kiosk_home_at(tmp_path):
        services = build_services(camera="scripted:no-match,match")
        flow = services.reception()
        card = VirtualCard(issue_card("standard"))
        try:  # the first attempt fails: only the retry completes the reception
            assert bench_flow._reception(services, flow, card, None)
        finally:
            services.close()


def test_the_face_bench_says_at_once_when_a_kiosk_process_fails() -> None:
    import multiprocessing

    from kiosk.errors import KioskError

    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    worker = ctx.Process(target=sys.exit, args=(3,))
    worker.start()
    try:
        with pytest.raises(KioskError, match="exit code 3"):
            bench_flow._gather(results, [worker], timeout_s=600)
    finally:
        worker.join()


def test_a_failed_face_bench_reception_counts_and_the_next_one_starts(tmp_path: Path) -> None:
    from kiosk.config import Settings
    from kiosk.paths import kiosk_home_at
    from kiosk.reception.states import State
    from kiosk.simcard.issue import issue_card
    from kiosk.simcard.virtual import VirtualCard
    from kiosk.wiring.services import build_services

    with kiosk_home_at(tmp_path):
        services = build_services(Settings(display_s=0.2), camera="scripted:no-match")
        flow = services.reception()
        card = VirtualCard(issue_card("standard"))
        try:
            assert not bench_flow._reception(services, flow, card, None)
            assert flow.state == State.START
            assert not bench_flow._reception(services, flow, card, None)  # no FlowError
        finally:
            services.close()


def test_the_startup_bench_times_compiled_bytecode_and_says_so(tmp_path: Path) -> None:
    import os

    from kiosk.bench import startup

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "screen.py"
    module.write_text("TITLE = 'start'\n")
    assert startup.stale_modules(package) == [package / "__init__.py", module]
    done = startup.compile_bytecode(package)
    assert done == {
        "modules": 2,
        "compiled_before_timing": 2,
        "compiled_from_source_at_every_start": 0,
    }
    assert startup.stale_modules(package) == []
    module.write_text("TITLE = 'start screen'\n")  # an edit makes its bytecode stale
    os.utime(module, (1, 1))
    assert startup.stale_modules(package) == [module]
    assert startup.compile_bytecode(package)["compiled_before_timing"] == 1
