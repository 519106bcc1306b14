"""Fuzz target ``scenario``: the text of a scenario file, loaded and run.

Inputs: random text; scenarios built from the real vocabulary (deck profiles, steps,
settings, expectations) with hostile arguments, written as YAML; deep nesting and YAML
aliases. The run happens in a fresh scenario home inside the scratch folder; it must report
every scenario (passed or failed) and write nothing outside that folder. The ``person:``
camera (the real face pipeline) is left out: it is slow and fed by the face tests.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from kiosk.config import Settings
from kiosk.fuzz import values
from kiosk.fuzz.target import FuzzFailure, Target
from kiosk.scenarios.expect import CHECKS
from kiosk.scenarios.runner import run_scenarios
from kiosk.simcard.deck import profile_names

STEP_NAMES = (
    "place_card",
    "remove_card",
    "face",
    "look_at_camera",
    "retry_face",
    "call_staff",
    "next",
    "cancel",
    "continue",
    "tick",
    "choose",
    "pin",
    "consent",
    "staff_confirm",
    "register",
    "high_cost",
    "limit_info",
    "specific_disease",
    "prescription",
    "staff_mode",
    "wait",
    "expect",
    "refused",
    "eligibility_fails",
)
ANSWERS = ("yes", "no", "face", "pin", "staff", "correct", "wrong", "1234", "visual", 65, 0.5)
SETTING_NAMES = tuple(f.name for f in dataclasses.fields(Settings))
CAMERAS = ("scripted:match", "scripted:no-match,match", "scripted:", "cv:0", "image:/etc/passwd")

_ARGS = st.one_of(st.sampled_from(ANSWERS), values.scalars(), values.nested())
_STEP = st.one_of(
    st.sampled_from(STEP_NAMES),
    st.dictionaries(st.sampled_from(STEP_NAMES), _ARGS, min_size=1, max_size=1),
    st.dictionaries(
        st.just("wait"), st.one_of(st.integers(0, 120), values.numbers()), min_size=1, max_size=1
    ),
    st.dictionaries(
        st.sampled_from(["pin", "choose", "consent", "register"]),
        st.sampled_from(ANSWERS),
        min_size=1,
        max_size=1,
    ),
    values.nested(),
)
_SETTINGS = st.dictionaries(
    st.one_of(st.sampled_from(SETTING_NAMES), values.texts(16)),
    st.one_of(values.scalars(), values.nested()),
    max_size=4,
)
_EXPECT = st.dictionaries(
    st.one_of(st.sampled_from(sorted(CHECKS)), values.texts(12)),
    st.one_of(st.sampled_from(["done", "method", "pin", "idle"]), values.nested()),
    max_size=3,
)


def _sometimes(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in ``one_in`` draws (shrinking towards False)."""
    return draw(st.integers(0, one_in - 1)) == one_in - 1


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly well-formed scenarios (so the steps run), with hostile parts here and there."""
    scenario: dict[str, Any] = {"name": draw(values.texts(30))}
    scenario["card"] = draw(st.sampled_from(profile_names()))
    if _sometimes(draw, 6):
        scenario["card"] = draw(values.scalars())
    if _sometimes(draw, 3):
        scenario["card_file"] = draw(st.sampled_from(["a.card", "sub/b.card"]))
        if _sometimes(draw, 3):
            scenario["card_file"] = draw(values.scalars())
    if _sometimes(draw, 3):
        camera = draw(st.one_of(st.sampled_from(CAMERAS), values.texts(30)))
        scenario["camera"] = camera if not str(camera).startswith("person:") else "scripted:"
    if _sometimes(draw, 3):
        scenario["settings"] = draw(_SETTINGS)
    if _sometimes(draw, 5):
        scenario["staff_password"] = draw(values.scalars())
    scenario["steps"] = draw(st.lists(_STEP, max_size=12))
    scenario["expect"] = draw(_EXPECT)
    if _sometimes(draw, 10):
        scenario[draw(values.texts(8))] = draw(values.scalars())
    return scenario


@st.composite
def documents(draw: st.DrawFn) -> str:
    items = draw(st.lists(scenarios(), min_size=1, max_size=2))
    data: Any = items[0] if len(items) == 1 else items
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def hostile_yaml(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, 100_000))
    return draw(
        st.sampled_from(
            [
                "name: deep\ncard: standard\nsteps: " + "[" * depth + "]" * depth + "\n",
                "name: deep\ncard: standard\nsettings: " + "{a: " * depth + "1" + "}" * depth,
                "name: loop\ncard: standard\nsteps: &a [*a]\n",
                "name: loop\ncard: standard\nsteps: [{refused: &r {step: {refused: *r}}}]\n",
                "name: laughs\ncard: standard\nexpect: &a {state: [*a, *a, *a, *a, *a]}\n",
                "name: date\ncard: standard\nsteps: [{wait: 2024-13-45}]\n",
                f"name: big\ncard: standard\nsteps: [{{wait: {'9' * 5000}}}]\n",
                "name: binary\ncard: !!binary aGVsbG8=\nsteps: [place_card]\n",
                "name: python\ncard: !!python/object:os.system [echo]\n",
                'name: nul\ncard: standard\ncard_file: "a\\0b"\n',
                'name: nul\ncard: standard\nsettings: {outbox: "o\\0x"}\n',
            ]
        )
    )


INPUTS = st.one_of(documents(), documents(), st.text(st.characters(codec="utf-8")), hostile_yaml())


def feed(text: str, work: Path) -> None:
    path = work / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    home = work / "home"
    before = set(work.iterdir())
    report = run_scenarios([path], home=home)
    if not report.results:
        raise FuzzFailure("the run reported no scenario")
    for result in report.results:
        for failure in result.failures:
            if len(failure) > 2000:
                raise FuzzFailure(f"a failure message of {len(failure)} characters")
    made = set(work.iterdir()) - before
    if made - {home}:
        raise FuzzFailure(f"the run wrote beside its home: {sorted(p.name for p in made)}")


TARGET = Target(
    name="scenario",
    summary="scenario files (kiosk.scenarios.runner: load, then run)",
    inputs=INPUTS,
    feed=feed,
    suffix=".yaml",
    examples=100,
)
