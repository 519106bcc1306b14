"""``kiosk screenshots DIR``: every screen in both languages at both sizes, as PNG files."""

from __future__ import annotations

from PIL import Image

from kiosk.cli import main


def test_screenshots_command_writes_every_screen_in_both_languages(tmp_path, qapp) -> None:
    assert main(["screenshots", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("*.png"))
    assert len(files) >= 40
    for lang in ("ja", "en"):
        for size in ("1280x800", "1920x1080"):
            assert len(list(tmp_path.glob(f"*_{lang}_{size}.png"))) >= 20
    with Image.open(tmp_path / "pin_ja_1920x1080.png") as image:
        assert image.size == (1920, 1080)
        assert len(image.getcolors(1 << 20) or []) > 10  # something was drawn


def test_bad_size_is_a_clear_error(tmp_path, qapp, capsys) -> None:
    assert main(["screenshots", str(tmp_path), "--size", "big"]) == 2
    assert "WIDTHxHEIGHT" in capsys.readouterr().err
