"""The insertion read is short: what the kiosk needs before the method screen in a few APDUs.

How long APDUs take is measured by ``kiosk bench card`` (its figures), not asserted here: a
test's timing depends on the machine's load.
"""

from __future__ import annotations

from helpers.card_os import read_sfi, select_aid, verify
from kiosk.card.applets import Applet, JpkiFile
from kiosk.card.transport import CountingTransport
from kiosk.simcard.virtual import VirtualCard


def test_insertion_read_fits_in_8_apdus(card: VirtualCard) -> None:
    """Certificate + every JPKI PIN status: what the kiosk needs before the method screen."""
    counting = CountingTransport(card)
    assert counting.transmit(select_aid(Applet.JPKI))[1] == 0x9000
    cert, sw = counting.transmit(read_sfi(JpkiFile.AUTH_CERT))
    assert (cert, sw) == (card.state.auth_cert, 0x9000)
    assert counting.transmit(verify(None, 0x80 | JpkiFile.AUTH_PIN))[1] == 0x63C3
    assert counting.transmit(verify(None, 0x80 | JpkiFile.SIGN_PIN))[1] == 0x63C5
    assert counting.transmit(select_aid(Applet.KENHOJO))[1] == 0x9000
    assert counting.transmit(verify(None, 0x91))[1] == 0x63C3
    assert counting.apdus <= 8
