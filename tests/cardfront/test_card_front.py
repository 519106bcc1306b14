"""照合番号B off the card front: the drawn front of every deck card read by Tesseract (or
found unsure, never misread), the checks that make a reading unsure, and a refused 照合番号B
never sent twice."""

from __future__ import annotations

import shutil
from datetime import date
from typing import Any

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from kiosk.card.errors import CardError
from kiosk.card.pins import verify_b_number
from kiosk.card.wareki import era_date, era_yymmdd, printed_birth, printed_expiry
from kiosk.cardfront.camera import ImageFront, PrintedFront, open_front_camera
from kiosk.cardfront.errors import CardFrontError
from kiosk.cardfront.ocr import Layout, Token, read_front
from kiosk.cardfront.reader import FrontReader, FrontUnsureError
from kiosk.cardfront.render import render_front
from kiosk.simcard.deck import load_deck
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import verification_number_b
from kiosk.simcard.virtual import VirtualCard
from kiosk.wiring.adapters import TransportCardSession

TODAY = date.today()
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs tesseract-ocr and tesseract-ocr-jpn"
)


def test_era_dates_and_verify_b_agree_with_the_virtual_card() -> None:
    assert printed_birth(date(1985, 3, 1)) == "昭和６０年　３月　１日生"
    assert printed_birth(date(1989, 1, 8)).startswith("平成元年")
    assert printed_expiry(date(2035, 3, 1)) == "２０３５年　３月　１日まで有効"
    assert era_date("昭和", 64, 1, 7) == date(1989, 1, 7)
    with pytest.raises(ValueError):
        era_date("昭和", 64, 1, 8)  # 平成 had begun
    assert era_yymmdd(date(2019, 5, 1)) == "010501"
    for profile in load_deck().values():
        face = profile.card_face(TODAY)
        assert verify_b_number(
            face.birth_date, face.expiry.year, face.security_code
        ) == verification_number_b(face.birth_date, face.expiry, face.security_code)


# -- the reading rules, with a scripted recogniser ----------------------------------------


def _tokens(line: str, top: int, confidence: float = 95.0) -> list[Token]:
    return [
        Token(word, confidence, 40 + 80 * i, top, 30 * len(word), 30)
        for i, word in enumerate(line.split())
    ]


def scripted(
    birth: str, expiry: str, code: str, *, again: dict[str, tuple[str, str]] | None = None
) -> Any:
    """A recogniser that 'reads' a front with these lines; ``again`` changes what the two
    line readings of a field see."""
    again = again or {}

    def recognise(image: Image.Image, layout: Layout) -> list[Token]:
        if layout is Layout.SPARSE:
            return [
                *_tokens(birth, 260),
                *_tokens(expiry, 340),
                *_tokens("セキュリティコード", 400),
                *_tokens(code, 440),
            ]
        found = []
        height = image.height
        texts = (
            [*again.get("birth", (birth, birth)), *again.get("expiry", (expiry, expiry))]
            if layout is Layout.LINES
            else list(again.get("code", (code, code)))
        )
        band = height / (len(texts) * 2 + 1)
        for i, text in enumerate(texts):
            found += _tokens(text, int(band * (2 * i + 1) + band / 2 - 15))
        return found

    return recognise


FRONT = Image.new("RGB", (1011, 638), "white")
GOOD = ("昭和 55 年 2 月 17 日生", "2034 年 2 月 17 日まで 有効", "2285")


def test_a_front_read_the_same_everywhere_gives_verify_b() -> None:
    reading = read_front(FRONT, today=date(2026, 1, 5), recognise=scripted(*GOOD))
    assert reading.sure and reading.verify_b == "55021720342285"
    assert "2285" not in repr(reading)


@pytest.mark.parametrize(
    ("lines", "again", "problem"),
    [
        (GOOD, {"code": ("2285", "2265")}, "readings of the security code differ"),
        (
            GOOD,
            {"birth": (GOOD[0], "昭和 59 年 2 月 17 日生")},
            "readings of the birth date differ",
        ),
        (GOOD, {"expiry": ("2034 年 2 月 17 日まで", "")}, "expiry was not found"),
        (
            ("昭和 55 年 2 月 17 日生", "2034 年 2 月 18 日まで 有効", "2285"),
            {},
            "expiry does not fall on a birthday",
        ),
        (("昭和 65 年 2 月 17 日生", *GOOD[1:]), {}, "birth date"),  # no 昭和65年
        ((GOOD[0], "2060 年 2 月 17 日まで 有効", GOOD[2]), {}, "expiry year"),
        ((GOOD[0], GOOD[1], "22"), {}, "security code"),
    ],
)
def test_anything_doubtful_leaves_the_reading_unsure(
    lines: tuple[str, str, str], again: dict[str, tuple[str, str]], problem: str
) -> None:
    reading = read_front(FRONT, today=date(2026, 1, 5), recognise=scripted(*lines, again=again))
    assert reading.verify_b is None
    assert any(problem in p for p in reading.problems), reading.problems


