"""The card deck: named profiles of fictional card holders (assets/deck.toml).

A profile is a complete person: card face data, the person whose photo is on the chip, test
PINs, PIN counters, certificate timing, health-insurance registration and an insurance table
for the simulated eligibility service. ``base = "<profile>"`` copies another profile and
overrides keys (``pins`` and ``insurance`` merge key by key; ``tries_left`` is never inherited).

Dates are TOML dates, or relative to the day a card is issued (``today``): ``"-2y"``,
``"+45d"``, ``"-3m"``; expiries may also be ``"5th-birthday"`` / ``"10th-birthday"`` (the nth
birthday after the issue date, the real rule for certificates / cards of adults).
"""

from __future__ import annotations

import calendar
import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kiosk.paths import assets_dir
from kiosk.simcard.deck_insurance import (
    Insurance,
    half_width_kana,
    insurer_check_digit,
    parse_insurance,
)
from kiosk.simcard.errors import SimCardError
from kiosk.simcard.state import PIN_LIMITS, CardFace
from kiosk.vocabulary import FOUR_DIGITS, PinKind

JST = timezone(timedelta(hours=9), "JST")

USER_PINS = (PinKind.AUTH, PinKind.SIGN, PinKind.HOJO, PinKind.JUKI, PinKind.KYOTSU)
"""The PINs a holder chooses (the others are 照合番号A/B, derived from the card)."""
FOUR_DIGIT_PINS = (PinKind.AUTH, PinKind.HOJO, PinKind.JUKI, PinKind.KYOTSU)

_FOUR_DIGITS = re.compile(FOUR_DIGITS)
_SIGN_PASSWORD = re.compile(r"[A-Z0-9]{6,16}")
_RELATIVE = re.compile(r"([+-])(\d+)([dmy])")
_BIRTHDAY = re.compile(r"(\d+)(?:st|nd|rd|th)-birthday")

PIN_LABELS = {
    PinKind.AUTH: "利用者証明用電子証明書の暗証番号 (auth PIN)",
    PinKind.SIGN: "署名用電子証明書の暗証番号 (sign password)",
    PinKind.HOJO: "券面事項入力補助用の暗証番号 (入力補助 PIN)",
    PinKind.JUKI: "住民基本台帳用の暗証番号 (住基 PIN)",
    PinKind.KYOTSU: "共通AP の暗証番号 (共通 PIN)",
}


class DeckError(SimCardError):
    """assets/deck.toml cannot be used (missing, malformed, a bad profile)."""


class UnknownProfileError(DeckError):
    """A profile name the deck does not hold."""


class PinFormatError(SimCardError):
    """A PIN that does not follow its format. The message never shows the value."""


def check_pin_format(name: PinKind | str, value: str) -> None:
    """Raise :class:`PinFormatError` unless ``value`` fits PIN ``name``'s format:
    the sign password 6-16 of A-Z 0-9, every other PIN 4 digits."""
    pin = PinKind(name)
    if not isinstance(value, str):
        raise PinFormatError(f"the {PIN_LABELS.get(pin, pin)} must be given as text")
    if pin is PinKind.SIGN:
        if not _SIGN_PASSWORD.fullmatch(value):
            raise PinFormatError(
                f"the {PIN_LABELS[pin]} must be 6 to 16 characters of A-Z and 0-9 "
                "(capital letters and digits only)"
            )
    elif pin in FOUR_DIGIT_PINS:
        if not _FOUR_DIGITS.fullmatch(value):
            raise PinFormatError(f"the {PIN_LABELS[pin]} must be exactly 4 digits")
    else:
        raise PinFormatError(f"{pin} is not a PIN a holder chooses")


def resolve_date(spec: date | str, today: date, *, issued: date | None = None, birth: date) -> date:
    """A deck date: a date as is, ``±N[dmy]`` from ``today``, or ``Nth-birthday`` after
    ``issued``."""
    if isinstance(spec, datetime):
        return spec.date()
    if isinstance(spec, date):
        return spec
    relative = _RELATIVE.fullmatch(spec)
    if relative:
        sign = -1 if relative[1] == "-" else 1
        amount = sign * int(relative[2])
        if relative[3] == "d":
            return today + timedelta(days=amount)
        months = amount * (12 if relative[3] == "y" else 1)
        return add_months(today, months)
    birthday = _BIRTHDAY.fullmatch(spec)
    if birthday and issued is not None:
        return nth_birthday_after(birth, issued, int(birthday[1]))
    raise DeckError(f"bad date {spec!r}: use a date, ±N[dmy] or Nth-birthday")


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the last day when the month is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def nth_birthday_after(birth: date, after: date, n: int) -> date:
    """The ``n``-th birthday strictly after ``after`` (29 February -> 28 February)."""
    found = 0
    year = after.year
    while True:
        last = calendar.monthrange(year, birth.month)[1]
        birthday = date(year, birth.month, min(birth.day, last))
        if birthday > after:
            found += 1
            if found == n:
                return birthday
        year += 1


