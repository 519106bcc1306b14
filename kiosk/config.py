"""Facility settings: what the clinic chooses for its kiosk, read from a TOML file.

``load_settings(path)`` reads the file (``None``: ``$KIOSK_SETTINGS``, else
``kiosk_home()/facility.toml`` when it exists, else the defaults) and returns a frozen
:class:`Settings`. Anything wrong is refused at start with :class:`SettingsError` naming the
file, the line and the reason. ``settings.with_overrides({"consent_items": ["medication"]})``
applies flat overrides (scenario files) with the same checks.

The file (every key optional)::

    [facility]
    medical_institution_code = "1312345678"   # 10 digits
    kiosk_id = "reception-1"
    language = "ja"                          # ja | en
    issues_e_prescription = false            # ask 電子処方箋 or paper

    [consent]
    items = ["medication", "checkups"]       # shown: medication checkups treatment surgery
    show_high_cost = true

    [timeouts]
    idle_seconds = 60                        # untouched this long: warn
    warning_seconds = 20                     # then this long to continue (>= 20)
    staff_wait_seconds = 300                 # waiting for 目視確認
    display_seconds = 10                     # end screens, then 「カードをお取りください」
    card_left_alert_seconds = 30             # card still on the reader: alert the staff

    [certificate]
    alert_months = 3                         # expiry alert from 3 months before expiry
    grace_months = 3                         # and the card still works 3 months after

    [face]
    attempts = 3
    tolerance = 0.5                          # face distance at or below = same person

    [records]
    url = "sqlite:////var/lib/kiosk/records.db"   # or postgresql://…
    outbox = "/srv/clinic/oqs-inbox"
    card_salt_file = "/var/lib/kiosk/card-salt"
    chain_key_file = "/var/lib/kiosk/records-key"  # signs the records; back it up apart
    checkpoints = "/var/lib/kiosk/checkpoints"      # signed heads of the records chain

    [staff]
    password_file = "/var/lib/kiosk/staff-password"

    [eligibility]
    latency_ms = 0                           # simulated service delay
    failure_rate = 0.0                       # 0..1, simulated connection errors
    trusted_ca_files = ["/etc/kiosk/jpki-auth-ca.pem"]   # real JPKI CAs (PEM/DER) trusted
                                             # beside the simulated one (real cards)
    real_card_profile = "standard"           # deck profile whose insurance answers for a
                                             # real card (default: 該当資格なし)
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.paths import kiosk_home
from kiosk.vocabulary import ConsentItem


class SettingsError(KioskError):
    """The facility settings are unusable; the message names the file, line and reason."""


@dataclass(frozen=True)
class Settings:
    """The facility's choices. Times are seconds; ``None`` paths mean "under kiosk_home()"."""

    medical_institution_code: str = "1312345678"
    kiosk_id: str = "kiosk-1"
    language: str = "ja"
    issues_e_prescription: bool = False
    consent_items: tuple[ConsentItem, ...] = (ConsentItem.MEDICATION, ConsentItem.CHECKUPS)
    show_high_cost: bool = True
    idle_timeout_s: float = 60.0
    idle_warning_s: float = 20.0
    staff_wait_timeout_s: float = 300.0
    display_s: float = 10.0
    card_left_alert_s: float = 30.0
    alert_months: int = 3
    grace_months: int = 3
    face_attempts: int = 3
    face_tolerance: float = 0.5
    records_url: str | None = None
    outbox: Path | None = None
    card_salt_file: Path | None = None
    chain_key_file: Path | None = None
    checkpoints: Path | None = None
    staff_password_file: Path | None = None
    eligibility_latency_ms: float = 0.0
    eligibility_failure_rate: float = 0.0
    trusted_ca_files: tuple[Path, ...] = ()
    real_card_profile: str | None = None

    def outbox_dir(self) -> Path:
        """Where result XML files for the clinic system go (default kiosk_home()/outbox)."""
        return self.outbox if self.outbox is not None else kiosk_home() / "outbox"

    def card_salt_path(self) -> Path:
        return self.card_salt_file if self.card_salt_file else kiosk_home() / "card-salt"

    def checkpoints_dir(self) -> Path:
        """Where signed checkpoints of the records chain go (default kiosk_home()/checkpoints)."""
        return self.checkpoints if self.checkpoints is not None else kiosk_home() / "checkpoints"

    def staff_password_path(self) -> Path:
        if self.staff_password_file:
            return self.staff_password_file
        return kiosk_home() / "staff-password"

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """A copy with flat field overrides (e.g. from a scenario file), checked like the file."""
        values = dataclasses.asdict(self)
        for key, value in overrides.items():
            if key not in values:
                raise SettingsError(f"unknown setting {key!r} (known: {', '.join(values)})")
            try:
                values[key] = _convert(key, value)
            except ValueError as exc:
                raise SettingsError(f"setting {key}: {exc}") from None
        return _checked(values, lambda key: f"setting {key}")


