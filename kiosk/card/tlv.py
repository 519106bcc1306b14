"""BER-TLV as the My Number card uses it (multi-byte tags, 81/82 length forms)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.card.errors import TlvError


@dataclass(frozen=True)
class Tlv:
    """One tag-length-value element; ``tag`` is the tag's bytes as an integer (e.g. 0xDF22)."""

    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag.to_bytes(max(1, (self.tag.bit_length() + 7) // 8), "big")[0]
        return bool(first & 0x20)

    def children(self) -> list[Tlv]:
        """Parse the value as nested TLV (for constructed tags such as FF20)."""
        return parse(self.value)


def _read_tag(data: bytes, pos: int) -> tuple[int, int]:
    if pos >= len(data):
        raise TlvError("TLV ends before a tag")
    start = pos
    first = data[pos]
    pos += 1
    if first & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise TlvError("TLV ends inside a multi-byte tag")
            byte = data[pos]
            pos += 1
            if pos - start > 4:
                raise TlvError("TLV tag longer than 4 bytes")
            if not byte & 0x80:
                break
    return int.from_bytes(data[start:pos], "big"), pos


def read_length(data: bytes, pos: int = 0) -> tuple[int, int]:
    """Read a BER length at ``pos``; return (length, position after it)."""
    if pos >= len(data):
        raise TlvError("TLV ends before a length")
    first = data[pos]
    pos += 1
    if first < 0x80:
        return first, pos
    count = first & 0x7F
    if count == 0 or count > 3:
        raise TlvError(f"unsupported TLV length form {first:02X}")
    if pos + count > len(data):
        raise TlvError("TLV ends inside a length")
    return int.from_bytes(data[pos : pos + count], "big"), pos + count


def parse(data: bytes) -> list[Tlv]:
    """Parse a sequence of TLV elements; 00 padding bytes between them are skipped.

    Raises :class:`TlvError` (and nothing else) for data that is not TLV.
    """
    data = bytes(data)
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        if data[pos] == 0x00:
            pos += 1
            continue
        tag, pos = _read_tag(data, pos)
        length, pos = read_length(data, pos)
        if pos + length > len(data):
            raise TlvError(f"TLV {tag:X} declares {length} bytes, {len(data) - pos} remain")
        items.append(Tlv(tag, data[pos : pos + length]))
        pos += length
    return items


def find(items: list[Tlv], tag: int) -> bytes:
    """The value of the first element with ``tag``; :class:`TlvError` when missing."""
    for item in items:
        if item.tag == tag:
            return item.value
    raise TlvError(f"TLV tag {tag:X} missing")


def encode_length(length: int) -> bytes:
    """A BER length: short form below 128, else 81/82/83."""
    if length < 0x80:
        return bytes((length,))
    size = (length.bit_length() + 7) // 8
    if size > 3:
        raise TlvError(f"TLV length too large: {length}")
    return bytes((0x80 | size,)) + length.to_bytes(size, "big")


def encode(tag: int, value: bytes) -> bytes:
    """Encode one element."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    return tag_bytes + encode_length(len(value)) + bytes(value)


def der_total_length(header: bytes) -> int:
    """Total length of a DER object (header included) from its first 2-5 bytes.

    Used to learn a certificate's size from the first bytes of its EF before reading the rest.
    """
    if len(header) < 2:
        raise TlvError("DER header shorter than 2 bytes")
    _, pos = _read_tag(header, 0)
    length, end = read_length(header, pos)
    return end + length
