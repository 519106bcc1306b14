"""Command APDUs (ISO 7816-4 cases 1-4, short and extended lengths) and their redaction.

``le`` is the number of bytes expected: ``None`` when absent, 1-256 in the short form
(encoded ``00`` for 256), 1-65536 in the extended form (``0000`` for 65536).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.card.errors import MalformedApduError

SHORT_MAX_LC = 255
SHORT_MAX_LE = 256
EXTENDED_MAX_LC = 65535
EXTENDED_MAX_LE = 65536

INS_VERIFY = 0x20
INS_CHANGE_REFERENCE_DATA = 0x24
INS_CHANGE_PIN_JUKI = 0x32  # 80 32: change PIN of the 住基/共通 applets
INS_SELECT = 0xA4
INS_READ_BINARY = 0xB0
INS_SIGN = 0x2A  # 80 2A: compute digital signature (JPKI)

#: instructions whose body is a PIN or password; a trace never shows their data.
SECRET_INS = frozenset({INS_VERIFY, INS_CHANGE_REFERENCE_DATA, INS_CHANGE_PIN_JUKI})


@dataclass(frozen=True)
class CommandApdu:
    """One command APDU."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise MalformedApduError(f"{name.upper()} out of range: {value}")
        if len(self.data) > EXTENDED_MAX_LC:
            raise MalformedApduError(f"command data too long: {len(self.data)} bytes")
        if self.le is not None and not 1 <= self.le <= EXTENDED_MAX_LE:
            raise MalformedApduError(f"Le out of range: {self.le}")

    @property
    def needs_extended(self) -> bool:
        """True when the data or Le do not fit the short form."""
        return len(self.data) > SHORT_MAX_LC or (self.le is not None and self.le > SHORT_MAX_LE)

    def encode(self) -> bytes:
        """The APDU's bytes, in the extended form when asked for or when needed."""
        header = bytes((self.cla, self.ins, self.p1, self.p2))
        if self.extended or self.needs_extended:
            body = b""
            if self.data:
                body += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.le is not None:
                le = (self.le % EXTENDED_MAX_LE).to_bytes(2, "big")
                body += le if self.data else b"\x00" + le
            return header + body
        body = b""
        if self.data:
            body += bytes((len(self.data),)) + self.data
        if self.le is not None:
            body += bytes((self.le % SHORT_MAX_LE,))
        return header + body

    def __bytes__(self) -> bytes:
        return self.encode()

    @property
    def is_secret(self) -> bool:
        """True when the data field carries a PIN or password."""
        return self.ins in SECRET_INS and bool(self.data)

    def redacted(self) -> str:
        """The APDU in hex for a trace; the body of a PIN command is replaced by its length."""
        header = f"{self.cla:02X} {self.ins:02X} {self.p1:02X} {self.p2:02X}"
        if self.is_secret:
            return f"{header} [{len(self.data)} bytes redacted]"
        parts = [header]
        if self.data:
            parts.append(f"Lc={len(self.data)} {self.data.hex(' ').upper()}")
        if self.le is not None:
            parts.append(f"Le={self.le}")
        return " ".join(parts)


def parse_command(raw: bytes) -> CommandApdu:
    """Parse a command APDU in any of the seven ISO 7816-4 forms.

    Raises :class:`MalformedApduError` (and nothing else) for bytes that are not an APDU.
    """
    raw = bytes(raw)
    if len(raw) < 4:
        raise MalformedApduError(f"APDU shorter than its header: {len(raw)} bytes")
    cla, ins, p1, p2 = raw[0], raw[1], raw[2], raw[3]
    body = raw[4:]
    n = len(body)
    if n == 0:  # case 1
        return CommandApdu(cla, ins, p1, p2)
    if n == 1:  # case 2S
        return CommandApdu(cla, ins, p1, p2, le=body[0] or SHORT_MAX_LE)
    if body[0] != 0:  # short Lc
        lc = body[0]
        if n == 1 + lc:  # case 3S
            return CommandApdu(cla, ins, p1, p2, data=body[1:])
        if n == 2 + lc:  # case 4S
            return CommandApdu(cla, ins, p1, p2, data=body[1 : 1 + lc], le=body[-1] or SHORT_MAX_LE)
        raise MalformedApduError(f"Lc={lc} does not match the {n - 1} bytes that follow")
    # extended forms start with 00
    if n == 3:  # case 2E
        le = int.from_bytes(body[1:3], "big") or EXTENDED_MAX_LE
        return CommandApdu(cla, ins, p1, p2, le=le, extended=True)
    if n < 3:
        raise MalformedApduError("truncated extended length")
    lc = int.from_bytes(body[1:3], "big")
    if lc == 0:
        raise MalformedApduError("extended Lc of zero")
    if n == 3 + lc:  # case 3E
        return CommandApdu(cla, ins, p1, p2, data=body[3:], extended=True)
    if n == 5 + lc:  # case 4E
        le = int.from_bytes(body[-2:], "big") or EXTENDED_MAX_LE
        return CommandApdu(cla, ins, p1, p2, data=body[3 : 3 + lc], le=le, extended=True)
    raise MalformedApduError(f"extended Lc={lc} does not match the {n - 3} bytes that follow")


def split_response(raw: bytes) -> tuple[bytes, int]:
    """Split a response APDU into its data and status word."""
    if len(raw) < 2:
        raise MalformedApduError(f"response shorter than a status word: {len(raw)} bytes")
    return bytes(raw[:-2]), int.from_bytes(raw[-2:], "big")
