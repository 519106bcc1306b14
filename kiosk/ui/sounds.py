"""The kiosk's sounds: a beep when the card is detected, a chime while a card is left on the
reader. Both are short WAV files in ``assets/sounds``, made by :func:`write_all`
(``python -m kiosk.ui.sounds``) from sine tones — no recording of anyone."""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

from kiosk.paths import assets_dir

RATE = 22050

SOUNDS: dict[str, tuple[tuple[float, float], ...]] = {
    # (frequency Hz, seconds) notes
    "beep": ((1320.0, 0.12),),
    "chime": ((784.0, 0.35), (659.3, 0.35), (523.3, 0.6)),
}


def sound_path(name: str) -> Path:
    return assets_dir() / "sounds" / f"{name}.wav"


def samples(notes: tuple[tuple[float, float], ...], rate: int = RATE) -> list[int]:
    """16-bit samples of ``notes``: each a sine with a soft start and a bell-like decay."""
    out: list[int] = []
    for frequency, seconds in notes:
        count = int(rate * seconds)
        for i in range(count):
            t = i / rate
            attack = min(1.0, i / (rate * 0.01))
            decay = math.exp(-3.0 * t / seconds)
            tone = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(
                4 * math.pi * frequency * t
            )
            out.append(int(0.45 * 32767 * attack * decay * tone / 1.3))
    return out


def write(name: str, folder: Path | None = None) -> Path:
    path = (folder / f"{name}.wav") if folder else sound_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = samples(SOUNDS[name])
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(data)}h", *data))
    return path


def write_all(folder: Path | None = None) -> list[Path]:
    return [write(name, folder) for name in SOUNDS]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written)
