"""The forensic scanner: did anything the kiosk must never keep end up on disk?

:class:`Scanner` reads every file under the given folders (logs, the records database with its
``-wal``/``-shm``, the outbox, screenshots, KIOSK_HOME, temporary files) and reports
:class:`Finding` s of five kinds:

- ``pin``: a test PIN as ASCII (4-digit PINs only next to a word such as "PIN", "password",
  "暗証", "verify": alone they are everyday numbers), UTF-16, hex of its ASCII, a BCD PIN block
  (ISO 9564 format 2), base64, or inside a VERIFY command APDU (binary, hex, base64);
- ``individual-number``: a card's 12-digit individual number as ASCII, grouped 4-4-4,
  full-width digits, UTF-16, hex, packed BCD or base64;
- ``face-image``: JPEG / JPEG 2000 / PNG data (or its base64) outside the allowed folders
  (assets, screenshots);
- ``face-encoding``: 128 float64 (or float32) in a row with face-encoding values (binary at any
  alignment, a .npy file, or 128 decimal numbers in a row as text);
- ``unsealed-card``: a virtual card file that holds its secrets (PIN salt and digests, the
  individual-number seed, private keys) in the clear instead of sealed with the kiosk's key:
  whoever copies it gets the PINs and the individual number.

PNG files are also read chunk by chunk: their text metadata (tEXt, zTXt, iTXt) is scanned
decompressed; gzip files are scanned decompressed. A finding names the file, the offset, the
kind, the form and a label ("standard.auth"), never the secret itself.

``python -m kiosk.forensics [--numbers FILE] PATH…`` scans with the deck's test PINs (exit 1
when something is found).
"""

from __future__ import annotations

import argparse
import base64
import gzip
import os
import re
import struct
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.paths import assets_dir
from kiosk.simcard.deck import load_deck

MAX_BYTES = 256 * 2**20
VERIFY_P2 = (0x80, 0x91, 0x98, 0x9B, 0x9C)
"""VERIFY references: the selected EF, and the short EF ids of 入力補助 (11), auth (18), sign
(1B) and 住基/共通 (1C) PINs."""
PIN_WORDS = rb"(?:pin|password|passwd|passcode|secret|verify|\xe6\x9a\x97\xe8\xa8\xbc)"  # 暗証
IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff\xe0", "JPEG"),
    (b"\xff\xd8\xff\xe1", "JPEG"),
    (b"\xff\xd8\xff\xdb", "JPEG"),
    (b"\xff\xd8\xff\xee", "JPEG"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000 codestream"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"/9j/", "JPEG (base64)"),
    (b"iVBORw0KGgo", "PNG (base64)"),
    (b"AAAADGpQICAN", "JPEG 2000 (base64)"),
)
ENCODING_LENGTH = 128
CARD_FILE_MARKER = b'"kiosk-virtual-card"'
OPEN_CARD_SECRET = re.compile(rb'"(?:salt|number_seed|auth_key|sign_key|digest)"\s*:\s*"')
"""A secret field of a card file in the clear (a sealed card file has none of them)."""


@dataclass(frozen=True)
class Finding:
    path: str
    offset: int
    kind: str  # pin / individual-number / face-image / face-encoding / unsealed-card
    form: str
    label: str = ""

    def __str__(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"{self.path}@{self.offset}: {self.kind}{label} as {self.form}"


@dataclass
class Secrets:
    """What must not be found: PINs by label ("standard.auth"), individual numbers."""

    pins: dict[str, str] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)

    @classmethod
    def from_deck(cls, numbers: Iterable[str] = ()) -> Secrets:
        """Every test PIN of the card deck, and the given individual numbers."""

        pins: dict[str, str] = {}
        for name, profile in load_deck().items():
            for which in ("auth", "sign", "hojo", "juki", "kyotsu"):
                pins[f"{name}.{which}"] = str(getattr(profile, f"{which}_pin"))
        return cls(pins, sorted(set(numbers)))


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[bytes]
    kind: str
    form: str
    label: str


