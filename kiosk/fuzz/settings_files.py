"""Fuzz target ``settings``: the text of a facility settings file (TOML).

Inputs: random text; documents of the known tables and keys (and unknown ones) holding
hostile values, written as TOML; and deeply nested arrays. A file that loads must hold what
the settings promise: finite numbers, timeouts of at most a day, an institution code of ten
ASCII digits.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kiosk.config import DAY_S, FILE_KEYS, Settings, load_settings
from kiosk.fuzz import values
from kiosk.fuzz.target import FuzzFailure, Target

_BARE = re.compile(r"[A-Za-z0-9_-]+")
TABLES = sorted({table for table, _ in FILE_KEYS})
TIMEOUTS = [field for (table, _), field in FILE_KEYS.items() if table == "timeouts"]


def toml_key(key: str) -> str:
    return key if _BARE.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """``value`` as TOML (inline arrays and tables; invalid TOML is fine as an input too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return '""'  # None: TOML has no null


_KEYS = st.one_of(st.sampled_from([k for _, k in FILE_KEYS]), values.texts(16))
_TABLES = st.one_of(st.sampled_from(TABLES), values.texts(16))
_VALUES = values.nested(st.one_of(st.booleans(), values.numbers(), values.texts()))


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for key, value in draw(st.dictionaries(_KEYS, _VALUES, max_size=2)).items():
        lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for table, content in draw(
        st.dictionaries(_TABLES, st.dictionaries(_KEYS, _VALUES, max_size=5), max_size=4)
    ).items():
        lines.append(f"[{toml_key(table)}]")
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in content.items()]
    return "\n".join(lines) + "\n"


@st.composite
def deep(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 200_000))
    key = draw(st.sampled_from(["a", "facility.kiosk_id", "consent.items"]))
    return f"{key} = " + "[" * depth + "]" * depth + "\n"


INPUTS = st.one_of(st.text(st.characters(codec="utf-8")), documents(), deep())


def feed(text: str, work: Path) -> None:
    path = work / "facility.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    _check(settings)


def _check(settings: Settings) -> None:
    """What loaded settings promise, whatever the file held."""
    for name in TIMEOUTS:
        seconds = getattr(settings, name)
        if not (math.isfinite(seconds) and 0 < seconds <= DAY_S):
            raise FuzzFailure(f"{name} = {seconds!r} was accepted")
    for name in ("face_tolerance", "eligibility_latency_ms", "eligibility_failure_rate"):
        value = getattr(settings, name)
        if value is not None and not math.isfinite(value):
            raise FuzzFailure(f"{name} = {getattr(settings, name)!r} was accepted")
    if not re.fullmatch(r"[0-9]{10}", settings.medical_institution_code):
        raise FuzzFailure(f"institution code {settings.medical_institution_code!r} accepted")


TARGET = Target(
    name="settings",
    summary="facility settings files (kiosk.config.load_settings)",
    inputs=INPUTS,
    feed=feed,
    suffix=".toml",
    examples=200,
)
