"""住基AP and 共通AP: a 4-digit PIN each (EF 001C, own counters), and the card serial record.

| applet | EF | content |
| --- | --- | --- |
| 住基AP | 001C | 住基 PIN, 4 digits, 3 tries; CHANGE ``80 32 00 80`` |
| 共通AP | 001C | 共通 PIN, 4 digits, 3 tries; CHANGE ``80 32 00 80`` |
| 共通AP | 0001 | card serial record: the card's serial as ASCII, free to read |

The serial record's EF and layout are the simulator's choice (the real layout is not public).
"""

from __future__ import annotations

from kiosk.card.apdu import INS_CHANGE_PIN_JUKI
from kiosk.card.applets import Applet, JukiFile
from kiosk.simcard.files import AppletFiles, BinaryFile, CardContext, PinFile, fixed
from kiosk.vocabulary import PinKind

CARD_SERIAL_FILE = 0x0001
"""EF of 共通AP holding the card serial record."""


def build_juki(ctx: CardContext) -> AppletFiles | None:
    if not ctx.state.has_jpki:
        return None
    files = AppletFiles(Applet.JUKI)
    files.add(PinFile(JukiFile.PIN, PinKind.JUKI, INS_CHANGE_PIN_JUKI))
    return files


def build_kyotsu(ctx: CardContext) -> AppletFiles | None:
    if not ctx.state.has_jpki:
        return None
    files = AppletFiles(Applet.KYOTSU)
    files.add(PinFile(JukiFile.PIN, PinKind.KYOTSU, INS_CHANGE_PIN_JUKI))
    files.add(BinaryFile(CARD_SERIAL_FILE, fixed(ctx.state.serial.encode("utf-8"))))
    return files
