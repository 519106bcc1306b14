"""Fuzz target ``card-file``: the bytes of a card file, loaded as the kiosk loads one.

Inputs: random bytes; a real card (issued once per process) with fields replaced, removed
or added, then sealed with the scratch home's key (or written open, as version 1 files are)
and its checksum recomputed, so the decoder underneath is reached; and such a file with a
raw JSON token spliced in (huge integers, ``NaN``, deep nesting). A file that
loads is put in a virtual card, which must answer a reception's APDUs.
"""

from __future__ import annotations

import atexit
import copy
import functools
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kiosk.card.applets import Applet
from kiosk.fuzz import values
from kiosk.fuzz.apdus import fresh_card, transmit
from kiosk.fuzz.target import Target
from kiosk.paths import kiosk_home_at
from kiosk.simcard.cardfile import FORMAT, load_card, state_to_json
from kiosk.simcard.issue import issue_card
from kiosk.simcard.seal import load_key, seal

RAW = "\u0000RAW\u0000"  # a placeholder value replaced by a raw JSON token
RAW_TOKENS = (
    "9" * 5000,
    "-" + "9" * 400,
    "1e999",
    "NaN",
    "-Infinity",
    "[" * 50_000 + "]" * 50_000,
    '{"a":' * 20_000 + "1" + "}" * 20_000,
    '"\\ud800"',
    "tru",
)
READS = (
    bytes.fromhex("00A4040C0A") + Applet.JPKI.aid,
    bytes.fromhex("00B08A000000"),
    bytes.fromhex("0020008000"),
    bytes.fromhex("00A4040C0A") + Applet.KENHOJO.aid,
    bytes.fromhex("0020009100"),
)


@functools.cache
def card_home() -> Path:
    """The scratch home whose key seals the fuzzed card files (removed at exit)."""
    home = Path(tempfile.mkdtemp(prefix="kiosk-fuzz-card-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


@functools.cache
def real_card() -> dict[str, Any]:
    """The open ``card`` object of a standard card (secrets in the clear), made once."""
    with kiosk_home_at(card_home()):
        return state_to_json(issue_card("standard"))


def document(card: dict[str, Any], sealed: bool) -> dict[str, Any]:
    """A card file's document: version 2 sealed with :func:`card_home`'s key, or version 1
    (open, still read). A card the sealing cannot handle is written open."""
    version = 1
    if sealed:
        try:
            with kiosk_home_at(card_home()):
                card, version = seal(card, load_key(create=True)), 2
        except Exception:  # noqa: S110 - a mutated card the sealing cannot take: stays open
            pass
    return {"format": FORMAT, "version": version, "checksum": checksum(card), "card": card}


def checksum(card: Any) -> str:
    canonical = json.dumps(card, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    card = copy.deepcopy(real_card())
    paths = [p for p in _paths(card) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        try:
            parent = _parent(card, path)
            operation = draw(st.sampled_from(["set", "delete", "add"]))
            if operation == "set":
                parent[path[-1]] = draw(values.nested())
            elif operation == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif operation == "add" and isinstance(parent, dict):
                parent[draw(values.texts(12))] = draw(values.nested())
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this place
    raw = draw(st.booleans()) and draw(st.integers(0, 9)) == 0
    if raw:
        path = draw(st.sampled_from(paths))
        try:
            _parent(card, path)[path[-1]] = RAW
        except (KeyError, IndexError, TypeError):
            raw = False
    doc = document(card, sealed=draw(st.booleans()))
    if draw(st.integers(0, 4)) == 0:
        doc[draw(st.sampled_from(["format", "version", "checksum", "card"]))] = draw(
            values.nested()
        )
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    if raw:
        text = text.replace(json.dumps(RAW), draw(st.sampled_from(RAW_TOKENS)), 1)
    return text.encode("utf-8")


@st.composite
def counters(draw: st.DrawFn) -> bytes:
    """The real card with PIN counters changed (valid: the card OS runs on it)."""
    card = copy.deepcopy(real_card())
    for pin in card["pins"].values():
        pin["tries_left"] = draw(st.integers(0, pin["limit"]))
    doc = document(card, sealed=draw(st.booleans()))
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


INPUTS = st.one_of(
    counters(),
    st.binary(max_size=2000),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    mutated(),
)


def feed(data: bytes, work: Path) -> None:
    path = work / "card.json"
    path.write_bytes(data)
    with kiosk_home_at(card_home()):  # the key the real file was sealed with
        state = load_card(path)
    card = fresh_card(state)
    for apdu in READS:
        transmit(card, apdu)


TARGET = Target(
    name="card-file",
    summary="card files (kiosk.simcard.cardfile.load_card, then a reception's reads)",
    inputs=INPUTS,
    feed=feed,
    encode=bytes,
    decode=bytes,
    suffix=".card",
)
