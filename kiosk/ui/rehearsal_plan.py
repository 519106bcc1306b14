"""Rehearsals at the simulator (Qt-free): a rehearsal plan, what each deck card leads to, the
camera that follows a card's holder, and the training clock's shorter waits.

A **rehearsal plan** (``assets/rehearsals/*.yaml``, beside the scenarios) is written for
people: a list of situations, each with the situation, what the trainee should do and what
the kiosk will show (in Japanese and English), and what the operator panel applies — the deck
card (reset to its deck state and placed), the camera variant of the card's holder, facility
settings of the reception (e.g. ``face_attempts``) and the training clock. ``patient`` lists
what the patient does, in the scenarios' step words (``choose: pin``, ``pin: correct``,
``face``, ``wait: 10`` …), and ``shows`` the screen the kiosk then shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kiosk.eligibility.charset import as_carried, as_carried_kana
from kiosk.errors import KioskError
from kiosk.paths import assets_dir
from kiosk.simcard.deck import Profile, add_months, get_profile

LANGUAGES = ("ja", "en")
TRAINING_WAITS: dict[str, float] = {
    "card_left_alert_s": 5.0,
    "idle_timeout_s": 15.0,
    "staff_wait_timeout_s": 60.0,
}
"""The training clock: the long waits of a reception, shortened (the card left on the reader
30 s → 5 s; untouched 60 s → 15 s, then the 20 s warning; waiting for staff 300 s → 60 s)."""

CAMERA_VARIANTS = ("live", "mask", "photo", "still", "closed")
"""The person camera's variants (``live``: no flag; the others are
:data:`kiosk.face.camera.sources.PERSON_FLAGS`, checked against it by the tests)."""

SITUATION_KEYS = {
    "id",
    "title",
    "situation",
    "trainee",
    "kiosk",
    "card",
    "camera",
    "settings",
    "training_clock",
    "patient",
    "shows",
}
TEXT_KEYS = ("title", "situation", "trainee", "kiosk")
MAX_PLAN_BYTES = 1_000_000


class RehearsalPlanError(KioskError):
    """A rehearsal plan that cannot be used (the message names the file and the problem)."""


@dataclass(frozen=True)
class Situation:
    """One situation of a rehearsal plan."""

    id: str
    texts: dict[str, dict[str, str]]  # title / situation / trainee / kiosk → language → text
    card: str  # a deck profile
    camera: str = "live"  # a camera variant of the card's holder
    settings: dict[str, Any] = field(default_factory=dict)
    training_clock: bool = False
    patient: list[Any] = field(default_factory=list)
    shows: str = ""

    def text(self, key: str, language: str) -> str:
        return self.texts[key].get(language) or self.texts[key]["ja"]


@dataclass(frozen=True)
class RehearsalPlan:
    name: dict[str, str]
    situations: list[Situation]
    path: Path

    def title(self, language: str) -> str:
        return self.name.get(language) or self.name.get("ja", self.path.stem)


def plans_dir() -> Path:
    return assets_dir() / "rehearsals"


def plan_files() -> list[Path]:
    """The shipped rehearsal plans, by name."""
    folder = plans_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def load_plan(path: Path) -> RehearsalPlan:
    """Read and check a plan: every situation complete, in both languages, its card in the
    deck, its camera a known variant."""
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_PLAN_BYTES:
            raise RehearsalPlanError(f"{path}: larger than 1 MB")
        data = yaml.safe_load(raw.decode("utf-8"))
    except OSError as exc:
        raise RehearsalPlanError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        message = " ".join(str(exc).split())[:160]
        raise RehearsalPlanError(f"{path}: not a YAML plan ({message})") from None
    if not isinstance(data, dict) or not isinstance(data.get("situations"), list):
        raise RehearsalPlanError(f"{path}: a plan is a mapping with name and situations")
    name = _texts(data.get("name"), f"{path}: name")
    situations = [
        _situation(item, f"{path}: situation {n}") for n, item in enumerate(data["situations"], 1)
    ]
    if not situations:
        raise RehearsalPlanError(f"{path}: no situations")
    return RehearsalPlan(name, situations, path)


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in LANGUAGES
    ):
        raise RehearsalPlanError(f"{where}: give it in Japanese and English ({{ja: …, en: …}})")
    return {lang: " ".join(value[lang].split()) for lang in LANGUAGES}


def _situation(item: Any, where: str) -> Situation:
    if not isinstance(item, dict):
        raise RehearsalPlanError(f"{where}: a mapping")
    unknown = sorted(set(item) - SITUATION_KEYS)
    if unknown:
        raise RehearsalPlanError(f"{where}: unknown key {unknown[0]!r}")
    ident = item.get("id")
    where = f"{where} ({ident})" if ident else where
    if not isinstance(ident, str) or not ident:
        raise RehearsalPlanError(f"{where}: an id")
    texts = {key: _texts(item.get(key), f"{where}: {key}") for key in TEXT_KEYS}
    card = item.get("card")
    try:
        get_profile(str(card))
    except KioskError:
        raise RehearsalPlanError(f"{where}: card {card!r} is not a deck profile") from None
    camera = item.get("camera", "live")
    if camera not in CAMERA_VARIANTS:
        raise RehearsalPlanError(f"{where}: camera {camera!r}: one of {', '.join(CAMERA_VARIANTS)}")
    settings, patient = item.get("settings") or {}, item.get("patient") or []
    if not isinstance(settings, dict) or not isinstance(patient, list):
        raise RehearsalPlanError(f"{where}: settings is a mapping, patient a list")
    return Situation(
        id=ident,
        texts=texts,
        card=str(card),
        camera=str(camera),
        settings=dict(settings),
        training_clock=bool(item.get("training_clock", False)),
        patient=list(patient),
        shows=str(item.get("shows") or ""),
    )


def camera_for(profile: str, variant: str = "live") -> str:
    """The camera of a deck card's holder (``person:<person>``, with the variant's flag)."""
    person = get_profile(profile).person
    return f"person:{person}" if variant in ("", "live") else f"person:{person}?{variant}"


def expected_outcome(profile: Profile, today: date, alert_months: int, grace_months: int) -> str:
    """The text key (``operator.outcome.…``) of what a deck card leads to at the kiosk."""
    if not profile.has_jpki:
        return "operator.outcome.not_my_number"
    if profile.broken_chip:
        return "operator.outcome.broken_chip"
    if profile.revoked:
        return "operator.outcome.revoked"
    expiry = profile.cert_expiry_date(today)
    if add_months(expiry, grace_months) < today:
        return "operator.outcome.expired"
    if expiry < today:
        return "operator.outcome.grace"
    if add_months(today, alert_months) >= expiry:
        return "operator.outcome.expiring"
    if not profile.registered_for_insurance:
        return "operator.outcome.unregistered"
    if profile.face_only:
        return "operator.outcome.face_only"
    tries = {str(getattr(k, "value", k)): v for k, v in profile.tries_left.items()}
    if tries.get("auth") == 0:
        return "operator.outcome.auth_locked"
    if tries.get("auth") == 1:
        return "operator.outcome.auth_one_left"
    if 0 in tries.values():
        return "operator.outcome.other_locked"
    validity = profile.insurance.validity if profile.insurance is not None else "1"
    if validity == "2":
        return "operator.outcome.qualification_invalid"
    if validity == "4":
        return "operator.outcome.no_qualification"
    fields = profile.insurance.fields if profile.insurance is not None else {}
    name, kana = fields.get("Name", profile.holder_name), fields.get("NameKana", "")
    if as_carried(name) != name or as_carried_kana(kana) != kana:
        return "operator.outcome.maru"  # as the service's default character set carries it
    return "operator.outcome.completes"
