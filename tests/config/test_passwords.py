"""One password-hashing module for the facility password and the staff accounts: the format
new hashes are written in, and hashes stored before the module existed still verifying."""

from __future__ import annotations

import re

from kiosk.config import Settings, set_staff_password, staff_password_ok, staff_password_problem
from kiosk.passwords import hash_password, password_matches, split_hash

FACILITY_PASSWORD = "the facility password"
FACILITY_FILE = (
    "scrypt$bd6cc8e87fd93698b567fad363df723a$285b266518ede704b27239a6b0dbc6beb56d64e808103187d1c5"
    "5d3b35e8535b1e1041b102424d6738510d561d08450c981832765c3777378888536ebb8b68fd\n"
)
"""A facility password file as ``kiosk.config.set_staff_password`` wrote it before this module."""

STAFF_PASSWORD = "correct horse battery"
STAFF_HASH = (
    "scrypt$62c23a72815c98f55138d8fd291d0b26$c4367a70f294e8de03e7b9dfcbaab28ca8b4faad0caf78dae0c9"
    "b08869377f01a554cd9e7266f88b99b9898d73272c05a35b9891fb06ed40c88f8ee277e89811"
)
"""A staff account's ``password_hash`` as the staff accounts' own scrypt code wrote it."""


def test_new_hashes_are_salted_scrypt_lines() -> None:
    first, second = hash_password(STAFF_PASSWORD), hash_password(STAFF_PASSWORD)
    assert re.fullmatch(r"scrypt\$[0-9a-f]{32}\$[0-9a-f]{128}", first)
    assert first != second  # a new salt each time
    assert password_matches(first, STAFF_PASSWORD)
    assert not password_matches(first, STAFF_PASSWORD + " ")


def test_an_old_facility_password_file_still_verifies() -> None:
    path = Settings().staff_password_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FACILITY_FILE, encoding="ascii")
    assert staff_password_problem(Settings()) is None
    assert staff_password_ok(Settings(), FACILITY_PASSWORD)
    assert not staff_password_ok(Settings(), "the facility passwort")
    assert password_matches(FACILITY_FILE.strip(), FACILITY_PASSWORD)  # the same format


def test_an_old_staff_account_hash_still_verifies() -> None:
    assert password_matches(STAFF_HASH, STAFF_PASSWORD)
    assert not password_matches(STAFF_HASH, "correct horse batterY")


def test_a_new_facility_password_file_is_the_shared_format() -> None:
    path = set_staff_password(Settings(), FACILITY_PASSWORD)
    line = path.read_text(encoding="ascii")
    assert line.endswith("\n") and password_matches(line.strip(), FACILITY_PASSWORD)


def test_what_is_not_a_stored_hash_matches_nothing() -> None:
    for stored in ["", "garbage", "scrypt$zz$zz", "bcrypt$00$00", "scrypt$00$00$00"]:
        assert split_hash(stored) is None
        assert not password_matches(stored, "any password")
    assert not password_matches("scrypt$00$00", "")  # well formed, but no digest is 1 byte
