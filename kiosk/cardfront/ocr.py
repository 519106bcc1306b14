"""Reading 照合番号B off a photograph of the card front with Tesseract (Japanese model).

:func:`read_front` straightens the photo (grey, contrast stretched, deskewed) and reads it
twice: once as a page of sparse text, which finds the birth-date line, the expiry line and the
security code under its label, then once more line by line, each of those lines cut out and
scaled to one text height. A field counts only when both readings give the same value with
enough confidence and the fields agree with each other: the birth date exists in its era
(和暦, or 西暦), the card's expiry falls on a birthday (a card expires on the holder's 5th or
10th birthday after issue) in a plausible year, and the security code is one 4-digit group.
Anything less leaves the reading unsure (:attr:`FrontReading.problems`): the reader then
offers the PIN or staff instead of spending one of the card's 照合番号B tries on a guess.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from kiosk.card.pins import verify_b_number
from kiosk.card.wareki import ERA_NAMES, era_date
from kiosk.cardfront.errors import CardFrontError

if TYPE_CHECKING:
    from PIL import Image as PILImage

log = logging.getLogger(__name__)

MIN_CONFIDENCE = 30.0
"""Tesseract word confidence (0-100) a field must reach in its best reading."""
WORK_WIDTH = 1200
"""Width in pixels a photo is scaled to when its width is outside :data:`NATIVE_WIDTHS`;
scales near 1 are avoided (resampling by a few percent blurs thin strokes)."""
NATIVE_WIDTHS = (900, 1600)
LINE_HEIGHT = 48
"""Text height in pixels each field line is scaled to for the second reading."""
RULE_LENGTH = (200, 70)
"""Shortest dark run across and down (pixels, at the working size) taken for a printed rule
rather than a line of text or a stroke."""
RULE_WIDTH = 9
"""Thickest printed rule in pixels; anything thicker is left alone."""
LINE_GAP = 2.5
"""Widest gap inside one text line, in token heights."""
MAX_SKEW = 8.0
"""Largest tilt in degrees that deskewing looks for."""
OCR_TIMEOUT_S = 30
"""Longest one Tesseract run may take before the reading fails."""
CACHE_SIZE = 32
"""Readings kept in memory, by a digest of the photo's pixels."""

_ERA = "|".join(ERA_NAMES)
_BIRTH = re.compile(rf"({_ERA}|(?:19|20)\d\d)(元|\d{{1,2}})?年(\d{{1,2}})月(\d{{1,2}})日生")
_EXPIRY = re.compile(r"((?:20|21)\d\d)年(\d{1,2})月(\d{1,2})日まで")
_CODE = re.compile(r"\d{4}")
_LABEL = re.compile(r"セキュリ|リティ|ティコ|コード")
_DATE_MARKS = re.compile(r"[年月日生]")


class Layout(Enum):
    """What Tesseract is given (language model, page segmentation): the whole front as sparse
    text; the field lines stacked as a block; the digit groups alone, one a row."""

    SPARSE = ("jpn", "--psm 11")
    LINES = ("jpn", "--psm 6")
    DIGITS = ("eng", "--psm 6 -c tessedit_char_whitelist=0123456789")


@dataclass(frozen=True)
class FrontReading:
    """What was read off the card front. ``problems`` empty (and every field there): sure."""

    birth_date: date | None = None
    expiry: date | None = None
    security_code: str | None = field(default=None, repr=False)
    confidence: float = 0.0  # the lowest confidence among the fields' tokens
    problems: tuple[str, ...] = ()
    face_only_note: bool = False  # 「顔認証」 printed in the 追記欄

    @property
    def sure(self) -> bool:
        return not self.problems and None not in (
            self.birth_date,
            self.expiry,
            self.security_code,
        )

    @property
    def verify_b(self) -> str | None:
        """照合番号B (birth era YYMMDD + expiry year + security code), None when unsure."""
        if not self.sure or self.birth_date is None or self.expiry is None:
            return None
        return verify_b_number(self.birth_date, self.expiry.year, str(self.security_code))


@dataclass(frozen=True)
class Token:
    """One word Tesseract read, with its confidence and box (pixels)."""

    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int

    @property
    def middle(self) -> float:
        return self.top + self.height / 2


