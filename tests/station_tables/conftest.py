"""The station tables' tests: a fresh SQLite records database each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.records.database import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'records.db'}")
    try:
        yield database
    finally:
        database.close()
