"""The printed front of a virtual My Number card, drawn with Pillow in IPA Gothic.

The layout follows the real card front (85.6 x 54 mm, drawn at 300 dpi): 氏名 and 住所 at the
top left, the birth date in the era with 性別 below, the card's expiry 「…まで有効」 in its box,
the holder's photo at the right with the 4-digit セキュリティコード under it, 「個人番号カード」
at the bottom left and the 追記欄 note (e.g. 「顔認証」) beside it. The reader photographs this
side to key 照合番号B; nothing printed here is secret beyond what any card shows.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.card.wareki import printed_birth, printed_expiry
from kiosk.cardfront.errors import CardFrontError
from kiosk.simcard.people import PeopleError, get_person, photo_path, portrait_box
from kiosk.simcard.state import CardFace

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

CARD_SIZE = (1011, 638)
"""Width, height in pixels: ID-1 (85.6 x 54 mm) at 300 dpi."""
PHOTO_BOX = (742, 46, 982, 366)
"""Left, top, right, bottom of the printed photo (3:4)."""

FONT_FILES = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)
"""IPA Gothic from Debian's fonts-ipafont-gothic."""

DATE_PX = 34
"""Text size of the birth date and the expiry (the lines 照合番号B is read from)."""
SEX = {"1": "男", "2": "女", "9": "－"}
INK = (24, 24, 24)
LABEL = (90, 90, 90)
PAPER = (252, 250, 246)
TINT = (236, 242, 250)


@functools.lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    """IPA Gothic at ``size`` pixels; :class:`CardFrontError` names the package when missing."""
    from PIL import ImageFont

    for path in FONT_FILES:
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    raise CardFrontError(
        "the card front needs the IPA Gothic font: install Debian's fonts-ipafont-gothic"
    )


def render_front(face: CardFace, photo: PILImage.Image | None = None) -> PILImage.Image:
    """The card front of ``face`` as an RGB image of :data:`CARD_SIZE`.

    ``photo`` is the printed portrait (default: the holder's photo from assets/people,
    cropped 3:4; a grey box when the person is unknown).
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = CARD_SIZE
    draw.rectangle((0, height - 150, width, height), fill=TINT)
    draw.rounded_rectangle(
        (2, 2, width - 3, height - 3), radius=36, outline=(170, 170, 170), width=3
    )

    draw.text((40, 44), "氏名", font=font(22), fill=LABEL)
    draw.text((112, 30), face.name, font=font(52), fill=INK)
    draw.text((40, 128), "住所", font=font(22), fill=LABEL)
    _address(draw, face.address, (112, 122), 600)

    draw.text((40, 250), printed_birth(face.birth_date), font=font(DATE_PX), fill=INK)
    draw.text((500, 250), f"性別 {SEX.get(face.sex, '－')}", font=font(DATE_PX), fill=INK)

    draw.rectangle((30, 318, 574, 404), outline=(120, 120, 120), width=2)
    draw.text((52, 338), printed_expiry(face.expiry), font=font(DATE_PX), fill=INK)

    portrait = photo if photo is not None else _holder_photo(face.person)
    left, top, right, bottom = PHOTO_BOX
    if portrait is None:
        draw.rectangle(PHOTO_BOX, fill=(200, 200, 200))
    else:
        image.paste(portrait.convert("RGB").resize((right - left, bottom - top)), (left, top))
    draw.text((left, bottom + 14), "セキュリティコード", font=font(20), fill=LABEL)
    draw.text((left + 40, bottom + 44), face.security_code, font=font(44), fill=INK)

    draw.text((40, height - 110), "個人番号カード", font=font(46), fill=(40, 60, 110))
    if face.remarks:
        note = "　".join(face.remarks)
        draw.rectangle((420, height - 128, 700, height - 36), outline=(120, 120, 120), width=2)
        draw.text((440, height - 104), note, font=font(36), fill=INK)
    return image


def _address(draw: ImageDraw.ImageDraw, text: str, at: tuple[int, int], width: int) -> None:
    """The address over up to two lines of ``width`` pixels."""
    size = font(34)
    first = text
    while first and draw.textlength(first, font=size) > width:
        first = first[:-1]
    draw.text(at, first, font=size, fill=INK)
    rest = text[len(first) :]
    if rest:
        draw.text((at[0], at[1] + 46), rest, font=size, fill=INK)


def _holder_photo(person: str) -> PILImage.Image | None:
    try:
        return _portrait(str(photo_path(person)), get_person(person).crop)
    except PeopleError:
        return None


@functools.lru_cache(maxsize=16)
def _portrait(path: str, crop: tuple[int, int, int, int] | None) -> PILImage.Image:
    from PIL import Image, ImageOps

    with Image.open(path) as original:
        colour = ImageOps.exif_transpose(original).convert("RGB")
    box = crop if crop is not None else portrait_box(colour.width, colour.height)
    return colour.crop(box)
