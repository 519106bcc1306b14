"""A scenario run writes only inside its own home: a real kiosk home is refused unless asked
for, no credential is ever written, $KIOSK_RECORDS is not used, and every path a scenario
names stays inside the home."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import Settings, set_staff_password
from kiosk.paths import assets_dir
from kiosk.scenarios.runner import HOME_MARKER, run_scenarios

PIN_SCENARIO = assets_dir() / "scenarios" / "01-pin-standard.yaml"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scenario(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def real_home(tmp_path: Path) -> Path:
    """A kiosk's home with its records and a staff password, as a clinic has it."""
    home = tmp_path / "real-home"
    home.mkdir()
    set_staff_password(Settings(staff_password_file=home / "staff-password"), "clinic secret")
    (home / "records.db").write_bytes(b"the clinic's records")
    return home


def test_a_real_home_is_refused_and_left_as_it_was(
    real_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: digest(p) for p in real_home.iterdir()}
    code = main(["scenario", "run", str(PIN_SCENARIO), "--home", str(real_home)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "--allow-real-home" in err and "not a scenario home" in err
    assert {p.name: digest(p) for p in real_home.iterdir()} == before


def test_allowed_explicitly_it_runs_there_but_keeps_the_staff_password(
    real_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(real_home / "staff-password")
    (real_home / "records.db").unlink()  # the run may use the home's records
    argv = ["scenario", "run", str(PIN_SCENARIO), "--home", str(real_home), "--allow-real-home"]
    assert main(argv) == 0
    assert digest(real_home / "staff-password") == before
    assert not (real_home / HOME_MARKER).exists()  # still not a scenario home
    capsys.readouterr()


def test_a_new_home_is_marked_and_reused(tmp_path: Path) -> None:
    home = tmp_path / "new-home"
    assert run_scenarios([PIN_SCENARIO], home=home).failed == 0
    assert (home / HOME_MARKER).is_file()
    assert not (home / "staff-password").exists()  # checked in memory, never written
    assert (home / "records.db").exists()
    assert run_scenarios([PIN_SCENARIO], home=home).failed == 0


def test_kiosk_records_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "clinic-records.db"
    monkeypatch.setenv("KIOSK_RECORDS", f"sqlite:///{elsewhere}")
    home = tmp_path / "home"
    assert run_scenarios([PIN_SCENARIO], home=home).failed == 0
    assert not elsewhere.exists()
    assert (home / "records.db").exists()


def test_a_scenario_cannot_set_a_staff_password_anywhere(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("important")
    path = scenario(
        tmp_path,
        f"name: s\ncard: standard\nsettings: {{staff_password_file: {victim}}}\n"
        "steps: [place_card, {staff_mode: visual}]\n",
    )
    report = run_scenarios([path], home=tmp_path / "home")
    assert report.failed == 1
    assert "only inside their home" in report.results[0].failures[0]
    assert victim.read_text() == "important"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("staff_password_file", "../escape"),
        ("outbox", "/tmp/outbox-anywhere"),
        ("card_salt_file", "~/salt"),
        ("outbox", "a/../../x"),
        ("records_url", "sqlite:////tmp/anywhere.db"),
        ("records_url", "sqlite:///../up.db"),
        ("records_url", "postgresql://db.clinic/records"),
        ("outbox", "nul\x00here"),
    ],
)
def test_path_settings_must_stay_inside_the_home(tmp_path: Path, setting: str, value: str) -> None:
    text = json.dumps(
        {"name": "s", "card": "standard", "settings": {setting: value}, "steps": ["place_card"]}
    )
    report = run_scenarios([scenario(tmp_path, text)], home=tmp_path / "home")
    assert report.failed == 1
    assert setting in report.results[0].failures[0]
    assert not (tmp_path / "escape").exists() and not (tmp_path / "up.db").exists()


def test_relative_paths_land_inside_the_home(tmp_path: Path) -> None:
    text = json.dumps(
        {
            "name": "s",
            "card": "standard",
            "card_file": "cards/one.card",
            "settings": {"outbox": "inbox", "records_url": "sqlite:///db/records.db"},
            "steps": ["place_card", {"choose": "pin"}, {"pin": "correct"}],
        }
    )
    home = tmp_path / "home"
    report = run_scenarios([scenario(tmp_path, text)], home=home)
    assert report.failed == 0, report.results[0].failures
    assert (home / "cards" / "one.card").is_file()
    assert (home / "db" / "records.db").is_file()


@pytest.mark.parametrize("card_file", ["/tmp/anywhere.card", "../up.card", "a\x00b.card"])
def test_card_files_stay_inside_the_home(tmp_path: Path, card_file: str) -> None:
    text = json.dumps({"name": "s", "card": "standard", "card_file": card_file, "steps": []})
    report = run_scenarios([scenario(tmp_path, text)], home=tmp_path / "home")
    assert report.failed == 1 and "card_file" in report.results[0].failures[0]
    assert not Path("/tmp/anywhere.card").exists() and not (tmp_path / "up.card").exists()


def test_a_symlink_out_of_the_home_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    outside = tmp_path / "outside"
    outside.mkdir()
    assert run_scenarios([PIN_SCENARIO], home=home).failed == 0
    (home / "link").symlink_to(outside)
    text = json.dumps({"name": "s", "card": "standard", "card_file": "link/x.card"})
    report = run_scenarios([scenario(tmp_path, text)], home=home)
    assert report.failed == 1 and "leads out of the scenario home" in report.results[0].failures[0]
    assert list(outside.iterdir()) == []
