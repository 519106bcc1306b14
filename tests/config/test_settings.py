"""Facility settings: defaults, the TOML file, errors naming file + line + reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import (
    Settings,
    SettingsError,
    load_settings,
    set_staff_password,
    staff_password_ok,
)
from kiosk.eligibility.model import ConsentItem
from kiosk.paths import kiosk_home

EXAMPLE = """\
# a clinic's settings
[facility]
medical_institution_code = "0141234567"
kiosk_id = "front-2"
language = "en"
issues_e_prescription = true

[consent]
items = ["surgery", "medication", "treatment"]
show_high_cost = false

[timeouts]
idle_seconds = 90
warning_seconds = 30
staff_wait_seconds = 120

[face]
attempts = 2
tolerance = 0.45

[records]
url = "postgresql://kiosk@db.clinic.local/records"
outbox = "/srv/oqs/inbox"

[eligibility]
latency_ms = 1500
failure_rate = 0.1
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facility.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.consent_items == (ConsentItem.MEDICATION, ConsentItem.CHECKUPS)
    assert settings.idle_warning_s >= 20 and not settings.issues_e_prescription
    assert settings.outbox_dir() == kiosk_home() / "outbox"


def test_the_file_sets_every_value(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, EXAMPLE))
    assert settings.medical_institution_code == "0141234567"
    assert settings.kiosk_id == "front-2" and settings.language == "en"
    assert settings.issues_e_prescription is True and settings.show_high_cost is False
    # file order does not matter; the screens follow the official order
    assert settings.consent_items == (
        ConsentItem.MEDICATION,
        ConsentItem.TREATMENT,
        ConsentItem.SURGERY,
    )
    assert (settings.idle_timeout_s, settings.idle_warning_s) == (90.0, 30.0)
    assert settings.staff_wait_timeout_s == 120.0
    assert (settings.face_attempts, settings.face_tolerance) == (2, 0.45)
    assert settings.records_url == "postgresql://kiosk@db.clinic.local/records"
    assert settings.outbox_dir() == Path("/srv/oqs/inbox")
    assert (settings.eligibility_latency_ms, settings.eligibility_failure_rate) == (1500.0, 0.1)


def test_env_and_home_file_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (kiosk_home() / "facility.toml").write_text('[facility]\nkiosk_id = "home"\n')
    assert load_settings().kiosk_id == "home"
    monkeypatch.setenv("KIOSK_SETTINGS", str(write(tmp_path, '[facility]\nkiosk_id = "env"\n')))
    assert load_settings().kiosk_id == "env"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[facility]\nkiosk_id = "a"\nmedical_institution_code = "12345"\n', 3, "10 digits"),
        ("[timeouts]\nidle_seconds = 60\n\nwarning_seconds = 10\n", 4, "at least 20"),
        ('[consent]\nitems = ["medication", "dental"]\n', 2, "unknown item 'dental'"),
        ("[face]\nattempts = 'three'\n", 2, "whole number"),
        ("[face]\ntolerance = 2.5\n", 2, "between 0 and 2"),
        ('[face]\nmodel = "arcface"\n', 2, "is not a face model (choose from mobilefacenet, dlib)"),
        ("[consent]\nshow_high_cost = 1\n", 2, "true or false"),
        ("[facility]\nkiosk = 'x'\n", 2, "unknown setting facility.kiosk"),
        ("face.attempts = 0\n", 1, "between 1 and 10"),
        ('[records]\nurl = "mysql://x"\n', 2, "sqlite:/// or postgresql://"),
        ("[facility]\nlanguage = 'fr'\n", 2, "one of ja, en"),
    ],
)
def test_bad_values_name_file_line_and_reason(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path} line {line}: "), message
    assert words in message


def test_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[facility]\nkiosk_id = front\n")
    with pytest.raises(SettingsError, match=r"not valid TOML: .*line 2"):
        load_settings(path)
    with pytest.raises(SettingsError, match="not found"):
        load_settings(tmp_path / "missing.toml")


def test_overrides_are_checked() -> None:
    settings = Settings().with_overrides(
        {"consent_items": ["surgery"], "issues_e_prescription": True, "idle_timeout_s": 5}
    )
    assert settings.consent_items == (ConsentItem.SURGERY,)
    assert settings.issues_e_prescription and settings.idle_timeout_s == 5.0
    with pytest.raises(SettingsError, match="unknown setting 'consents'"):
        Settings().with_overrides({"consents": []})
    with pytest.raises(SettingsError, match="idle_warning_s"):
        Settings().with_overrides({"idle_warning_s": 3})


def test_staff_password() -> None:
    settings = Settings()
    assert not staff_password_ok(settings, "anything")  # none set: nobody gets in
    path = set_staff_password(settings, "correct horse")
    assert path.stat().st_mode & 0o777 == 0o600
    assert "correct horse" not in path.read_text()
    assert staff_password_ok(settings, "correct horse")
    assert not staff_password_ok(settings, "correct hors")
    with pytest.raises(SettingsError):
        set_staff_password(settings, "short")


def test_the_documented_example_loads(tmp_path: Path) -> None:
    import textwrap

    import kiosk.config

    doc = kiosk.config.__doc__ or ""
    example = textwrap.dedent(doc.split("The file (every key optional)::", 1)[1])
    settings = load_settings(write(tmp_path, example))
    assert settings.kiosk_id == "reception-1"
    assert settings.records_url == "sqlite:////var/lib/kiosk/records.db"
    assert settings.outbox_dir() == Path("/srv/clinic/oqs-inbox")
