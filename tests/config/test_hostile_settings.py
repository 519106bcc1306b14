"""Settings files a stranger could write: refused in one line naming the file, never a
traceback, and never repeating more than a few dozen characters of the bad value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import MAX_SETTINGS_BYTES, Settings, SettingsError, load_settings, quoted


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facility.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    return message


def test_nesting_100k_deep_is_refused_in_one_line(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n"))
    assert "nested too deeply" in message


def test_a_file_over_the_size_cap_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "# " + "x" * MAX_SETTINGS_BYTES + "\n")
    assert "larger than 1 MB" in refused(path)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("inf", "finite"),
        ("-inf", "finite"),
        ("nan", "finite"),
        ("1e308", "at most a day"),
        ("86401", "at most a day"),
        ("0", "more than 0"),
    ],
)
def test_timeouts_are_finite_and_at_most_a_day(tmp_path: Path, value: str, words: str) -> None:
    for key in ("idle_seconds", "staff_wait_seconds", "display_seconds"):
        message = refused(write(tmp_path, f"[timeouts]\n{key} = {value}\n"))
        assert words in message and f"timeouts.{key}" in message


def test_a_day_is_still_a_valid_timeout(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[timeouts]\nstaff_wait_seconds = 86400\n"))
    assert settings.staff_wait_timeout_s == 86_400.0


def test_latency_has_an_upper_bound(tmp_path: Path) -> None:
    assert "60000" in refused(write(tmp_path, "[eligibility]\nlatency_ms = 1e12\n"))


@pytest.mark.parametrize(
    "code", ["１２３４５６７８９０", "١٢٣٤٥٦٧٨٩٠", "১২৩৪৫৬৭৮৯০", "131234567\n", "131234567８"]
)
def test_the_institution_code_is_ten_ascii_digits(tmp_path: Path, code: str) -> None:
    text = f"[facility]\nmedical_institution_code = {json.dumps(code)}\n"
    assert "ASCII 0-9" in refused(write(tmp_path, text))
    with pytest.raises(SettingsError):
        Settings().with_overrides({"medical_institution_code": code})


def test_a_huge_bad_value_is_quoted_in_a_few_dozen_characters(tmp_path: Path) -> None:
    huge = "x" * 5_000_000
    message = refused(write(tmp_path, f'[facility]\nkiosk_id = "{huge}"\n'))
    assert len(message) < 400
    with pytest.raises(SettingsError) as caught:
        Settings().with_overrides({"consent_items": [huge]})
    assert len(str(caught.value)) < 400


def test_an_integer_of_thousands_of_digits_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "[face]\nattempts = " + "9" * 5000 + "\n"))
    assert "not valid TOML" in message
    with pytest.raises(SettingsError) as caught:
        Settings().with_overrides({"face_attempts": 10**5000})
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("key", ["outbox", "staff_password_file", "card_salt_file"])
def test_paths_with_nul_or_an_unknown_home_are_refused(key: str) -> None:
    for value in ("a\x00b", "~no-such-user-here/x"):
        with pytest.raises(SettingsError):
            Settings().with_overrides({key: value})


def test_quoted_is_bounded_for_any_value() -> None:
    deep: list[object] = []
    deep.append(deep)
    for value in ("y" * 10_000, 10**5000, deep, {"k" * 500: ["v" * 500] * 500}, b"\x00" * 999):
        assert len(quoted(value)) <= 45


def test_the_cli_says_it_in_one_line_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    path = write(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO("whatever1\n"))
    assert main(["staff", "check-password", "--settings", str(path), "--from-stdin"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
