"""Speech engines from the Debian archive, run as a subprocess that writes a WAV file.

Japanese: Open JTalk (``open-jtalk``, its dictionary ``open-jtalk-mecab-naist-jdic`` and a
voice such as ``hts-voice-nitech-jp-atr503-m001``); English: eSpeak NG (``espeak-ng``). The
text goes in on standard input, never on the command line. No Qt here: the voice guide
(:mod:`kiosk.ui.voice`) runs these commands and plays what they write.
"""

from __future__ import annotations

import glob
import shutil
from dataclasses import dataclass
from pathlib import Path

JTALK_DICTIONARIES = ("/var/lib/mecab/dic/open-jtalk/naist-jdic", "/usr/share/open_jtalk/dic")
JTALK_VOICES = (
    "/usr/share/hts-voice/nitech-jp-atr503-m001/nitech_jp_atr503_m001.htsvoice",
    "/usr/share/hts-voice/*/*.htsvoice",
)

PACKAGES = {
    "ja": "open-jtalk open-jtalk-mecab-naist-jdic hts-voice-nitech-jp-atr503-m001",
    "en": "espeak-ng",
}
"""The Debian packages each language's engine needs."""


@dataclass(frozen=True)
class Engine:
    """One language's speech command: ``argv(out)`` writes a WAV of the text on stdin."""

    language: str
    name: str
    program: str
    options: tuple[str, ...]
    output_flag: str

    def argv(self, out: Path) -> list[str]:
        return [self.program, *self.options, self.output_flag, str(out)]


def _first(patterns: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            if Path(path).exists():
                return path
    return None


def open_jtalk() -> Engine | None:
    program = shutil.which("open_jtalk")
    dictionary = _first(JTALK_DICTIONARIES)
    voice = _first(JTALK_VOICES)
    if not (program and dictionary and voice):
        return None
    return Engine("ja", "Open JTalk", program, ("-x", dictionary, "-m", voice), "-ow")


def espeak_ng() -> Engine | None:
    program = shutil.which("espeak-ng")
    if not program:
        return None
    return Engine("en", "eSpeak NG", program, ("-v", "en", "-s", "150", "--stdin"), "-w")


def engines() -> dict[str, Engine]:
    """The engine installed for each language (a language without one is left out)."""
    found = {"ja": open_jtalk(), "en": espeak_ng()}
    return {language: engine for language, engine in found.items() if engine is not None}


def missing() -> dict[str, str]:
    """Language -> the Debian packages to install, for each language without an engine."""
    have = engines()
    return {language: PACKAGES[language] for language in PACKAGES if language not in have}
