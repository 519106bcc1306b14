"""券面事項確認AP (券面AP): the card face, with the face photo, opened by 照合番号B or A.

| EF | content | opened by |
| --- | --- | --- |
| 0002 | card face, TLV below | 照合番号B 0012 or 照合番号A 0013 |
| 0012 | 照合番号B | |
| 0013 | 照合番号A | |

Card face: ``FF 20 { DF 21 offsets, DF 22 birth YYYYMMDD, DF 23 sex, DF 24 public key,
DF 25 name image, DF 26 address image, DF 27 face photo (greyscale JPEG 2000), DF 28 signature,
DF 29 expiry YYYYMMDD, DF 2A security-code image }`` (offsets as in
:func:`kiosk.simcard.applet_kenhojo.with_offsets`). The simulator's images are small PNGs of
the printed text; DF 24 is empty and DF 28 is a SHA-256 over the other elements standing in
for the issuer's signature (the real key and signature format are not public).
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path
from typing import Any

from kiosk.card import tlv
from kiosk.card.applets import Applet, KenkakuFile
from kiosk.simcard.applet_kenhojo import with_offsets
from kiosk.simcard.files import AppletFiles, BinaryFile, CardContext, PinFile
from kiosk.vocabulary import PinKind

_FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)


def build(ctx: CardContext) -> AppletFiles | None:
    if not ctx.state.has_jpki:
        return None
    files = AppletFiles(Applet.KENKAKU)
    files.add(
        BinaryFile(
            KenkakuFile.CARD_FACE,
            lambda: ctx.cached("card_face", lambda: card_face(ctx)),
            frozenset({PinKind.VERIFY_B, PinKind.VERIFY_A}),
        )
    )
    files.add(PinFile(KenkakuFile.VERIFY_B, PinKind.VERIFY_B))
    files.add(PinFile(KenkakuFile.VERIFY_A, PinKind.VERIFY_A))
    return files


def card_face(ctx: CardContext) -> bytes:
    """EF 0002 of 券面AP, built from the state and the photo source."""
    face = ctx.state.face
    elements = [
        tlv.encode(0xDF22, face.birth_date.strftime("%Y%m%d").encode("ascii")),
        tlv.encode(0xDF23, face.sex.encode("ascii")),
        tlv.encode(0xDF24, b""),
        tlv.encode(0xDF25, text_image(face.name)),
        tlv.encode(0xDF26, text_image(face.address)),
        tlv.encode(0xDF27, ctx.photo(face.person)),
    ]
    signature = hashlib.sha256(b"".join(elements)).digest()
    elements.append(tlv.encode(0xDF28, signature))
    elements.append(tlv.encode(0xDF29, face.expiry.strftime("%Y%m%d").encode("ascii")))
    elements.append(tlv.encode(0xDF2A, text_image(face.security_code)))
    return with_offsets(elements)


@functools.lru_cache(maxsize=4)
def _font(size: int) -> Any:
    """IPA Gothic at ``size`` pixels when installed, else Pillow's built-in font."""
    from PIL import ImageFont

    for candidate in _FONT_CANDIDATES:
        if candidate.exists():
            return ImageFont.truetype(str(candidate), size)
    return ImageFont.load_default()


@functools.lru_cache(maxsize=256)
def text_image(text: str, height: int = 24) -> bytes:
    """A 1-bit PNG of ``text``, as the card's printed-text images (cached per text)."""
    from PIL import Image, ImageDraw

    font = _font(height - 4)
    left, _top, right, _bottom = font.getbbox(text or " ")
    image = Image.new("1", (max(1, int(right - left) + 4), height), 1)
    ImageDraw.Draw(image).text((2 - left, 2), text, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
