"""Re-create the photos in this folder from their source packages (provenance record).

Usage (from the repository root, with the sources unpacked somewhere)::

    python assets/people/derive.py SOURCE_DIR

SOURCE_DIR must contain the original files named in ``people.toml`` ``source`` fields
(``face_recognition-1.3.0/tests/test_images/*.jpg`` from the face_recognition 1.3.0 sdist,
``matplotlib/mpl-data/sample_data/grace_hopper.jpg`` from the matplotlib 3.11.2 wheel and
``skimage/data/astronaut.png`` from the scikit-image 0.26.0 wheel).  Each photo is cropped to
head and shoulders around the face that dlib's HOG detector finds (face width about 38 % of the
crop width) and resized so that its longer side is at most 640 px, then saved as JPEG quality 90.
"""

from __future__ import annotations

import sys
from pathlib import Path

SOURCES: dict[str, str] = {
    "barack-obama-1.jpg": "face_recognition-1.3.0/tests/test_images/obama.jpg",
    "barack-obama-2.jpg": "face_recognition-1.3.0/tests/test_images/obama2.jpg",
    "barack-obama-3.jpg": "face_recognition-1.3.0/tests/test_images/obama3.jpg",
    "joe-biden-1.jpg": "face_recognition-1.3.0/tests/test_images/biden.jpg",
    "grace-hopper-1.jpg": "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
    "eileen-collins-1.jpg": "skimage/data/astronaut.png",
}

MAX_SIDE = 640
FACE_FRACTION = 0.38


def derive(source_dir: Path, out_dir: Path) -> None:
    """Crop and resize every source photo into ``out_dir``."""
    import face_recognition
    import numpy as np
    from PIL import Image

    for name, rel in SOURCES.items():
        image = Image.open(source_dir / rel).convert("RGB")
        scale = min(1.0, 1000 / max(image.size))
        small = image.resize((round(image.width * scale), round(image.height * scale)))
        boxes = face_recognition.face_locations(np.asarray(small), number_of_times_to_upsample=1)
        top, right, bottom, left = max(boxes, key=lambda b: (b[2] - b[0]) * (b[1] - b[3]))
        top, right, bottom, left = (round(v / scale) for v in (top, right, bottom, left))
        face_w = right - left
        crop_w = min(image.width, round(face_w / FACE_FRACTION))
        crop_h = min(image.height, round(crop_w * 1.25))
        cx = (left + right) // 2
        cy = (top + bottom) // 2
        x0 = max(0, min(image.width - crop_w, cx - crop_w // 2))
        y0 = max(0, min(image.height - crop_h, cy - round(crop_h * 0.42)))
        crop = image.crop((x0, y0, x0 + crop_w, y0 + crop_h))
        factor = min(1.0, MAX_SIDE / max(crop.size))
        crop = crop.resize((round(crop.width * factor), round(crop.height * factor)), Image.LANCZOS)
        crop.save(out_dir / name, "JPEG", quality=90)
        print(f"{name}: crop {x0},{y0},{crop_w}x{crop_h} -> {crop.width}x{crop.height}")


if __name__ == "__main__":
    derive(Path(sys.argv[1]), Path(__file__).resolve().parent)
