"""The forensic check: runs leave no PIN, individual number or face data behind, and the
scanner does find them when they are there (so the first check can fail)."""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from kiosk.forensics import Finding, Scanner, Secrets
from kiosk.paths import assets_dir

ROOT = Path(__file__).resolve().parents[2]
PIN = "1234"  # the deck's auth PIN (standard)
NUMBER = "123456789018"
FACE_MODELS = importlib.util.find_spec("face_recognition_models") is not None


@pytest.fixture
def scanner() -> Scanner:
    return Scanner(Secrets.from_deck([NUMBER]), image_roots=[assets_dir()])


def _png(text_chunks: list[tuple[bytes, bytes]]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    texts = b"".join(chunk(kind, body) for kind, body in text_chunks)
    data = chunk(b"IDAT", zlib.compress(b"\0\0"))
    return b"\x89PNG\r\n\x1a\n" + header + texts + data + chunk(b"IEND", b"")


def _found(scanner: Scanner, path: Path, data: bytes) -> list[Finding]:
    path.write_bytes(data)
    return scanner.scan([path])


VERIFY = bytes([0x00, 0x20, 0x00, 0x98, 0x04]) + PIN.encode()
PLANTED: list[tuple[str, bytes, str, str]] = [
    ("log", b"INFO user typed PIN 1234 at the pad\n", "pin", "ascii next to a PIN word"),
    ("json", b'{"pin": "1234"}', "pin", "ascii next to a PIN word"),
    ("jp", "暗証番号: 1234".encode(), "pin", "ascii next to a PIN word"),
    ("sign", b"password SIGN2024", "pin", "ascii"),
    ("u16", "trace 1234 end".encode("utf-16-le"), "pin", "utf-16"),
    ("hex", b"body 31 32 33 34 end", "pin", "hex"),
    ("block", b"\x00\x00\x24\x12\x34\xff\xff\xff\xff\xff\x00", "pin", "bcd pin block"),
    ("b64", b"secret=" + base64.b64encode(PIN.encode()), "pin", "base64"),
    ("apdu", b"\x01\x02" + VERIFY + b"\x90\x00", "pin", "verify apdu"),
    ("apdu-hex", b"> 00 20 00 98 04 31 32 33 34", "pin", "verify apdu hex"),
    ("apdu-b64", base64.b64encode(b"xx" + VERIFY + b"yy"), "pin", "verify apdu base64"),
    ("num", b"number=123456789018;", "individual-number", "ascii"),
    ("num-grouped", b"1234 5678 9018", "individual-number", "ascii grouped"),
    ("num-wide", "１２３４５６７８９０１８".encode(), "individual-number", "full-width"),
    ("num-u16", NUMBER.encode("utf-16-be"), "individual-number", "utf-16"),
    ("num-bcd", b"\x00\x12\x34\x56\x78\x90\x18\x00", "individual-number", "bcd"),
    ("num-b64", base64.b64encode(b"ab" + NUMBER.encode()), "individual-number", "base64"),
    ("jpeg", b"row\x00\xff\xd8\xff\xe0\x00\x10JFIF", "face-image", "JPEG"),
    ("jp2", b"\x00\x00\x00\x0cjP  \r\n\x87\n\x00", "face-image", "JPEG 2000"),
    ("png-b64", b'{"photo": "iVBORw0KGgoAAAA"}', "face-image", "PNG (base64)"),
]


@pytest.mark.parametrize(("name", "data", "kind", "form"), PLANTED, ids=[p[0] for p in PLANTED])
def test_scanner_finds_what_was_planted(
    scanner: Scanner, tmp_path: Path, name: str, data: bytes, kind: str, form: str
) -> None:
    findings = _found(scanner, tmp_path / name, data)
    assert any(f.kind == kind and f.form == form for f in findings), findings
    assert all(PIN not in str(f) and NUMBER not in str(f) for f in findings)  # no echo


def test_scanner_finds_encodings(scanner: Scanner, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    encoding = rng.normal(0, 0.09, 128)
    raw = b"\x07" * 3 + encoding.astype("<f8").tobytes() + b"tail"  # unaligned on purpose
    assert any(f.form == "128 float64" for f in _found(scanner, tmp_path / "f64", raw))
    f32 = encoding.astype("<f4").tobytes()
    assert any(f.form == "128 float32" for f in _found(scanner, tmp_path / "f32", f32))
    text = json.dumps({"encoding": encoding.round(6).tolist()}).encode()
    assert any(f.form == "128 numbers as text" for f in _found(scanner, tmp_path / "t", text))
    np.save(tmp_path / "enc.npy", encoding)
    assert any(f.form == ".npy array of 128" for f in scanner.scan([tmp_path / "enc.npy"]))


def test_scanner_reads_png_text_and_gzip(scanner: Scanner, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    allowed = Scanner(Secrets.from_deck([NUMBER]), image_roots=[shots])
    compressed = b"Comment\0\0" + zlib.compress(b"holder 123456789018")
    png = _png([(b"tEXt", b"Title\0kiosk"), (b"zTXt", compressed)])
    findings = _found(allowed, shots / "screen.png", png)
    assert [f.kind for f in findings] == ["individual-number"]  # the image itself is allowed
    assert "[zTXt]" in findings[0].path
    outside = _found(allowed, tmp_path / "screen.png", _png([]))
    assert [f.kind for f in outside] == ["face-image"]  # a PNG outside screenshots
    logs = _found(scanner, tmp_path / "log.gz", gzip.compress(b"pin=1234"))
    assert any("[gunzip]" in f.path for f in logs)


def test_scanner_is_quiet_on_everyday_data(scanner: Scanner, tmp_path: Path) -> None:
    innocent = (
        b"2026-11-23T12:34:56.123400+00:00 reception 1234abcd done\n"
        b"<InsuredIdentificationNumber>1234</InsuredIdentificationNumber>\n"
        b"error_code=001 security_code 2285 tries_left=3 seq 12345 serial 61234\n"
        b"hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
        b"trace > 00 20 00 98 [4 bytes]  < 0 bytes 9000\n"
        b"values 0.5 1.5 2.5 timings 12.3 ms\n"
    )
    assert _found(scanner, tmp_path / "kiosk.log", innocent) == []


RUN = r"""
import json, logging, os, sys
from pathlib import Path
from kiosk.card.transport import TRACE, CountingTransport
logging.basicConfig(filename=os.environ["RUN_LOG"], level=TRACE,
                    format="%(asctime)s %(levelname)s %(name)s: %(message)s")
from kiosk.config import Settings, set_staff_password
from kiosk.faults.harness import CardBox, Choices, HeadlessKiosk, auth_pin, wrong_pin
from kiosk.simcard.cardfile import save_card
from kiosk.simcard.virtual import open_card_file
from kiosk.cli import main
from kiosk.reception.events import Event

numbers = []
cards = CardBox()
set_staff_password(Settings(), "forensic-staff-1")
kiosk = HeadlessKiosk(camera=os.environ["RUN_CAMERA"])
def chip(profile="standard"):
    card = cards.card(profile)
    numbers.append(card.state.individual_number)
    return card
pin = auth_pin()
# PIN path: right; wrong then right; three wrong (locked) on a card kept in a file
kiosk.place(CountingTransport(chip())); assert kiosk.answer(Choices("pin", pin)).value == "done"
kiosk.back_to_start()
kiosk.place(chip()); kiosk.flow.send(Event.CHOOSE_PIN)
kiosk.flow.send(Event.PIN_ENTERED, wrong_pin(pin))
assert kiosk.answer(Choices("pin", pin)).value == "done"; kiosk.back_to_start()
card_file = Path(os.environ["KIOSK_HOME"]) / "cards" / "one-left.card"
card_file.parent.mkdir()
state = cards.state("auth-pin-one-left"); numbers.append(state.individual_number)
save_card(card_file, state)
kiosk.place(open_card_file(card_file)); kiosk.flow.send(Event.CHOOSE_PIN)
kiosk.flow.send(Event.PIN_ENTERED, wrong_pin(pin)); kiosk.back_to_start()
# face path (the real pipeline when the models are installed) and staff confirmation
kiosk.place(chip()); assert kiosk.answer(Choices("face", pin)).value == "done"
kiosk.back_to_start()
kiosk.place(chip("face-only"))
assert kiosk.answer(Choices("staff", staff_password="forensic-staff-1")).value == "done"
kiosk.back_to_start()
kiosk.close()
# the CLI's own paths: scenarios (card files, wrong PINs, locks), card tools, the demo
scenarios = Path(os.environ["RUN_ASSETS"]) / "scenarios"
files = [str(scenarios / n) for n in ("01-pin-standard.yaml", "06-three-wrong-pins-lock.yaml",
         "07-lock-persists.yaml", "08-correct-pin-restores.yaml", "29-cancel.yaml")]
assert main(["scenario", "run", *files, "--home", os.environ["KIOSK_HOME"],
             "--allow-real-home", "--json"]) == 0
Path(os.environ["RUN_SECRETS"]).write_text(json.dumps(numbers))
"""


def test_runs_leave_nothing_behind(tmp_path: Path) -> None:
    home, logs, temp, secrets = (tmp_path / n for n in ("home", "logs", "tmp", "secrets"))
    for folder in (home, logs, temp, secrets):
        folder.mkdir()
    env = {
        **os.environ,
        "KIOSK_HOME": str(home),
        "TMPDIR": str(temp),
        "RUN_LOG": str(logs / "kiosk.log"),
        "RUN_SECRETS": str(secrets / "numbers.json"),
        "RUN_ASSETS": str(assets_dir()),
        "RUN_CAMERA": "person:obama" if FACE_MODELS else "scripted:match",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    with open(logs / "stdout.log", "wb") as out, open(logs / "stderr.log", "wb") as err:
        done = subprocess.run(
            [sys.executable, "-c", RUN], env=env, stdout=out, stderr=err, timeout=600, check=False
        )
    assert done.returncode == 0, (logs / "stderr.log").read_text()[-3000:]
    shots = tmp_path / "shots"
    shot = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kiosk.cli import main; sys.exit(main())",
            "screenshots",
            str(shots),
            "--size",
            "640x480",
            "--lang",
            "ja",
        ],
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert shot.returncode == 0, shot.stderr.decode(errors="replace")[-2000:]
    assert len(list(shots.glob("*.png"))) >= 10
    numbers = json.loads((secrets / "numbers.json").read_text())
    assert len(numbers) >= 5
    assert (home / "records.db").exists() and any((home / "outbox" / "face").glob("*.xml"))
    log = (logs / "kiosk.log").read_text(encoding="utf-8")
    assert " TRACE kiosk.card.apdu: " in log and "00 20 00 98" in log  # VERIFYs were traced
    scanner = Scanner(Secrets.from_deck(numbers), image_roots=[assets_dir(), shots])
    findings = scanner.scan([home, logs, temp, shots])
    assert findings == [], "\n".join(map(str, findings))


def test_an_unsealed_card_file_is_a_finding(tmp_path: Path) -> None:
    from kiosk.simcard.cardfile import OPEN_VERSION, _checksum, save_card
    from kiosk.simcard.issue import issue_card
    from kiosk.simcard.seal import load_key, unseal

    sealed, unsealed = tmp_path / "sealed.card", tmp_path / "old.card"
    save_card(sealed, issue_card("standard"))
    document = json.loads(sealed.read_bytes())
    document["card"] = unseal(document["card"], load_key(create=False))
    document["version"] = OPEN_VERSION
    document["checksum"] = _checksum(document["card"])
    unsealed.write_text(json.dumps(document, indent=1))

    def forensics(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk.forensics", str(path)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    found = forensics(unsealed)
    assert found.returncode == 1, found.stderr
    assert "unsealed-card" in found.stdout and str(unsealed) in found.stdout
    clean = forensics(sealed)
    assert clean.returncode == 0, clean.stdout
    assert "unsealed-card" not in clean.stdout