@dataclass(frozen=True)
class Profile:
    """One card of the deck. Dates that depend on the day of issue are methods of ``today``."""

    name: str
    description: str
    person: str
    holder_name: str  # "姓　名"
    kana: str  # "セイ　メイ", full-width katakana
    birth_date: date
    sex: str  # "1" male, "2" female, "9"
    post_number: str  # "100-0001"
    address: str
    security_code: str
    municipality: str  # 5-digit local government code, for the CRL URL
    pins: Mapping[PinKind, str] = field(hash=False)
    tries_left: Mapping[PinKind, int] = field(hash=False)
    card_issued: date | str = "-2y"
    card_expiry: date | str = "10th-birthday"
    cert_issued: date | str | None = None  # None: with the card
    cert_expiry: date | str = "5th-birthday"
    has_jpki: bool = True
    face_only: bool = False
    registered_for_insurance: bool = True
    revoked: bool = False
    broken_chip: bool = False  # the JPKI certificate EF answers garbage (reader error 001)
    remarks: tuple[str, ...] = ()
    insurance: Insurance | None = field(default=None, compare=False)

    @property
    def auth_pin(self) -> str:
        return self.pins[PinKind.AUTH]

    @property
    def sign_pin(self) -> str:
        return self.pins[PinKind.SIGN]

    @property
    def hojo_pin(self) -> str:
        return self.pins[PinKind.HOJO]

    @property
    def juki_pin(self) -> str:
        return self.pins[PinKind.JUKI]

    @property
    def kyotsu_pin(self) -> str:
        return self.pins[PinKind.KYOTSU]

    def card_issue_date(self, today: date) -> date:
        return resolve_date(self.card_issued, today, birth=self.birth_date)

    def card_expiry_date(self, today: date) -> date:
        issued = self.card_issue_date(today)
        return resolve_date(self.card_expiry, today, issued=issued, birth=self.birth_date)

    def cert_issue_date(self, today: date) -> date:
        if self.cert_issued is None:
            return self.card_issue_date(today)
        return resolve_date(self.cert_issued, today, birth=self.birth_date)

    def cert_expiry_date(self, today: date) -> date:
        issued = self.cert_issue_date(today)
        return resolve_date(self.cert_expiry, today, issued=issued, birth=self.birth_date)

    def cert_validity(self, today: date) -> tuple[datetime, datetime]:
        """Certificate notBefore / notAfter (UTC): from 00:00 JST of the issue day to the end
        (23:59:59 JST) of the expiry day."""
        start = datetime.combine(self.cert_issue_date(today), datetime.min.time(), JST)
        end = datetime.combine(self.cert_expiry_date(today), datetime.max.time(), JST)
        return start.astimezone(UTC), end.replace(microsecond=0).astimezone(UTC)

    def card_face(self, today: date) -> CardFace:
        return CardFace(
            name=self.holder_name,
            name_kana=self.kana,
            birth_date=self.birth_date,
            sex=self.sex,
            address=self.address,
            expiry=self.card_expiry_date(today),
            security_code=self.security_code,
            person=self.person,
            remarks=list(self.remarks),
        )


def deck_file() -> Path:
    return assets_dir() / "deck.toml"


