"""Write the DICOM demo studies (samples/demo/) with their ground truth sidecars.

    /usr/bin/python3 tools/demo-model/make_demo_studies.py [--seed 2025] [--out samples/demo]

Each study is one real chest radiograph from base-images/ with synthetic findings drawn in (no
augmentation), written with pydicom as a CR Image Storage object: explicit VR little endian,
MONOCHROME2, 12 bits stored in 16, PA, PatientOrientation L\\F, estimated PixelSpacing (the base images
carry no reliable calibration: 290 mm thorax width assumed), StudyDescription "SYNTHETIC FINDINGS - NOT A
PATIENT", a DEMO^CASE<nn> patient name, BurnedInAnnotation YES and "SYNTHETIC - NOT A PATIENT" burned into
the top-left corner. UIDs are 2.25.<n> (UUID-derived root) hashed from the seed and the study name, so
the same seed always writes the same files. `<file>.truth.json` holds the findings, boxes in pixels and
as fractions, the findings text and the grounding answers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import metrics  # noqa: E402
import report_text  # noqa: E402
import synth_findings as sf  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
LABEL = "SYNTHETIC - NOT A PATIENT"
STUDY_DESCRIPTION = "SYNTHETIC FINDINGS - NOT A PATIENT"
CR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.1"

# (file stem, base image, findings spec)
STUDIES = [
    ("demo-01-normal", "nih_00027426", []),
    ("demo-02-cardiomegaly", "barre_chest", [{"type": "cardiomegaly", "factor": 1.4}]),
    (
        "demo-03-left-effusion",
        "nih_00027426",
        [{"type": "pleural_effusion", "side": "left", "size": "moderate"}],
    ),
    (
        "demo-04-right-pneumothorax",
        "nih_google_dx",
        [{"type": "pneumothorax", "side": "right", "size": "moderate"}],
    ),
    (
        "demo-05-nodule-ett",
        "nema_rg1",
        [{"type": "nodule", "side": "left"}, {"type": "support_device", "device": "ett"}],
    ),
    (
        "demo-06-consolidation",
        "barre_chest",
        [{"type": "consolidation", "side": "right", "zone": "lower"}],
    ),
]

# 5 x 7 bitmap font, only the glyphs the label needs (rows top to bottom, 5 bits each, MSB left).
FONT = {
    "A": [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
    "C": [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
    "E": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
    "H": [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
    "I": [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
    "N": [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11],
    "O": [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
    "P": [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
    "S": [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
    "T": [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
    "Y": [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04],
    "-": [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
    " ": [0x00] * 7,
}


def text_bitmap(text: str) -> np.ndarray:
    cols = []
    for ch in text:
        rows = FONT[ch]
        glyph = np.array([[(r >> (4 - b)) & 1 for b in range(5)] for r in rows], dtype=bool)
        cols += [glyph, np.zeros((7, 1), dtype=bool)]
    return np.hstack(cols[:-1])


def burn_label(img: np.ndarray, text: str = LABEL) -> tuple[np.ndarray, list[int]]:
    """White text on a black box in the top-left corner; returns the image and the box [x, y, w, h]."""
    h, w = img.shape
    scale = max(1, round(w / 400))
    bm = np.kron(text_bitmap(text), np.ones((scale, scale), dtype=bool))
    pad = 2 * scale
    bh, bw = bm.shape[0] + 2 * pad, bm.shape[1] + 2 * pad
    x0 = y0 = 2 * scale
    out = img.copy()
    out[y0 : y0 + bh, x0 : x0 + bw] = 0.0
    region = out[y0 + pad : y0 + pad + bm.shape[0], x0 + pad : x0 + pad + bm.shape[1]]
    region[bm] = 1.0
    return out, [x0, y0, bw, bh]


def uid(seed: int, *parts: str) -> str:
    """2.25.<decimal of 128 bits> from a hash: a valid UID under the UUID-derived root, fixed per seed."""
    digest = hashlib.sha256(("lightbox-demo|" + str(seed) + "|" + "|".join(parts)).encode()).digest()
    return "2.25." + str(int.from_bytes(digest[:16], "big") >> 1)  # top bit clear, like a UUID's integer


def write_dicom(path: Path, pixels12: np.ndarray, seed: int, stem: str, number: int, base: str, mm: float) -> None:
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    sop_uid = uid(seed, stem, "instance")
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CR_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = uid(0, "implementation")
    meta.ImplementationVersionName = "LIGHTBOX_DEMO1"
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["DERIVED", "PRIMARY"]
    ds.SOPClassUID = CR_IMAGE_STORAGE
    ds.SOPInstanceUID = sop_uid
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = "20250101"
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = f"{9 + number:02d}0000"
    ds.AccessionNumber = f"DEMO{number:04d}"
    ds.Modality = "CR"
    ds.Manufacturer = "Lightbox demo generator"
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = f"{STUDY_DESCRIPTION} (CHEST PA)"
    ds.SeriesDescription = "SYNTHETIC FINDINGS - CHEST PA"
    ds.DerivationDescription = (
        f"Synthetic findings drawn by tools/demo-model into a public chest radiograph (base image {base}); "
        "not a patient, not for clinical use"
    )
    # Not the finding: a name part is masked wherever a reader types it, and finding words must survive.
    ds.PatientName = f"DEMO^CASE{number:02d}"
    ds.PatientID = f"DEMO-{number:04d}"
    ds.PatientBirthDate = ""
    ds.PatientSex = "O"
    ds.PatientIdentityRemoved = "YES"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.StudyInstanceUID = uid(seed, stem, "study")
    ds.SeriesInstanceUID = uid(seed, stem, "series")
    ds.StudyID = f"DEMO{number}"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.PatientOrientation = ["L", "F"]
    ds.BurnedInAnnotation = "YES"
    if base == "nema_rg1":  # the NEMA source image was JPEG 2000 lossy
        ds.LossyImageCompression = "01"
        ds.LossyImageCompressionMethod = "ISO_15444_1"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels12.shape
    spacing = f"{mm:.4f}"
    ds.PixelSpacing = [spacing, spacing]
    ds.ImagerPixelSpacing = [spacing, spacing]
    ds.PixelSpacingCalibrationType = "GEOMETRY"
    ds.PixelSpacingCalibrationDescription = "Estimated: 290 mm thorax width assumed"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "US"
    ds.WindowCenter = "2048"
    ds.WindowWidth = "4096"
    ds.PixelData = pixels12.astype("<u2").tobytes()
    ds.save_as(str(path), write_like_original=False)


def build(seed: int, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (stem, base_name, spec) in enumerate(STUDIES, start=1):
        rng = np.random.default_rng([seed, number])
        base = sf.load_base(base_name, 1024)
        img, findings = sf.apply_spec(base, spec, rng)
        img, label_box = burn_label(img)
        h, w = img.shape
        # The committed studies' reference texts are reader-style (varied), as they were first written.
        text = report_text.varied_findings_text(findings, rng)
        grounding = report_text.grounding_items(findings, w, h, rng, canonical_share=0.0)
        pixels12 = np.round(np.clip(img, 0, 1) * 4095).astype(np.uint16)
        mm = base.landmarks.mm_per_px
        path = out / f"{stem}.dcm"
        write_dicom(path, pixels12, seed, stem, number, base_name, mm)
        truth = {
            "file": path.name,
            "synthetic": True,
            "note": "Synthetic findings drawn into a real public chest radiograph. Not a patient; not for clinical use.",
            "seed": seed,
            "base_image": base_name,
            "width": w,
            "height": h,
            "pixel_spacing_mm": round(mm, 4),
            "burned_in_label_box": label_box,
            "findings": [
                {**f.to_json(), "box_xyxy": [round(v, 4) for v in metrics.xywh_to_xyxy(f.box, w, h)]} for f in findings
            ],
            "labels": sorted({metrics.label_key(f.type, f.side) for f in findings}),
            "report": text,
            "grounding": grounding,
        }
        (out / f"{stem}.dcm.truth.json").write_text(json.dumps(truth, indent=2) + "\n")
        written.append(path)
        print(f"{path.relative_to(out.parent) if out.parent in path.parents else path}: {w}x{h} {truth['labels'] or ['normal']}")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--out", type=Path, default=REPO / "samples" / "demo")
    a = ap.parse_args(argv)
    build(a.seed, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
