"""Facility settings: what the clinic chooses for its kiosk, read from a TOML file.

``load_settings(path)`` reads the file (``None``: ``$KIOSK_SETTINGS``, else
``kiosk_home()/facility.toml`` when it exists, else the defaults) and returns a frozen
:class:`Settings`. Anything wrong is refused at start with :class:`SettingsError` naming the
file, the line and the reason. ``settings.with_overrides({"consent_items": ["medication"]})``
applies flat overrides (scenario files) with the same checks. A settings file larger than
1 MB is refused, numbers must be finite (timeouts at most a day), and error messages quote at
most a few dozen characters of a bad value.

The file (every key optional)::

    [facility]
    medical_institution_code = "1312345678"   # 10 ASCII digits
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
    # every timeout is a finite number of seconds, at most a day

    [certificate]
    alert_months = 3                         # expiry alert from 3 months before expiry
    grace_months = 3                         # and the card still works 3 months after

    [face]
    attempts = 3
    model = "mobilefacenet"                  # or "dlib" (for comparison: docs/face.md)
    # tolerance = 0.30                       # distance at or below = same person (default:
                                             # the model's own, chosen as docs/face.md says)

    [records]
    url = "sqlite:////var/lib/kiosk/records.db"   # or postgresql://…
    outbox = "/srv/clinic/oqs-inbox"
    card_salt_file = "/var/lib/kiosk/card-salt"
    chain_key_file = "/var/lib/kiosk/records-key"  # signs the records; back it up apart
    checkpoints = "/var/lib/kiosk/checkpoints"      # signed heads of the records chain
    result_encoding = "shift_jis"            # the result files: shift_jis | utf-8
                                             # (CharacterCodeIdentifier 1 | 0)

    [staff]
    password_file = "/var/lib/kiosk/staff-password"

    [eligibility]
    latency_ms = 0                           # simulated service delay (at most 60000)
    failure_rate = 0.0                       # 0..1, simulated connection errors
    trusted_ca_files = ["/etc/kiosk/jpki-auth-ca.pem"]   # real JPKI CAs (PEM/DER) trusted
                                             # beside the simulated one (real cards)
    real_card_profile = "standard"           # deck profile whose insurance answers for a
                                             # real card (default: 該当資格なし)
    name_charset = "jisx0208"                # what the service carries in a name, the rest
                                             # arrives as ●: jisx0208 | cp932 | jisx0213 | unicode
    fault = "none"                           # every check fails: none | timeout | refused |
                                             # terminal_auth | error_answer

    [phone]
    reader = "virtual"                       # the 汎用カードリーダー for smartphones: virtual
                                             # (the operator panel), pcsc or pcsc:<reader>;
                                             # unset: no smartphone path (docs/phone.md)
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import re
import reprlib
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError
from kiosk.passwords import DIGEST_BYTES, digest_matches, hash_password, split_hash
from kiosk.paths import kiosk_home
from kiosk.vocabulary import ConsentItem, EligibilityFault


class SettingsError(KioskError):
    """The facility settings are unusable; the message names the file, line and reason."""


MAX_SETTINGS_BYTES = 1_000_000
"""A settings file (or any text the kiosk reads as settings) is at most this large."""
DAY_S = 86_400.0
MAX_LATENCY_MS = 60_000.0
QUOTE_CHARS = 40

_QUOTER = reprlib.Repr()
_QUOTER.maxstring = QUOTE_CHARS
_QUOTER.maxother = QUOTE_CHARS
_QUOTER.maxlong = QUOTE_CHARS
_QUOTER.maxlevel = 2
for _name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset"):
    setattr(_QUOTER, _name, 4)


def quoted(value: Any, limit: int = QUOTE_CHARS) -> str:
    """``value`` for an error message: its repr, at most about ``limit`` characters."""
    try:
        text = _QUOTER.repr(value)
    except (ValueError, RecursionError):  # ints past Python's digit limit, deep nesting
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit + 3 else text[:limit] + "..."


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
    face_model: str = "mobilefacenet"
    face_tolerance: float | None = None
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
    eligibility_name_charset: str = "jisx0208"
    eligibility_fault: str = "none"
    result_encoding: str = "shift_jis"
    phone_reader: str | None = None

    def outbox_dir(self) -> Path:
        """Where result XML files for the clinic system go (default kiosk_home()/outbox)."""
        return self.outbox if self.outbox is not None else kiosk_home() / "outbox"

    def results_dir(self) -> Path:
        """The ``face`` folder of the outbox, where the face reader's results go (as the
        eligibility terminal lays them out)."""
        return self.outbox_dir() / "face"

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
            if not isinstance(key, str) or key not in values:
                raise SettingsError(f"unknown setting {quoted(key)} (known: {', '.join(values)})")
            try:
                values[key] = _convert(key, value)
            except ValueError as exc:
                raise SettingsError(f"setting {key}: {exc}") from None
        return _checked(values, lambda key: f"setting {key}")


# (table, key) in the file -> field of Settings
FILE_KEYS: dict[tuple[str, str], str] = {
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
    ("face", "model"): "face_model",
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
    ("eligibility", "name_charset"): "eligibility_name_charset",
    ("eligibility", "fault"): "eligibility_fault",
    ("records", "result_encoding"): "result_encoding",
    ("phone", "reader"): "phone_reader",
}
FACE_MODELS = ("mobilefacenet", "dlib")
NAME_CHARSETS = ("jisx0208", "cp932", "jisx0213", "unicode")
"""The values of kiosk.eligibility.charset.NameCharset (a test keeps the two lists equal)."""
ELIGIBILITY_FAULTS = ("none", *(f.value for f in EligibilityFault))
RESULT_ENCODINGS = ("shift_jis", "utf-8")
"""The names of kiosk.face.matching.models.MODELS (a test keeps the two lists equal)."""
_FIELD_TO_KEY = {f: f"{t}.{k}" for (t, k), f in FILE_KEYS.items()}
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
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)"
        raise SettingsError(f"{path}: not valid TOML: {_cut(str(exc), 120)}") from None
    except RecursionError:
        raise SettingsError(f"{path}: not valid TOML: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise SettingsError(f"{path}: not valid TOML: {_cut(str(exc), 120)}") from None
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
                f"{path} line {line}: {quoted(table)} must be a [table]; known tables: "
                f"{', '.join(sorted({t for t, _ in FILE_KEYS}))}"
            )
        for key, value in content.items():
            field_name = FILE_KEYS.get((table, key))
            if field_name is None:
                line = _line_of(lines, table, key)
                known = ", ".join(k for t, k in FILE_KEYS if t == table) or "none"
                raise SettingsError(
                    f"{path} line {line}: unknown setting {_cut(table, 40)}.{_cut(key, 40)} "
                    f"(known in [{_cut(table, 40)}]: {known})"
                )
            try:
                values[field_name] = _convert(field_name, value)
            except ValueError as exc:
                raise SettingsError(f"{where(field_name)}: {exc}") from None
    base = dataclasses.asdict(Settings())
    base.update(values)
    return _checked(base, where)


def _read_text(path: Path) -> str:
    """The settings file's text (at most MAX_SETTINGS_BYTES, UTF-8), or SettingsError."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except IsADirectoryError:
        raise SettingsError(f"{path}: is a folder, not a settings file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SettingsError(f"{path}: cannot read the settings file ({reason})") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise SettingsError(f"{path}: larger than {MAX_SETTINGS_BYTES // 1_000_000} MB")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


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


def _number(value: Any) -> float:
    """A finite number from a settings value; ValueError with the reason."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {quoted(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, not {quoted(value)}")
    return number


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
                raise ValueError(f"unknown item {quoted(item)} (choose from {choices})") from None
        if len(set(items)) != len(items):
            raise ValueError("an item is listed twice")
        return tuple(sorted(items, key=list(ConsentItem).index))
    if field_name == "trusted_ca_files":
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str | os.PathLike) and str(v) for v in value
        ):
            raise ValueError('must be a list of file paths such as ["/etc/kiosk/jpki-ca.pem"]')
        return tuple(Path(v).expanduser() for v in value)
    if field_name == "face_tolerance":
        return None if value is None else _number(value)
    default = getattr(Settings(), field_name)
    kind = str({f.name: f.type for f in dataclasses.fields(Settings)}[field_name])
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {quoted(value)}")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number, not {quoted(value)}")
        return value
    if isinstance(default, float):
        return _number(value)
    if "Path" in kind:
        if value is None:
            return None
        if not isinstance(value, str | os.PathLike) or not str(value):
            raise ValueError(f"must be a path, not {quoted(value)}")
        if "\x00" in str(value):
            raise ValueError(f"must be a path without NUL characters, not {quoted(value)}")
        try:
            return Path(value).expanduser()
        except RuntimeError:  # ~user that does not exist
            raise ValueError(f"names an unknown home folder: {quoted(value)}") from None
    if value is None and "None" in kind:
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {quoted(value)}")
    if "\x00" in value:
        raise ValueError(f"must be text without NUL characters, not {quoted(value)}")
    return value


def _checked(values: dict[str, Any], where: Any) -> Settings:
    """Check the rules across values; ``where(field)`` names the place for the message."""
    rules: list[tuple[str, bool, str]] = [
        (
            "medical_institution_code",
            bool(re.fullmatch(r"[0-9]{10}", values["medical_institution_code"])),
            "must be exactly 10 digits, ASCII 0-9 (都道府県 2 + 点数表 1 + 機関 7)",
        ),
        (
            "kiosk_id",
            bool(re.fullmatch(r"[A-Za-z0-9._-]{1,64}", values["kiosk_id"])),
            "must be 1-64 letters, digits, '.', '_' or '-'",
        ),
        ("language", values["language"] in LANGUAGES, f"must be one of {', '.join(LANGUAGES)}"),
        (
            "idle_timeout_s",
            0 < values["idle_timeout_s"] <= DAY_S,
            "must be more than 0 seconds and at most a day (86400)",
        ),
        (
            "idle_warning_s",
            20 <= values["idle_warning_s"] <= DAY_S,
            "must be at least 20 seconds (time to read the warning and continue) "
            "and at most a day (86400)",
        ),
        (
            "staff_wait_timeout_s",
            0 < values["staff_wait_timeout_s"] <= DAY_S,
            "must be more than 0 seconds and at most a day (86400)",
        ),
        (
            "display_s",
            0 < values["display_s"] <= DAY_S,
            "must be more than 0 seconds and at most a day (86400)",
        ),
        (
            "card_left_alert_s",
            0 < values["card_left_alert_s"] <= DAY_S,
            "must be more than 0 seconds and at most a day (86400)",
        ),
        ("alert_months", 0 <= values["alert_months"] <= 12, "must be between 0 and 12"),
        ("grace_months", 0 <= values["grace_months"] <= 12, "must be between 0 and 12"),
        ("face_attempts", 1 <= values["face_attempts"] <= 10, "must be between 1 and 10"),
        (
            "face_tolerance",
            values["face_tolerance"] is None or 0.0 < values["face_tolerance"] < 2.0,
            "must be between 0 and 2 (leave it out for the model's own)",
        ),
        (
            "face_model",
            values["face_model"] in FACE_MODELS,
            f"is not a face model (choose from {', '.join(FACE_MODELS)})",
        ),
        (
            "eligibility_latency_ms",
            0 <= values["eligibility_latency_ms"] <= MAX_LATENCY_MS,
            "must be between 0 and 60000 (a minute)",
        ),
        (
            "eligibility_failure_rate",
            0.0 <= values["eligibility_failure_rate"] <= 1.0,
            "must be between 0 and 1",
        ),
        (
            "eligibility_name_charset",
            values["eligibility_name_charset"] in NAME_CHARSETS,
            f"is not a character set (choose from {', '.join(NAME_CHARSETS)})",
        ),
        (
            "eligibility_fault",
            values["eligibility_fault"] in ELIGIBILITY_FAULTS,
            f"is not a fault (choose from {', '.join(ELIGIBILITY_FAULTS)})",
        ),
        (
            "result_encoding",
            values["result_encoding"] in RESULT_ENCODINGS,
            f"is not a result file encoding (choose from {', '.join(RESULT_ENCODINGS)})",
        ),
    ]
    phone = values["phone_reader"]
    rules.append(
        (
            "phone_reader",
            phone is None or phone in ("virtual", "pcsc") or phone.startswith("pcsc:"),
            "must be virtual, pcsc or pcsc:<reader name>",
        )
    )
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
            raise SettingsError(f"{where(field_name)}: {quoted(values[field_name])} {reason}")
    return Settings(**values)


# --- the staff password (目視確認 is switched on from the staff side) -----------------------

MAX_PASSWORD_CHARS = 1024
_MAX_PASSWORD_FILE = 4096


def set_staff_password(settings: Settings, password: str) -> Path:
    """Store a salted scrypt hash of the staff password (mode 0600, :mod:`kiosk.passwords`);
    return the file.

    The file is replaced atomically (a temporary file in the same folder, fsynced, renamed):
    when anything fails the old password stays and no temporary file is left behind.
    """
    if len(password) < 8:
        raise SettingsError("the staff password needs at least 8 characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise SettingsError(f"the staff password has at most {MAX_PASSWORD_CHARS} characters")
    try:
        stored = hash_password(password)
    except UnicodeEncodeError:
        raise SettingsError("the staff password is not valid text") from None
    path = Path("staff-password")
    try:
        path = settings.staff_password_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SettingsError(_unwritable(path, exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(f"{stored}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise SettingsError(_unwritable(path, exc)) from None
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return path


def _unwritable(path: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"cannot write the staff password file {path} ({reason}); nothing was changed"


def staff_password_problem(settings: Settings) -> str | None:
    """Why the stored staff password cannot be used (missing, unreadable, damaged), or None."""
    try:
        _stored_password(settings)
    except SettingsError as exc:
        return str(exc)
    return None


def _stored_password(settings: Settings) -> tuple[bytes, bytes]:
    """(salt, digest) of the staff password file, or SettingsError saying what is wrong."""
    path = settings.staff_password_path()
    try:
        with path.open("rb") as file:
            raw = file.read(_MAX_PASSWORD_FILE + 1)
    except FileNotFoundError:
        raise SettingsError(
            f"no staff password is set ({path}): set one with `kiosk staff set-password`"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SettingsError(f"cannot read the staff password file {path} ({reason})") from None
    damaged = SettingsError(
        f"the staff password file {path} is damaged: set the password again with "
        "`kiosk staff set-password`"
    )
    if len(raw) > _MAX_PASSWORD_FILE:
        raise damaged
    try:
        parts = split_hash(raw.strip().decode("ascii"))
    except UnicodeDecodeError:
        raise damaged from None
    if parts is None or len(parts[0]) < 8 or len(parts[1]) != DIGEST_BYTES:
        raise damaged
    return parts


def staff_password_ok(settings: Settings, password: str) -> bool:
    """Whether ``password`` is the staff password; False when none is set or it is unusable."""
    try:
        salt, digest = _stored_password(settings)
        return digest_matches(salt, digest, password)
    except (SettingsError, OSError, UnicodeEncodeError):
        return False
