"""One-off: turn the chosen real chest radiographs into the 8-bit MONOCHROME2 PNGs in base-images/.

Run once by hand (the sources are named on the command line; nothing here reads outside the paths it
is given), then hand-annotate landmarks.json. The synthetic-finding tools only read base-images/.

    /usr/bin/python3 tools/demo-model/prepare_base_images.py --out tools/demo-model/base-images \
        NAME=PATH [NAME=PATH ...]

DICOM (pydicom; MONOCHROME1 inverted, rescaled from the 0.5-99.5 percentile window) or PNG/JPEG (PIL).
The longest side is reduced to --max-side (Lanczos, PIL); smaller images are kept as they are.
Needs python3-pydicom and python3-pil (only this one-off step needs PIL).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pngio import write_png  # noqa: E402


def load_gray8(path: Path) -> np.ndarray:
    if path.suffix.lower() == ".dcm":
        import pydicom

        ds = pydicom.dcmread(str(path), force=True)
        if "TransferSyntaxUID" not in ds.file_meta:
            ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
        px = ds.pixel_array.astype(np.float64)
        lo, hi = np.percentile(px, [0.5, 99.5])
        px = np.clip((px - lo) / max(hi - lo, 1e-6), 0, 1)
        if ds.PhotometricInterpretation == "MONOCHROME1":
            px = 1.0 - px
        return np.round(px * 255).astype(np.uint8)
    from PIL import Image

    return np.asarray(Image.open(path).convert("L"))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--max-side", type=int, default=1024)
    p.add_argument("items", nargs="+", help="NAME=PATH")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    for item in a.items:
        name, src = item.split("=", 1)
        gray = load_gray8(Path(src))
        h, w = gray.shape
        scale = a.max_side / max(h, w)
        if scale < 1:
            from PIL import Image

            size = (round(w * scale), round(h * scale))
            gray = np.asarray(Image.fromarray(gray).resize(size, Image.LANCZOS))
        dst = a.out / f"{name}.png"
        write_png(dst, gray)
        src_sha = hashlib.sha256(Path(src).read_bytes()).hexdigest()
        out_sha = hashlib.sha256(dst.read_bytes()).hexdigest()
        print(f"{name}: {src} ({w}x{h}, sha256 {src_sha}) -> {dst} {gray.shape[1]}x{gray.shape[0]} sha256 {out_sha}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
