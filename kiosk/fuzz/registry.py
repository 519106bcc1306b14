"""The fuzz targets by name: one per kind of input a stranger can feed the kiosk."""

from __future__ import annotations

from kiosk.fuzz import (
    apdus,
    card_files,
    phone_apdus,
    records_urls,
    scenario_files,
    settings_files,
)
from kiosk.fuzz.target import Target

TARGETS: dict[str, Target] = {
    target.name: target
    for target in (
        card_files.TARGET,
        settings_files.TARGET,
        scenario_files.TARGET,
        apdus.TARGET,
        phone_apdus.TARGET,
        records_urls.TARGET,
    )
}