@dataclass(frozen=True)
class Line:
    """Tokens on one text line, left to right."""

    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (
            min(t.left for t in self.tokens),
            min(t.top for t in self.tokens),
            max(t.left + t.width for t in self.tokens),
            max(t.top + t.height for t in self.tokens),
        )

    @property
    def top(self) -> int:
        return self.box[1]

    @property
    def middle_x(self) -> float:
        left, _, right, _ = self.box
        return (left + right) / 2

    @property
    def width(self) -> int:
        left, _, right, _ = self.box
        return right - left

    def confidence(self, start: int = 0, end: int | None = None) -> float:
        """Lowest confidence of the tokens under characters ``start``..``end`` of the text."""
        end = len(self.text) if end is None else end
        lowest, position = 100.0, 0
        for token in self.tokens:
            after = position + len(token.text)
            if after > start and position < end:
                lowest = min(lowest, token.confidence)
            position = after
        return lowest


Recogniser = Callable[["PILImage.Image", Layout], list[Token]]
"""Reads an image laid out as told; :func:`tesseract_tokens` is the real one."""


def tesseract_tokens(image: PILImage.Image, layout: Layout) -> list[Token]:
    """Tesseract's words with their confidence and box."""
    try:
        import pytesseract
    except ImportError:
        raise CardFrontError("reading the card front needs the pytesseract package") from None
    try:
        data = pytesseract.image_to_data(
            image,
            lang=layout.value[0],
            config=layout.value[1],
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT_S,
        )
    except pytesseract.TesseractNotFoundError:
        raise CardFrontError(
            "reading the card front needs Tesseract: install Debian's tesseract-ocr and "
            "tesseract-ocr-jpn"
        ) from None
    except (pytesseract.TesseractError, RuntimeError, OSError) as exc:
        raise CardFrontError(
            f"Tesseract could not read the card front ({type(exc).__name__})"
        ) from None
    tokens = []
    for i, raw in enumerate(data["text"]):
        text = "".join(unicodedata.normalize("NFKC", str(raw)).split())
        if text:
            box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            tokens.append(Token(text, float(data["conf"][i]), *(int(v) for v in box)))
    return tokens


# -- the photo ------------------------------------------------------------------------------


def normalise(image: PILImage.Image) -> PILImage.Image:
    """Grey, a readable size, contrast stretched (a dim photo), deskewed."""
    from PIL import Image, ImageOps

    grey = ImageOps.exif_transpose(image).convert("L")
    if not NATIVE_WIDTHS[0] <= grey.width <= NATIVE_WIDTHS[1]:
        height = max(1, round(grey.height * WORK_WIDTH / grey.width))
        grey = grey.resize((WORK_WIDTH, height), Image.Resampling.LANCZOS)
    grey = ImageOps.autocontrast(grey, cutoff=1)
    angle = skew_angle(grey)
    if abs(angle) >= 0.25:
        grey = grey.rotate(
            angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_paper(grey)
        )
    return erase_rules(grey)