def test_low_confidence_in_every_reading_is_unsure() -> None:
    def weak(image: Image.Image, layout: Layout) -> list[Token]:
        return [
            Token(t.text, 10.0, t.left, t.top, t.width, t.height)
            for t in scripted(*GOOD)(image, layout)
        ]

    reading = read_front(FRONT, today=date(2026, 1, 5), recognise=weak)
    assert reading.verify_b is None and any("low confidence" in p for p in reading.problems)


# -- Tesseract on the drawn fronts --------------------------------------------------------


def _truth(name: str) -> str:
    face = load_deck()[name].card_face(TODAY)
    return verification_number_b(face.birth_date, face.expiry, face.security_code)


def _front(name: str) -> Image.Image:
    return render_front(load_deck()[name].card_face(TODAY))


@needs_tesseract
def test_every_deck_front_is_read_right_or_found_unsure_and_most_are_read() -> None:
    read = 0
    deck = list(load_deck())
    for name in deck:
        value = read_front(_front(name)).verify_b
        assert value in (None, _truth(name)), f"{name}: a wrong 照合番号B"
        read += value is not None
    assert read >= 0.75 * len(deck), f"only {read} of {len(deck)} fronts read"


VARIANTS = {
    "turned 3°": lambda im: im.rotate(3, expand=True, fillcolor=(60, 60, 60)),
    "turned -2°": lambda im: im.rotate(-2, expand=True, fillcolor=(60, 60, 60)),
    "blurred": lambda im: im.filter(ImageFilter.GaussianBlur(2)),
    "very blurred": lambda im: im.filter(ImageFilter.GaussianBlur(3.5)),
    "dim": lambda im: ImageEnhance.Brightness(im).enhance(0.35),
    "small": lambda im: im.resize((600, 379)),
}


@needs_tesseract
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", ["standard", "face-only", "elderly"])
def test_a_poor_photo_is_read_right_or_found_unsure(name: str, variant: str) -> None:
    value = read_front(VARIANTS[variant](_front(name))).verify_b
    assert value in (None, _truth(name))


# -- the reader: cameras, and a refused value is never sent twice ------------------------


def test_card_camera_specs(tmp_path: Any) -> None:
    assert isinstance(open_front_camera("printed"), PrintedFront)
    picture = tmp_path / "front.png"
    Image.new("RGB", (10, 10)).save(picture)
    assert isinstance(open_front_camera(f"image:{picture}"), ImageFront)
    for bad in ("image:/nowhere.png", "cv:one", "webcam", "image:"):
        with pytest.raises(CardFrontError, match="card camera"):
            open_front_camera(bad)
    picture.write_bytes(b"not an image")
    with pytest.raises(CardFrontError, match="not a readable image"):
        ImageFront(picture).capture(VirtualCard(issue_card("standard")))


class CountingCard(VirtualCard):
    """Counts VERIFY commands with data sent to 券面AP's 照合番号B (EF 0012)."""

    verify_b_sent = 0

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        if apdu[:4] == bytes.fromhex("00200092") and len(apdu) > 5:
            self.verify_b_sent += 1
        return super().transmit(apdu)


class WrongFront:
    """A card-front camera that shows another card (its 照合番号B opens nothing here)."""

    def __init__(self, other: Image.Image) -> None:
        self.other = other

    def capture(self, transport: Any) -> Image.Image:
        return self.other


@needs_tesseract
def test_a_refused_reading_is_never_sent_again() -> None:
    other = _front("standard")
    if read_front(other).verify_b is None:
        pytest.skip("the standard front was not read today")
    card = CountingCard(issue_card("auth-pin-locked"))
    front = FrontReader(WrongFront(other))
    session = TransportCardSession(card, front=front)
    session.read_for_reception()
    with pytest.raises(Exception, match="照合番号B"):
        session.read_face_photo()
    for _ in range(2):  # the staff photo, a second visit: nothing more is sent
        with pytest.raises(CardError, match="not tried again"):
            session.read_face_photo()
        with pytest.raises(FrontUnsureError, match="refused"):
            TransportCardSession(card, front=front).read_face_photo()
    assert card.verify_b_sent == 1