# (table, key) in the file -> field of Settings
_FILE_KEYS: dict[tuple[str, str], str] = {
    ("facility", "medical_institution_code"): "medical_institution_code",
    ("facility", "kiosk_id"): "kiosk_id",
    ("facility", "language"): "language",
    ("facility", "issues_e_prescription"): "issues_e_prescription",
    ("consent", "items"): "consent_items",
    ("consent", "show_high_cost"): "show_high_cost",
    ("timeouts", "idle_seconds"): "idle_timeout_s",
    ("timeouts", "warning_seconds"): "idle_warning_s",
    ("timeouts", "staff_wait_seconds"): "staff_wait_timeout_s",
    ("timeouts", "display_seconds"): "display_s",
    ("timeouts", "card_left_alert_seconds"): "card_left_alert_s",
    ("certificate", "alert_months"): "alert_months",
    ("certificate", "grace_months"): "grace_months",
    ("face", "attempts"): "face_attempts",
    ("face", "tolerance"): "face_tolerance",
    ("records", "url"): "records_url",
    ("records", "outbox"): "outbox",
    ("records", "card_salt_file"): "card_salt_file",
    ("records", "chain_key_file"): "chain_key_file",
    ("records", "checkpoints"): "checkpoints",
    ("staff", "password_file"): "staff_password_file",
    ("eligibility", "latency_ms"): "eligibility_latency_ms",
    ("eligibility", "failure_rate"): "eligibility_failure_rate",
    ("eligibility", "trusted_ca_files"): "trusted_ca_files",
    ("eligibility", "real_card_profile"): "real_card_profile",
}
_FIELD_TO_KEY = {f: f"{t}.{k}" for (t, k), f in _FILE_KEYS.items()}
LANGUAGES = ("ja", "en")


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the facility settings; see the module docstring for the file and the defaults."""
    if path is None:
        env = os.environ.get("KIOSK_SETTINGS")
        if env:
            path = Path(env)
        else:
            default = kiosk_home() / "facility.toml"
            if not default.exists():
                return Settings()
            path = default
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the settings file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)"
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    lines = text.splitlines()

    def where(field_name: str) -> str:
        dotted = _FIELD_TO_KEY.get(field_name, field_name)
        line = _line_of(lines, *dotted.split(".", 1))
        return f"{path} line {line}: {dotted}" if line else f"{path}: {dotted}"

    values: dict[str, Any] = {}
    for table, content in data.items():
        if not isinstance(content, dict):
            line = _line_of(lines, "", table)
            raise SettingsError(
                f"{path} line {line}: {table!r} must be a [table]; known tables: "
                f"{', '.join(sorted({t for t, _ in _FILE_KEYS}))}"
            )
        for key, value in content.items():
            field_name = _FILE_KEYS.get((table, key))
            if field_name is None:
                line = _line_of(lines, table, key)
                known = ", ".join(k for t, k in _FILE_KEYS if t == table) or "none"
                raise SettingsError(
                    f"{path} line {line}: unknown setting {table}.{key} "
                    f"(known in [{table}]: {known})"
                )
            try:
                values[field_name] = _convert(field_name, value)
            except ValueError as exc:
                raise SettingsError(f"{where(field_name)}: {exc}") from None
    base = dataclasses.asdict(Settings())
    base.update(values)
    return _checked(base, where)


def _line_of(lines: list[str], table: str, key: str) -> int | None:
    """1-based line of ``key`` inside ``[table]`` (or as ``table.key`` / top level)."""
    current = ""
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    for number, raw in enumerate(lines, start=1):
        match = header.match(raw)
        if match:
            current = match.group(1).strip().strip('"')
            if not table and current == key:
                return number
            continue
        stripped = raw.strip()
        candidates = [f"{table}.{key}"] if not current and table else []
        if current == table:
            candidates.append(key)
        for candidate in candidates:
            if re.match(rf"^\"?{re.escape(candidate)}\"?\s*=", stripped):
                return number
    return None


def _convert(field_name: str, value: Any) -> Any:
    """Type-check one value; raise ValueError with the reason."""
    if field_name == "consent_items":
        if not isinstance(value, list | tuple):
            raise ValueError('must be a list such as ["medication", "checkups"]')
        items = []
        for item in value:
            try:
                items.append(ConsentItem(item))
            except ValueError:
                choices = ", ".join(c.value for c in ConsentItem)
                raise ValueError(f"unknown item {item!r} (choose from {choices})") from None
        if len(set(items)) != len(items):
            raise ValueError("an item is listed twice")
        return tuple(sorted(items, key=list(ConsentItem).index))
    if field_name == "trusted_ca_files":
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str | os.PathLike) and str(v) for v in value
        ):
            raise ValueError('must be a list of file paths such as ["/etc/kiosk/jpki-ca.pem"]')
        return tuple(Path(v).expanduser() for v in value)
    default = getattr(Settings(), field_name)
    kind = str({f.name: f.type for f in dataclasses.fields(Settings)}[field_name])
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"must be a number, not {value!r}")
        return float(value)
    if "Path" in kind:
        if value is None:
            return None
        if not isinstance(value, str | os.PathLike) or not str(value):
            raise ValueError(f"must be a path, not {value!r}")
        return Path(value).expanduser()
    if value is None and "None" in kind:
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {value!r}")
    return value


def _checked(values: dict[str, Any], where: Any) -> Settings:
    """Check the rules across values; ``where(field)`` names the place for the message."""
    rules: list[tuple[str, bool, str]] = [
        (
            "medical_institution_code",
            bool(re.fullmatch(r"\d{10}", values["medical_institution_code"])),
            "must be exactly 10 digits (都道府県 2 + 点数表 1 + 機関 7)",
        ),
        (
            "kiosk_id",
            bool(re.fullmatch(r"[A-Za-z0-9._-]{1,64}", values["kiosk_id"])),
            "must be 1-64 letters, digits, '.', '_' or '-'",
        ),
        ("language", values["language"] in LANGUAGES, f"must be one of {', '.join(LANGUAGES)}"),
        ("idle_timeout_s", values["idle_timeout_s"] > 0, "must be more than 0 seconds"),
        (
            "idle_warning_s",
            values["idle_warning_s"] >= 20,
            "must be at least 20 seconds (time to read the warning and continue)",
        ),
        ("staff_wait_timeout_s", values["staff_wait_timeout_s"] > 0, "must be more than 0"),
        ("display_s", values["display_s"] > 0, "must be more than 0 seconds"),
        ("card_left_alert_s", values["card_left_alert_s"] > 0, "must be more than 0 seconds"),
        ("alert_months", 0 <= values["alert_months"] <= 12, "must be between 0 and 12"),
        ("grace_months", 0 <= values["grace_months"] <= 12, "must be between 0 and 12"),
        ("face_attempts", 1 <= values["face_attempts"] <= 10, "must be between 1 and 10"),
        ("face_tolerance", 0.0 < values["face_tolerance"] < 1.0, "must be between 0 and 1"),
        ("eligibility_latency_ms", values["eligibility_latency_ms"] >= 0, "must be 0 or more"),
        (
            "eligibility_failure_rate",
            0.0 <= values["eligibility_failure_rate"] <= 1.0,
            "must be between 0 and 1",
        ),
    ]
    url = values["records_url"]
    if url is not None:
        rules.append(
            (
                "records_url",
                url.startswith(("sqlite://", "postgresql://", "postgres://")),
                "must start with sqlite:/// or postgresql://",
            )
        )
    for field_name, ok, reason in rules:
        if not ok:
            raise SettingsError(f"{where(field_name)}: {values[field_name]!r} {reason}")
    return Settings(**values)


# --- the staff password (目視確認 is switched on from the staff side) -----------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def set_staff_password(settings: Settings, password: str) -> Path:
    """Store a salted scrypt hash of the staff password (mode 0600); return the file."""
    if len(password) < 8:
        raise SettingsError("the staff password needs at least 8 characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    path = settings.staff_password_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(f"scrypt${salt.hex()}${digest.hex()}\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return path


def staff_password_ok(settings: Settings, password: str) -> bool:
    """Whether ``password`` is the staff password; False when none is set."""
    try:
        scheme, salt_hex, digest_hex = (
            settings.staff_password_path().read_text(encoding="ascii").strip().split("$")
        )
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest, bytes.fromhex(digest_hex))
