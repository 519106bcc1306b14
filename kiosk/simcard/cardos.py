"""The virtual My Number card's operating system, in the shape of vsmartcard's virtual ICC.

:meth:`CardOS.execute` parses a command APDU, dispatches on INS, lets the handler raise
:class:`CardStatus` for any answer other than 9000, and renders data + SW. Anything else
raised inside becomes ``6F00``; nothing escapes.

Rules (docs/card-protocol.md):

- CLA ``00`` or ``80``; the chaining bit (10) and the logical-channel bits (03) are ignored
  for the check (one channel). Others: ``6E00``. Unknown INS: ``6D00``. Bad Lc: ``6700``.
- Command chaining (CLA bit 10): data of the chained commands is kept and prepended to the
  last command's, when that one has the same CLA/INS/P1/P2 (otherwise the chain is dropped).
- Security status: the PINs verified since the current applet was selected. Selecting
  another applet (or the MF), a power-off or a wrong VERIFY of that PIN clears it.
- VERIFY spends a try *before* comparing: the counter is decremented and saved, then
  compared; a right entry restores the full count and saves again. A process killed between
  the two never gets an extra try. The query (no data) never spends one.
- With a store (a card file), VERIFY and CHANGE hold the store's exclusive lock from the
  re-read of the state through the decrement, the durable save and the comparison: processes
  sharing a card file spend each try exactly once. The query re-reads the state unlocked.
- 照合番号A / B are compared with the values derived from the state (the individual number,
  ``CardState.verify_b``); their counters are added to ``state.pins`` on first use. Any
  other PIN absent from ``state.pins`` behaves as blocked (``63C0`` / ``6984``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hmac
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from kiosk.card.apdu import (
    EXTENDED_MAX_LC,
    INS_CHANGE_PIN_JUKI,
    INS_CHANGE_REFERENCE_DATA,
    INS_READ_BINARY,
    INS_SELECT,
    INS_SIGN,
    INS_VERIFY,
    CommandApdu,
    parse_command,
)
from kiosk.card.applets import Applet
from kiosk.card.errors import MalformedApduError
from kiosk.card.status import SW
from kiosk.card.transport import TRACE, redact
from kiosk.errors import KioskError
from kiosk.simcard import applet_jpki, applet_juki, applet_kenhojo, applet_kenkaku
from kiosk.simcard.files import (
    MAX_SFI,
    AppletFiles,
    BinaryFile,
    CardContext,
    ElementaryFile,
    KeyFile,
    PinFile,
)
from kiosk.simcard.state import PIN_LIMITS, CardState, Pin
from kiosk.vocabulary import FOUR_DIGITS, PinKind

log = logging.getLogger("kiosk.simcard.cardos")

CLA_CHAINING = 0x10
CLA_CHANNEL = 0x03
MF_FID = 0x3F00
MAX_AID = 16

Builder = Callable[[CardContext], AppletFiles | None]

APPLETS: dict[bytes, Builder] = {
    Applet.JPKI.aid: applet_jpki.build,
    Applet.KENHOJO.aid: applet_kenhojo.build,
    Applet.KENKAKU.aid: applet_kenkaku.build,
    Applet.JUKI.aid: applet_juki.build_juki,
    Applet.KYOTSU.aid: applet_juki.build_kyotsu,
}
"""Every applet the card may hold, by AID; any other AID answers 6A82."""

DERIVED_SECRETS = frozenset({PinKind.VERIFY_A, PinKind.VERIFY_B})

_FOUR_DIGITS = re.compile(FOUR_DIGITS.encode("ascii"))
_SIGN_PASSWORD = re.compile(rb"[A-Z0-9]{6,16}")


class CardStatus(Exception):
    """A handler's answer other than 9000."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"{sw:04X}")
        self.sw = sw


def verify_failed(tries_left: int) -> CardStatus:
    """63Cx with x = tries left (at most 15)."""
    return CardStatus(SW.VERIFY_FAILED | max(0, min(tries_left, 15)))


def new_pin_is_valid(name: PinKind, value: bytes) -> bool:
    """The format a new PIN must have: 4 digits; the sign password 6-16 of A-Z 0-9."""
    if name is PinKind.SIGN:
        return _SIGN_PASSWORD.fullmatch(value) is not None
    return _FOUR_DIGITS.fullmatch(value) is not None