def _b64_cores(data: bytes, *, min_chars: int = 6) -> list[bytes]:
    """Base64 text that ``data`` produces wherever it sits in a longer base64 stream."""
    cores = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data)
        # a character is data's alone when its 6 bits lie inside data's bits
        first = -(-8 * shift // 6)
        last = 8 * (shift + len(data)) // 6
        core = encoded[first:last]
        if len(core) >= min_chars:
            cores.append(core)
    return cores


def _hex_regex(data: bytes) -> bytes:
    return rb"(?i)" + rb"[\s:]?".join(f"{b:02x}".encode() for b in data)


def _bcd(digits: str) -> bytes:
    padded = digits + "F" * (len(digits) % 2)
    return bytes.fromhex(padded)


def _literal(data: bytes) -> bytes:
    return re.escape(data)


def _patterns(secrets: Secrets) -> list[_Pattern]:
    out: list[_Pattern] = []

    def add(regex: bytes, kind: str, form: str, label: str) -> None:
        out.append(_Pattern(re.compile(regex, re.DOTALL), kind, form, label))

    labels: dict[str, list[str]] = {}
    for name, value in secrets.pins.items():
        labels.setdefault(value, []).append(name)
    for pin, names in labels.items():
        label = names[0] + (f" +{len(names) - 1} more" if len(names) > 1 else "")
        raw = pin.encode("ascii")
        if pin.isdigit() and len(pin) < 6:
            word = PIN_WORDS + rb"[^\n]{0,40}?(?<![0-9])" + _literal(raw) + rb"(?![0-9])"
            add(rb"(?i)" + word, "pin", "ascii next to a PIN word", label)
        else:
            add(rb"(?<![0-9A-Za-z])" + _literal(raw) + rb"(?![0-9A-Za-z])", "pin", "ascii", label)
        add(_literal(pin.encode("utf-16-le")), "pin", "utf-16", label)
        add(_literal(pin.encode("utf-16-be")), "pin", "utf-16", label)
        add(_hex_regex(raw), "pin", "hex", label)
        if pin.isdigit() and 4 <= len(pin) <= 12:
            block = bytes([0x20 | len(pin)]) + _bcd(pin)
            add(_literal(block + b"\xff" * (8 - len(block))), "pin", "bcd pin block", label)
        add(_literal(base64.b64encode(raw).rstrip(b"=")), "pin", "base64", label)
        for p2 in VERIFY_P2:
            apdu = bytes([0x00, 0x20, 0x00, p2, len(raw)]) + raw
            add(_literal(apdu), "pin", "verify apdu", label)
            add(_hex_regex(apdu), "pin", "verify apdu hex", label)
            for core in _b64_cores(apdu, min_chars=8):
                add(_literal(core), "pin", "verify apdu base64", label)
    for number in secrets.numbers:
        raw = number.encode("ascii")
        label = "card"
        add(rb"(?<![0-9])" + _literal(raw) + rb"(?![0-9])", "individual-number", "ascii", label)
        for sep in (b" ", b"-"):
            grouped = sep.join((raw[:4], raw[4:8], raw[8:]))
            add(_literal(grouped), "individual-number", "ascii grouped", label)
        wide = "".join(chr(0xFF10 + int(d)) for d in number).encode("utf-8")
        add(_literal(wide), "individual-number", "full-width", label)
        add(_literal(number.encode("utf-16-le")), "individual-number", "utf-16", label)
        add(_literal(number.encode("utf-16-be")), "individual-number", "utf-16", label)
        add(_hex_regex(raw), "individual-number", "hex", label)
        add(_literal(_bcd(number)), "individual-number", "bcd", label)
        for core in _b64_cores(raw, min_chars=12):
            add(_literal(core), "individual-number", "base64", label)
    return out


def _float_runs(data: bytes, dtype: str, low: float, high: float) -> Iterator[int]:
    """Offsets where ENCODING_LENGTH values in a row of ``dtype`` look like an encoding."""
    size = np.dtype(dtype).itemsize
    if len(data) < size * ENCODING_LENGTH:
        return
    for shift in range(size):
        usable = (len(data) - shift) // size * size
        values = np.frombuffer(data, dtype=dtype, count=usable // size, offset=shift)
        with np.errstate(all="ignore"):
            magnitude = np.abs(values)
            plausible = np.isfinite(values) & (magnitude > low) & (magnitude < high)
        if plausible.sum() < ENCODING_LENGTH:
            continue
        edges = np.diff(np.concatenate(([0], plausible.view(np.int8), [0])))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        for start, end in zip(starts, ends, strict=True):
            if end - start >= ENCODING_LENGTH:
                run = values[start:end].astype(np.float64)
                if float(np.std(run)) > 1e-3 and len(np.unique(run)) > ENCODING_LENGTH // 2:
                    yield shift + int(start) * size


_FLOAT_TEXT = re.compile(rb"-?\d*\.\d+(?:[eE][-+]?\d+)?")
_SEPARATOR = re.compile(rb"[\s,;\[\]]*")


def _float_text_runs(data: bytes) -> Iterator[int]:
    """Offsets of 128 decimal numbers below 1.5 in a row, separated by commas/spaces."""
    run_start = -1
    count = 0
    previous_end = -1
    for match in _FLOAT_TEXT.finditer(data):
        gap = data[previous_end : match.start()] if previous_end >= 0 else b"x"
        joined = previous_end >= 0 and _SEPARATOR.fullmatch(gap) is not None and len(gap) <= 4
        try:
            small = abs(float(match.group())) < 1.5
        except ValueError:
            small = False
        if small and joined:
            count += 1
        elif small:
            run_start, count = match.start(), 1
        else:
            count = 0
        previous_end = match.end()
        if count == ENCODING_LENGTH:
            yield run_start


class Scanner:
    """Scans bytes, files and folders for ``secrets`` and face data.

    Images are allowed under ``image_roots`` (assets, screenshots); everything else is
    scanned for everything.
    """

    def __init__(self, secrets: Secrets, *, image_roots: Iterable[Path] = ()) -> None:
        self.secrets = secrets
        self.patterns = _patterns(secrets)
        self.image_roots = [Path(p).resolve() for p in image_roots]

    def _images_allowed(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(root == resolved or root in resolved.parents for root in self.image_roots)

    def scan_bytes(self, data: bytes, where: str, *, images_allowed: bool = False) -> list[Finding]:
        findings: list[Finding] = []
        for pattern in self.patterns:
            match = pattern.regex.search(data)
            if match is not None:
                findings.append(
                    Finding(where, match.start(), pattern.kind, pattern.form, pattern.label)
                )
        if not images_allowed:
            for magic, name in IMAGE_MAGIC:
                offset = data.find(magic)
                if offset >= 0:
                    findings.append(Finding(where, offset, "face-image", name))
        if CARD_FILE_MARKER in data:
            secret = OPEN_CARD_SECRET.search(data)
            if secret is not None:
                findings.append(
                    Finding(where, secret.start(), "unsealed-card", "card secrets in the clear")
                )
        if data.startswith(b"\x93NUMPY") and b"128" in data[:256]:
            findings.append(Finding(where, 0, "face-encoding", ".npy array of 128"))
        for offset in _float_runs(data, "<f8", 1e-5, 1.5):
            findings.append(Finding(where, offset, "face-encoding", "128 float64"))
            break
        for offset in _float_runs(data, "<f4", 1e-5, 1.5):
            findings.append(Finding(where, offset, "face-encoding", "128 float32"))
            break
        for offset in _float_text_runs(data):
            findings.append(Finding(where, offset, "face-encoding", "128 numbers as text"))
            break
        return findings

    def scan_file(self, path: Path) -> list[Finding]:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES)
        except OSError:
            return []
        allowed = self._images_allowed(path)
        where = str(path)
        findings = self.scan_bytes(data, where, images_allowed=allowed)
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            for chunk, text in png_texts(data):
                findings += self.scan_bytes(text, f"{where} [{chunk}]", images_allowed=allowed)
        if data.startswith(b"\x1f\x8b"):
            try:
                inner = gzip.decompress(data)[:MAX_BYTES]
            except (OSError, EOFError, zlib.error):
                inner = b""
            findings += self.scan_bytes(inner, f"{where} [gunzip]", images_allowed=allowed)
        return findings

    def scan(self, roots: Iterable[Path]) -> list[Finding]:
        """Every regular file under ``roots`` (files themselves may be given)."""
        findings: list[Finding] = []
        for root in roots:
            for path in _files(Path(root)):
                findings += self.scan_file(path)
        return findings


def _files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for folder, _, names in os.walk(root, followlinks=False):
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def png_texts(data: bytes) -> Iterator[tuple[str, bytes]]:
    """The text chunks of a PNG (tEXt, zTXt, iTXt), decompressed; stops at a broken chunk."""
    offset = 8
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        name = kind.decode("latin-1")
        try:
            if kind == b"tEXt":
                yield name, body
            elif kind == b"zTXt":
                key, _, rest = body.partition(b"\0")
                yield name, key + b"\0" + zlib.decompress(rest[1:])
            elif kind == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _, _, rest = rest.partition(b"\0")  # language tag
                _, _, text = rest.partition(b"\0")  # translated keyword
                yield name, key + b"\0" + (zlib.decompress(text) if compressed else text)
        except (zlib.error, IndexError):
            yield name, body
        if kind == b"IEND":
            return


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.forensics",
        description="scan files for PINs, individual numbers and face data",
    )
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--numbers", type=Path, help="file with individual numbers, one a line")
    parser.add_argument("--allow-images", type=Path, action="append", default=[])
    args = parser.parse_args(argv)
    numbers = args.numbers.read_text().split() if args.numbers else []

    scanner = Scanner(Secrets.from_deck(numbers), image_roots=[assets_dir(), *args.allow_images])
    findings = scanner.scan(args.paths)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} findings", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
