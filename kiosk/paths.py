"""Where the kiosk finds its assets and keeps its state.

``KIOSK_ASSETS`` overrides the assets folder (default: ``assets/`` beside the package);
``KIOSK_HOME`` overrides the state folder (default: ``~/.local/share/kiosk``), which holds the
simulated CA's revocation list and ledger, card files made by default, records and the outbox.
"""

from __future__ import annotations

import os
from pathlib import Path


def assets_dir() -> Path:
    override = os.environ.get("KIOSK_ASSETS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "assets"


def kiosk_home() -> Path:
    override = os.environ.get("KIOSK_HOME")
    home = Path(override) if override else Path.home() / ".local" / "share" / "kiosk"
    home.mkdir(parents=True, exist_ok=True)
    return home