def _secret_matches(state: CardState, name: PinKind, value: bytes) -> bool:
    """Compare an entered secret with the card's (constant time). Tests patch this hook."""
    if name is PinKind.VERIFY_A:
        return hmac.compare_digest(value, state.individual_number.encode("ascii"))
    if name is PinKind.VERIFY_B:
        return hmac.compare_digest(value, state.verify_b.encode("ascii"))
    return state.pin_matches(name, value.decode("latin-1"))


class CardStore(Protocol):
    """Where the chip state lives between APDUs (a card file): read, save, change alone."""

    def load(self) -> CardState: ...

    def save(self, state: CardState) -> None: ...

    def update(self) -> AbstractContextManager[CardState]: ...


@dataclasses.dataclass
class _Chain:
    header: tuple[int, int, int, int]
    data: bytearray


class CardOS:
    """The card's command interpreter and its volatile state (selection, security status).

    ``store`` (a card file) is re-read before and saved whenever a counter or PIN changes;
    ``sign_ms`` is the time a signature takes on the chip (slept).
    """

    def __init__(
        self,
        ctx: CardContext,
        *,
        store: CardStore | None = None,
        sign_ms: float = 0.0,
    ) -> None:
        self.ctx = ctx
        self._store = store
        self.sign_ms = sign_ms
        self.applet: AppletFiles | None = None
        self.current: ElementaryFile | None = None
        self.verified: set[PinKind] = set()
        self.applets: dict[bytes, Builder] = APPLETS
        """The applets this chip holds, by AID (a smartphone holds only JPKI)."""
        self.failure: Exception | None = None
        """What made the last APDU answer 6F00 (e.g. a card file that could not be saved)."""
        self._chain: _Chain | None = None
        self._handlers: dict[int, Callable[[CommandApdu], bytes]] = {
            INS_SELECT: self.select,
            INS_READ_BINARY: self.read_binary,
            INS_VERIFY: self.verify,
            INS_CHANGE_REFERENCE_DATA: self.change_reference_data,
            INS_CHANGE_PIN_JUKI: self.change_reference_data,
            INS_SIGN: self.compute_signature,
        }

    @property
    def state(self) -> CardState:
        return self.ctx.state

    def reset(self) -> None:
        """Power off / reset: nothing selected, no PIN verified, no chain."""
        self.applet = None
        self.current = None
        self.verified.clear()
        self._chain = None

    # -- the interpreter -------------------------------------------------------------------

    def execute(self, apdu: bytes) -> bytes:
        """Run one command APDU; return the response APDU (data + SW). Never raises."""
        self.failure = None
        try:
            data, sw = self.process(apdu)
        except CardStatus as answer:
            data, sw = b"", answer.sw
        except Exception as exc:  # the card never crashes: 6F00, as a chip would
            self.failure = exc
            # a KioskError's text is PIN-free by contract; anything else shows only its type
            detail = str(exc) if isinstance(exc, KioskError) else type(exc).__name__
            log.error("card OS error (%s); answering 6F00", detail)
            self._chain = None
            data, sw = b"", SW.NO_PRECISE_DIAGNOSIS
        if log.isEnabledFor(TRACE):
            log.log(TRACE, "card: %s -> %04X (%d bytes)", redact(apdu), sw, len(data))
        return data + int(sw).to_bytes(2, "big")

    def process(self, apdu: bytes) -> tuple[bytes, int]:
        """Parse and dispatch; raises :class:`CardStatus` for a non-9000 answer."""
        raw = bytes(apdu)
        if len(raw) < 4:
            raise CardStatus(SW.WRONG_LENGTH)
        if raw[0] & ~(CLA_CHAINING | CLA_CHANNEL) & 0xFF not in (0x00, 0x80):
            raise CardStatus(SW.CLA_NOT_SUPPORTED)
        handler = self._handlers.get(raw[1])
        if handler is None:
            raise CardStatus(SW.INS_NOT_SUPPORTED)
        try:
            command = parse_command(raw)
        except MalformedApduError:
            self._chain = None
            raise CardStatus(SW.WRONG_LENGTH) from None
        whole = self._chained(command)
        if whole is None:
            return b"", SW.OK
        return handler(whole), SW.OK

    def _chained(self, command: CommandApdu) -> CommandApdu | None:
        """Accumulate a chain; the complete command when the last link arrives, else None."""
        header = (command.cla & ~CLA_CHAINING & 0xFF, command.ins, command.p1, command.p2)
        chain = self._chain
        if chain is not None and chain.header != header:
            chain = self._chain = None
        if command.cla & CLA_CHAINING:
            if chain is None:
                chain = self._chain = _Chain(header, bytearray())
            chain.data += command.data
            if len(chain.data) > EXTENDED_MAX_LC:
                self._chain = None
                raise CardStatus(SW.WRONG_LENGTH)
            return None
        if chain is None:
            return command
        self._chain = None
        data = bytes(chain.data) + command.data
        if len(data) > EXTENDED_MAX_LC:
            raise CardStatus(SW.WRONG_LENGTH)
        return dataclasses.replace(command, cla=header[0], data=data)

    # -- SELECT ----------------------------------------------------------------------------

    def select(self, command: CommandApdu) -> bytes:
        if command.p2 not in (0x0C, 0x00):
            raise CardStatus(SW.INCORRECT_P1P2)
        if command.p1 == 0x04:
            return self._select_applet(command.data, fci=command.p2 == 0x00)
        if command.p1 == 0x00 and command.data in (b"", b"\x3f\x00"):
            self.reset_selection()
            return b""
        if command.p1 in (0x00, 0x02):
            if len(command.data) != 2:
                raise CardStatus(SW.WRONG_LENGTH)
            return self._select_file(int.from_bytes(command.data, "big"), fcp=command.p2 == 0)
        raise CardStatus(SW.INCORRECT_P1P2)

    def reset_selection(self) -> None:
        """Back to the MF: no applet, no EF, no security status."""
        self.applet = None
        self.current = None
        self.verified.clear()

    def _select_applet(self, aid: bytes, *, fci: bool) -> bytes:
        if not 1 <= len(aid) <= MAX_AID:
            raise CardStatus(SW.WRONG_LENGTH)
        builder = self.applets.get(aid)
        files = builder(self.ctx) if builder is not None else None
        if files is None:
            raise CardStatus(SW.FILE_NOT_FOUND)
        if self.applet is None or self.applet.applet is not files.applet:
            self.verified.clear()
        self.applet = files
        self.current = None
        if fci:
            return b"\x6f" + bytes((len(aid) + 2, 0x84, len(aid))) + aid
        return b""

    def _select_file(self, fid: int, *, fcp: bool) -> bytes:
        if self.applet is None:
            raise CardStatus(SW.FILE_NOT_FOUND)
        ef = self.applet.get(fid)
        if ef is None:
            raise CardStatus(SW.FILE_NOT_FOUND)
        self.current = ef
        if not fcp:
            return b""
        body = b"\x83\x02" + fid.to_bytes(2, "big")
        if isinstance(ef, BinaryFile) and ef.readable_with(self.verified):
            body = b"\x80\x02" + len(ef.content()).to_bytes(2, "big") + body
        return b"\x62" + bytes((len(body),)) + body

    # -- READ BINARY -----------------------------------------------------------------------

    def read_binary(self, command: CommandApdu) -> bytes:
        if command.data or command.le is None:
            raise CardStatus(SW.WRONG_LENGTH)
        if command.p1 & 0x80:
            if command.p1 & 0x60 or not 1 <= command.p1 & 0x1F <= MAX_SFI:
                raise CardStatus(SW.INCORRECT_P1P2)
            ef = self._by_sfi(command.p1 & 0x1F)
            self.current = ef
            offset = command.p2
        else:
            if self.current is None:
                raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
            ef = self.current
            offset = (command.p1 << 8) | command.p2
        if not isinstance(ef, BinaryFile) or not ef.readable_with(self.verified):
            raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
        content = ef.content()
        if offset >= len(content):
            raise CardStatus(SW.WRONG_P1P2)
        return content[offset : offset + command.le]

    def _by_sfi(self, sfi: int) -> ElementaryFile:
        ef = self.applet.by_sfi(sfi) if self.applet is not None else None
        if ef is None:
            raise CardStatus(SW.FILE_NOT_FOUND)
        return ef

    # -- PINs ------------------------------------------------------------------------------

    def _pin_file(self, p2: int) -> PinFile:
        """The PIN addressed by P2: ``80`` the current EF, ``80|sfi`` by short EF id."""
        if p2 == 0x80:
            ef = self.current
        elif 0x81 <= p2 <= 0x80 | MAX_SFI:
            ef = self._by_sfi(p2 & 0x1F)
        else:
            raise CardStatus(SW.INCORRECT_P1P2)
        if not isinstance(ef, PinFile):
            raise CardStatus(SW.FILE_NOT_FOUND)
        return ef

    def pin(self, name: PinKind) -> Pin | None:
        """The counter of a PIN; 照合番号A/B get theirs on first use."""
        pin = self.state.pins.get(name)
        if pin is None and name in DERIVED_SECRETS:
            limit = PIN_LIMITS[name]
            pin = self.state.pins[name] = Pin(b"", limit, limit)
        return pin

    def verify(self, command: CommandApdu) -> bytes:
        if command.p1 != 0x00:
            raise CardStatus(SW.INCORRECT_P1P2)
        name = self._pin_file(command.p2).pin
        if not command.data:  # the free tries-left query
            self._refresh()
            pin = self.pin(name)
            raise verify_failed(pin.tries_left if pin is not None else 0)
        with self._alone():
            pin = self.pin(name)
            if pin is None or pin.blocked:
                raise CardStatus(SW.AUTH_METHOD_BLOCKED)
            # spend the try and make it durable before looking at the value
            pin.tries_left -= 1
            self.verified.discard(name)
            self._save()
            if _secret_matches(self.state, name, command.data):
                pin.tries_left = pin.limit
                self._save()
                self.verified.add(name)
                return b""
            raise verify_failed(pin.tries_left)

    def change_reference_data(self, command: CommandApdu) -> bytes:
        """``00 24 01 80`` (JPKI, 入力補助) or ``80 32 00 80`` (住基, 共通): set a new PIN."""
        expected_p1 = 0x01 if command.ins == INS_CHANGE_REFERENCE_DATA else 0x00
        if command.p1 != expected_p1:
            raise CardStatus(SW.INCORRECT_P1P2)
        pin_file = self._pin_file(command.p2)
        if pin_file.change_ins != command.ins:
            raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
        if not command.data:
            raise CardStatus(SW.WRONG_LENGTH)
        name = pin_file.pin
        with self._alone():
            pin = self.pin(name)
            if pin is None or pin.blocked:
                raise CardStatus(SW.AUTH_METHOD_BLOCKED)
            if name not in self.verified:
                raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
            if not new_pin_is_valid(name, command.data):
                raise CardStatus(SW.WRONG_DATA)
            self.state.set_pin(name, command.data.decode("ascii"), limit=pin.limit)
            self._save()
        return b""

    # -- COMPUTE SIGNATURE -----------------------------------------------------------------

    def compute_signature(self, command: CommandApdu) -> bytes:
        """``80 2A 00 80 Lc DigestInfo 00`` with a key EF selected: PKCS#1 v1.5 signature."""
        if command.p1 != 0x00 or command.p2 != 0x80:
            raise CardStatus(SW.INCORRECT_P1P2)
        key_file = self.current
        if not isinstance(key_file, KeyFile):
            raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
        if key_file.needs not in self.verified:
            raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
        key = key_file.key()
        size = applet_jpki.signature_size(key)
        if not command.data or len(command.data) > size - applet_jpki.PKCS1_MIN_PADDING:
            raise CardStatus(SW.WRONG_LENGTH)
        if self.sign_ms > 0:
            time.sleep(self.sign_ms / 1000)
        return applet_jpki.sign_digest_info(key, command.data)

    # -- the store ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _alone(self) -> Iterator[None]:
        """The store locked against every other process, the state re-read from it."""
        if self._store is None:
            yield
            return
        with self._store.update() as fresh:
            self._adopt(fresh)
            yield

    def _refresh(self) -> None:
        if self._store is not None:
            self._adopt(self._store.load())

    def _adopt(self, fresh: CardState) -> None:
        """Take the stored state in place (applet files and callers keep their reference)."""
        state = self.state
        if fresh == state:
            return
        for f in dataclasses.fields(state):
            setattr(state, f.name, getattr(fresh, f.name))
        self.ctx.cache.clear()

    def _save(self) -> None:
        if self._store is not None:
            self._store.save(self.state)
