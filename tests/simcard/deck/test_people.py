"""The people list and the chip's face photo (greyscale JPEG 2000)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from kiosk.simcard import people
from kiosk.simcard.people import (
    CHIP_PHOTO_SIZE,
    PeopleError,
    UnknownPersonError,
    face_photo_jp2,
    load_people,
    photo_path,
    portrait_box,
)


@pytest.fixture
def astronaut_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An assets folder with one person: scikit-image's astronaut (Eileen Collins, NASA, PD)."""
    from skimage import data

    folder = tmp_path / "assets" / "people"
    folder.mkdir(parents=True)
    Image.fromarray(data.astronaut()).save(folder / "astronaut.png")
    (folder / "people.toml").write_text(
        '[[people]]\nid = "astronaut"\nname = "Eileen Collins"\nfile = "astronaut.png"\n'
        'source = "scikit-image data.astronaut()"\nauthor = "NASA"\n'
        'licence = "public domain"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("KIOSK_ASSETS", str(tmp_path / "assets"))
    return folder


def _open(jp2: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jp2))
    image.load()
    return image


def test_chip_photo_is_small_greyscale_jpeg2000(astronaut_assets: Path) -> None:
    jp2 = face_photo_jp2("astronaut")
    assert jp2[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n"  # JP2 signature box
    image = _open(jp2)
    assert image.format == "JPEG2000"
    assert image.mode == "L"
    assert image.size == CHIP_PHOTO_SIZE
    assert 2_000 <= len(jp2) <= 20_000


def test_chip_photo_is_cached(astronaut_assets: Path) -> None:
    assert face_photo_jp2("astronaut") is face_photo_jp2("astronaut")


def test_changed_photo_is_re_encoded(astronaut_assets: Path) -> None:
    first = face_photo_jp2("astronaut")
    Image.new("RGB", (120, 160), "white").save(astronaut_assets / "astronaut.png")
    second = face_photo_jp2("astronaut")
    assert second != first
    assert _open(second).getextrema()[0] > 200  # the new, white picture


def test_unknown_person_is_a_clear_error(astronaut_assets: Path) -> None:
    with pytest.raises(UnknownPersonError, match=r"nobody.*astronaut"):
        face_photo_jp2("nobody")


def test_missing_photo_file(astronaut_assets: Path) -> None:
    (astronaut_assets / "astronaut.png").unlink()
    with pytest.raises(PeopleError, match="missing"):
        photo_path("astronaut")


def test_undecodable_photo(astronaut_assets: Path) -> None:
    (astronaut_assets / "astronaut.png").write_bytes(b"not an image")
    with pytest.raises(PeopleError, match="cannot be decoded"):
        face_photo_jp2("astronaut")


def test_missing_people_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_ASSETS", str(tmp_path))
    with pytest.raises(PeopleError, match="no people list"):
        load_people()


def test_people_table_form_and_crop(tmp_path: Path) -> None:
    path = tmp_path / "people.toml"
    path.write_text(
        '[people.a]\nname = "A"\nfile = "a.jpg"\nsource = "s"\nlicence = "PD"\n'
        "crop = [0, 0, 30, 40]\n",
        encoding="utf-8",
    )
    person = load_people(path)["a"]
    assert person.crop == (0, 0, 30, 40) and person.author == ""
    path.write_text('[[people]]\nid = "a"\nname = "A"\n', encoding="utf-8")
    with pytest.raises(PeopleError, match="missing file, source, licence"):
        load_people(path)


def test_portrait_box_is_three_by_four() -> None:
    for width, height in ((512, 512), (640, 480), (300, 900)):
        left, top, right, bottom = portrait_box(width, height)
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        assert abs((right - left) * 4 - (bottom - top) * 3) <= 4


def test_shipped_people_make_chip_photos() -> None:
    shipped = load_people()
    assert shipped, "assets/people/people.toml lists nobody"
    for person_id in shipped:
        image = _open(people.face_photo_jp2(person_id))
        assert image.mode == "L" and image.size == CHIP_PHOTO_SIZE