def load_deck(path: Path | None = None) -> dict[str, Profile]:
    """Every profile of the deck (default assets/deck.toml), by name, in file order."""
    path = path if path is not None else deck_file()
    try:
        with open(path, "rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError as exc:
        raise DeckError(f"no card deck at {path}") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DeckError(f"the card deck {path} cannot be read: {exc}") from exc
    raw_profiles = data.get("profiles")
    if not isinstance(raw_profiles, dict) or not raw_profiles:
        raise DeckError(f"{path} has no [profiles.<name>] tables")
    return {name: _profile(name, raw_profiles, path) for name in raw_profiles}


def get_profile(name: str) -> Profile:
    deck = load_deck()
    try:
        return deck[name]
    except KeyError:
        raise UnknownProfileError(
            f"no card profile {name!r} in {deck_file()}; choose one of: {', '.join(deck)}"
        ) from None


def profile_names() -> list[str]:
    return list(load_deck())


def _flatten(name: str, raw_profiles: dict[str, Any], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The profile's table with its ``base`` chain applied; ValueError for a bad chain."""
    if name in seen:
        raise ValueError(f"profiles inherit in a circle: {' -> '.join((*seen, name))}")
    raw = raw_profiles.get(name)
    if not isinstance(raw, dict):
        raise ValueError(f"the base {name!r} does not exist")
    base_name = raw.get("base")
    if base_name is None:
        return dict(raw)
    merged = _flatten(str(base_name), raw_profiles, (*seen, name))
    merged.pop("tries_left", None)
    merged.pop("description", None)
    for key, value in raw.items():
        if key in ("pins", "insurance") and isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


def _profile(name: str, raw_profiles: dict[str, Any], path: Path) -> Profile:
    where = f"{path}, profile {name!r}"
    try:
        raw = _flatten(name, raw_profiles)
    except ValueError as exc:
        raise DeckError(f"{where}: {exc}") from None
    try:
        pins = {PinKind(key): str(value) for key, value in raw.get("pins", {}).items()}
        tries = {PinKind(key): int(value) for key, value in raw.get("tries_left", {}).items()}
        profile = Profile(
            name=name,
            description=str(raw.get("description", "")),
            person=str(raw["person"]),
            holder_name=str(raw["holder_name"]),
            kana=str(raw["kana"]),
            birth_date=_date(raw["birth_date"]),
            sex=str(raw["sex"]),
            post_number=str(raw["post_number"]),
            address=str(raw["address"]),
            security_code=str(raw["security_code"]),
            municipality=str(raw.get("municipality", "13999")),
            pins=MappingProxyType(pins),
            tries_left=MappingProxyType(tries),
            card_issued=raw.get("card_issued", "-2y"),
            card_expiry=raw.get("card_expiry", "10th-birthday"),
            cert_issued=raw.get("cert_issued"),
            cert_expiry=raw.get("cert_expiry", "5th-birthday"),
            has_jpki=bool(raw.get("has_jpki", True)),
            face_only=bool(raw.get("face_only", False)),
            registered_for_insurance=bool(raw.get("registered_for_insurance", True)),
            revoked=bool(raw.get("revoked", False)),
            broken_chip=bool(raw.get("broken_chip", False)),
            remarks=tuple(str(r) for r in raw.get("remarks", ())),
        )
    except KeyError as exc:
        raise DeckError(f"{where}: missing {exc.args[0]}") from None
    except (TypeError, ValueError) as exc:
        raise DeckError(f"{where}: {exc}") from None
    _check(profile, where)
    insurance = raw.get("insurance")
    if insurance is not None:
        if not isinstance(insurance, dict):
            raise DeckError(f"{where}: insurance must be a table")
        try:
            parsed = parse_insurance(insurance, _person_fields(profile))
        except ValueError as exc:
            raise DeckError(f"{where}: insurance: {exc}") from None
        profile = dataclasses.replace(profile, insurance=parsed)
    return profile


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _check(profile: Profile, where: str) -> None:
    if profile.holder_name.count("\u3000") != 1 or profile.kana.count("\u3000") != 1:
        raise DeckError(f"{where}: holder_name and kana need one U+3000 between family and given")
    if profile.sex not in ("1", "2", "9"):
        raise DeckError(f"{where}: sex must be '1', '2' or '9'")
    if not _FOUR_DIGITS.fullmatch(profile.security_code):
        raise DeckError(f"{where}: security_code must be 4 digits")
    if not re.fullmatch(r"\d{3}-\d{4}", profile.post_number):
        raise DeckError(f"{where}: post_number must look like 123-4567")
    if not re.fullmatch(r"\d{5,6}", profile.municipality):
        raise DeckError(f"{where}: municipality must be a 5- or 6-digit local government code")
    for pin in USER_PINS:
        if pin not in profile.pins:
            raise DeckError(f"{where}: pins.{pin} is missing")
        try:
            check_pin_format(pin, profile.pins[pin])
        except PinFormatError as exc:
            raise DeckError(f"{where}: {exc}") from None
    for pin, left in profile.tries_left.items():
        if pin not in USER_PINS:
            raise DeckError(f"{where}: tries_left.{pin}: only {', '.join(USER_PINS)} have counters")
        if not 0 <= left <= PIN_LIMITS[pin]:
            raise DeckError(f"{where}: tries_left.{pin} must be 0..{PIN_LIMITS[pin]}")
    today = date.today()
    for label, spec in (
        ("card_issued", profile.card_issued),
        ("card_expiry", profile.card_expiry),
        ("cert_issued", profile.cert_issued),
        ("cert_expiry", profile.cert_expiry),
    ):
        if spec is None:
            continue
        if not isinstance(spec, date | str):
            raise DeckError(f"{where}: {label} must be a date or a relative date")
    try:
        profile.card_expiry_date(today)
        profile.cert_validity(today)
    except DeckError as exc:
        raise DeckError(f"{where}: {exc}") from None


def _person_fields(profile: Profile) -> dict[str, str]:
    """The result elements that come from the card face."""
    return {
        "Name": profile.holder_name,
        "NameKana": half_width_kana(profile.kana),
        "Sex1": {"1": "1", "2": "2"}.get(profile.sex, "3"),
        "Birthdate": profile.birth_date.strftime("%Y%m%d"),
        "Address": profile.address,
        "PostNumber": profile.post_number,
    }


__all__ = [
    "DeckError",
    "Insurance",
    "PinFormatError",
    "Profile",
    "UnknownProfileError",
    "check_pin_format",
    "get_profile",
    "half_width_kana",
    "insurer_check_digit",
    "load_deck",
    "profile_names",
]