def erase_rules(grey: PILImage.Image) -> PILImage.Image:
    """The printed frames (the expiry box, the 追記欄, the card's edge) painted over with the
    paper colour: Tesseract reads a ruled line next to text as more text. A rule is a run of
    dark pixels longer than any stroke of a character: :data:`RULE_LENGTH`."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(grey).copy()
    dark = pixels < 200
    across = _runs(dark, RULE_LENGTH[0], axis=1, density=0.8) & dark
    down = _runs(dark, RULE_LENGTH[1], axis=0, density=0.8) & dark
    # a rule is thin; a long dark run that is also thick is blurred text or a photo
    rules = (across & ~_runs(across, RULE_WIDTH, axis=0)) | (
        down & ~_runs(down, RULE_WIDTH, axis=1)
    )
    pixels[rules] = _paper(grey)
    return Image.fromarray(pixels)


def _runs(mask: Any, length: int, axis: int, density: float = 1.0) -> Any:
    """Where ``mask`` is inside a window of ``length`` pixels along ``axis`` that is at least
    ``density`` true (1: a solid run; less: a dashed one, as a thin rule becomes when the
    photo is turned)."""
    import numpy as np

    line = np.moveaxis(mask, axis, -1)
    size = line.shape[-1]
    if size < length:
        return np.zeros_like(mask)
    pad = np.zeros((*line.shape[:-1], 1), dtype=np.int32)
    counts = np.concatenate([pad, np.cumsum(line, axis=-1, dtype=np.int32)], axis=-1)
    full = (counts[..., length:] - counts[..., :-length]) >= density * length
    starts = np.concatenate([pad, np.cumsum(full, axis=-1, dtype=np.int32)], axis=-1)
    j = np.arange(size)
    high = np.minimum(j, size - length) + 1
    low = np.maximum(j - length + 1, 0)
    covered = (starts[..., high] - starts[..., low]) > 0
    return np.moveaxis(covered, -1, axis)


def skew_angle(grey: PILImage.Image) -> float:
    """The rotation (degrees, counter-clockwise) that levels the text lines: the angle at
    which the rows of horizontal edges (text lines, the card's own edges) are sharpest,
    searched on a small copy. Edges, not dark pixels: a dark background round a tilted card
    would weigh more than the text."""
    import numpy as np
    from PIL import Image

    small = np.asarray(grey.resize((500, max(2, round(grey.height * 500 / grey.width)))))
    edges = np.abs(np.diff(small.astype(np.int16), axis=0)) > 40
    mask = Image.fromarray(edges.astype(np.uint8) * 255)

    def sharpness(angle: float) -> float:
        turned = mask.rotate(float(angle), resample=Image.Resampling.BILINEAR)
        rows = np.asarray(turned, dtype=np.float64).sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = np.arange(coarse - 0.75, coarse + 0.76, 0.25)
    return float(max(fine, key=sharpness))


def _paper(grey: PILImage.Image) -> int:
    """The commonest light grey (the card's background), for the corners a rotation opens."""
    histogram = grey.histogram()
    return max(range(128, 256), key=lambda level: histogram[level])


# -- the text -------------------------------------------------------------------------------


def lines_of(tokens: Sequence[Token]) -> list[Line]:
    """Tokens grouped into text lines: vertical middles within half a token height, and no
    gap wider than :data:`LINE_GAP` token heights (the photo column and its label are not
    part of the birth-date line beside them)."""
    rows: list[list[Token]] = []
    for token in sorted(tokens, key=lambda t: t.middle):
        if rows:
            last = rows[-1]
            height = max(max(t.height for t in last), token.height)
            middle = sum(t.middle for t in last) / len(last)
            if abs(token.middle - middle) <= height / 2:
                last.append(token)
                continue
        rows.append([token])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda t: t.left)
        start = 0
        for i in range(1, len(row) + 1):
            if i == len(row) or row[i].left - (row[i - 1].left + row[i - 1].width) > LINE_GAP * max(
                row[i].height, row[i - 1].height
            ):
                lines.append(Line(tuple(row[start:i])))
                start = i
    return sorted(lines, key=lambda line: (line.top, line.box[0]))


def digit_groups(line: Line) -> list[Line]:
    """Runs of neighbouring all-digit tokens that make exactly 4 digits (Tesseract may read
    「5180」 as 「51」「80」)."""
    groups: list[list[Token]] = [[]]
    for token in line.tokens:
        if not (token.text.isdigit() and token.text.isascii()):
            groups.append([])
            continue
        last = groups[-1][-1] if groups[-1] else None
        if last is not None and token.left - (last.left + last.width) > last.height:
            groups.append([])
        groups[-1].append(token)
    return [
        Line(tuple(group))
        for group in groups
        if group and _CODE.fullmatch("".join(t.text for t in group))
    ]


@dataclass(frozen=True)
class Field:
    """One field as one reading saw it: its value, the line it is on, its confidence."""

    value: Any
    line: Line
    confidence: float


def _field(value: Any, line: Line, match: re.Match[str]) -> Field:
    return Field(value, line, line.confidence(match.start(), match.end()))


@dataclass
class Page:
    """What the first reading (the whole front) found."""

    birth: list[Field] = field(default_factory=list)
    expiry: list[Field] = field(default_factory=list)
    code: list[Field] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    face_only_note: bool = False


def birth_in(line: Line) -> list[Field]:
    found = []
    for match in _BIRTH.finditer(line.text):
        era, year, month, day = match[1], match[2], int(match[3]), int(match[4])
        try:
            if era.isdigit():  # 西暦
                if year is not None:
                    continue
                value = date(int(era), month, day)
            elif year is None:
                continue
            else:
                value = era_date(era, 1 if year == "元" else int(year), month, day)
        except ValueError:
            continue
        found.append(_field(value, line, match))
    return found


def expiry_in(line: Line) -> list[Field]:
    found = []
    for match in _EXPIRY.finditer(line.text):
        try:
            value = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        found.append(_field(value, line, match))
    return found


def codes_in(line: Line) -> list[Field]:
    if _DATE_MARKS.search(line.text):
        return []
    return [Field(g.text, g, g.confidence()) for g in digit_groups(line)]


def read_page(tokens: Sequence[Token]) -> Page:
    """The fields of the first reading, with the lines they are on."""
    page = Page()
    lines = lines_of(tokens)
    label: Line | None = None
    codes: list[Field] = []
    for line in lines:
        if "顔認証" in line.text:
            page.face_only_note = True
        if label is None and _LABEL.search(line.text):
            label = line
        page.birth += birth_in(line)
        page.expiry += expiry_in(line)
        codes += codes_in(line)
    if label is not None:  # printed under its label: the nearest group below it
        below = [
            c
            for c in codes
            if c.line.top > label.top and abs(c.line.middle_x - label.middle_x) < label.width
        ]
        codes = sorted(below, key=lambda c: c.line.top)[:1]
    page.code = codes
    return page


def _one(fields: Sequence[Field], what: str, problems: list[str]) -> Field | None:
    values = {f.value for f in fields}
    if not values:
        problems.append(f"no {what} found")
        return None
    if len(values) > 1:
        problems.append(f"the {what} was read in {len(values)} different ways")
        return None
    return max(fields, key=lambda f: f.confidence)


Box = tuple[int, int, int, int]


def stack(
    image: PILImage.Image, boxes: Sequence[tuple[Box, int]]
) -> tuple[PILImage.Image, list[Box]]:
    """Each ``(box, height)`` cut out of ``image`` (a little margin, so no neighbour comes
    along), scaled to ``height`` pixels of text and set on white, one a row with a gap; and
    where each one now lies."""
    from PIL import Image

    crops = []
    for (left, top, right, bottom), height in boxes:
        margin = max(2, (bottom - top) // 8)
        crop = image.crop((left - 2, top - margin, right + 2, bottom + margin))
        scale = height / max(1, bottom - top)
        size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
        crops.append(crop.resize(size, Image.Resampling.LANCZOS))
    gap = max(height for _, height in boxes)
    width = max(c.width for c in crops) + 2 * gap
    sheet = Image.new("L", (width, sum(c.height for c in crops) + gap * (len(crops) + 1)), 255)
    placed, y = [], gap
    for crop in crops:
        sheet.paste(crop, (gap, y))
        placed.append((gap, y, gap + crop.width, y + crop.height))
        y += crop.height + gap
    return sheet, placed


def _within(line: Line, band: Box) -> bool:
    _, top, _, bottom = line.box
    return band[1] <= (top + bottom) / 2 <= band[3]


def combine(
    page: Page, again: dict[str, list[list[Field]]], *, today: date, min_confidence: float
) -> FrontReading:
    """One answer from the readings: a field counts when the page reading and every reading
    of its line give it, all the same, and at least one of them with enough confidence
    (Tesseract gives some well-read full-width digits a confidence of 0); then the fields
    must agree with each other."""
    problems = list(page.problems)
    values: dict[str, Any] = {}
    lowest = 100.0
    for name, what, first in (
        ("birth", "birth date", page.birth),
        ("expiry", "expiry", page.expiry),
        ("code", "security code", page.code),
    ):
        readings = [first] if name != "code" else []
        readings += again.get(name, [])
        if not first or not readings or any(not r for r in readings):
            problems.append(f"the {what} was not found in every reading")
            continue
        seen = {f.value for reading in readings for f in reading}
        confidence = max(min(f.confidence for f in reading) for reading in readings)
        lowest = min(lowest, confidence)
        if len(seen) > 1:
            problems.append(f"the readings of the {what} differ")
        elif confidence < min_confidence:
            problems.append(f"the {what} was read with low confidence")
        else:
            values[name] = seen.pop()
    birth, expiry = values.get("birth"), values.get("expiry")
    if birth is not None and expiry is not None:
        problems += _consistency(birth, expiry, today)
    return FrontReading(
        birth_date=birth,
        expiry=expiry,
        security_code=values.get("code"),
        confidence=lowest if values else 0.0,
        problems=tuple(dict.fromkeys(problems)),
        face_only_note=page.face_only_note,
    )


def _consistency(birth: date, expiry: date, today: date) -> list[str]:
    problems = []
    if birth > today or birth.year < today.year - 130:
        problems.append("the birth date is not plausible")
    birthday = (birth.month, birth.day)
    if (expiry.month, expiry.day) != birthday and not (
        birthday == (2, 29) and (expiry.month, expiry.day) == (2, 28)
    ):
        problems.append("the expiry does not fall on a birthday")
    if not today.year - 5 <= expiry.year <= today.year + 11 or expiry <= birth:
        problems.append("the expiry year is not plausible")
    return problems


# -- the whole reading ----------------------------------------------------------------------

_cache: OrderedDict[bytes, FrontReading] = OrderedDict()
_cache_lock = threading.Lock()


def read_front(
    image: PILImage.Image,
    *,
    today: date | None = None,
    recognise: Recogniser = tesseract_tokens,
    min_confidence: float = MIN_CONFIDENCE,
) -> FrontReading:
    """Read the card front in ``image`` (any size; a few degrees tilted, dim or soft is fine).

    Returns a :class:`FrontReading`; its ``verify_b`` is None unless every check passed.
    Raises :class:`CardFrontError` when there is no OCR engine. With the real engine the same
    photo (same pixels) is read once per process.
    """
    today = today if today is not None else date.today()
    rgb = image.convert("RGB")
    cached = recognise is tesseract_tokens
    key = hashlib.sha256(f"{rgb.size}|{today}|{min_confidence}".encode() + rgb.tobytes()).digest()
    with _cache_lock:
        if cached and key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = _read(normalise(rgb), today, recognise, min_confidence)
    if not result.sure:
        log.info("card front unsure: %s", "; ".join(result.problems) or "fields missing")
    if cached:
        with _cache_lock:
            _cache[key] = result
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return result


AGAIN: dict[str, tuple[Layout, tuple[int, ...]]] = {
    "birth": (Layout.LINES, (44, 34)),
    "expiry": (Layout.LINES, (44, 34)),
    "code": (Layout.DIGITS, (44, 28)),
}
"""How each field's line is read again after the page reading: the model and layout, and
the text heights in pixels (one reading each). With the page reading, the dates are read
three times; the security code, which nothing else checks, twice by the digits-only model."""


def _read(
    grey: PILImage.Image, today: date, recognise: Recogniser, min_confidence: float
) -> FrontReading:
    page = read_page(recognise(grey, Layout.SPARSE))
    parse = {"birth": birth_in, "expiry": expiry_in, "code": codes_in}
    plan: dict[Layout, list[tuple[str, Box, int]]] = {}
    for name, fields in (("birth", page.birth), ("expiry", page.expiry), ("code", page.code)):
        if len({f.value for f in fields}) == 1:
            layout, heights = AGAIN[name]
            box = fields[0].line.box
            plan.setdefault(layout, []).extend((name, box, height) for height in heights)
    again: dict[str, list[list[Field]]] = {}
    for layout, rows in plan.items():
        sheet, bands = stack(grey, [(box, height) for _, box, height in rows])
        lines = lines_of(recognise(sheet, layout))
        for (name, _, _), band in zip(rows, bands, strict=True):
            fields = [f for line in lines if _within(line, band) for f in parse[name](line)]
            again.setdefault(name, []).append(fields)
    return combine(page, again, today=today, min_confidence=min_confidence)
