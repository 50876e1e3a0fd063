"""The DICOM demo studies: reproducible from the script, correct headers, burned-in label, truth sidecars."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest

import make_demo_studies as mds
import metrics

REPO = Path(__file__).resolve().parents[3]
COMMITTED = REPO / "samples" / "demo"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    mds.build(2025, out)
    return out


def test_committed_studies_are_what_the_script_writes(built):
    made = sorted(p.name for p in built.iterdir())
    assert made == sorted(p.name for p in COMMITTED.iterdir() if p.suffix in (".dcm", ".json"))
    for name in made:
        assert (built / name).read_bytes() == (COMMITTED / name).read_bytes(), name


def test_headers_and_pixels(built):
    files = sorted(built.glob("*.dcm"))
    assert len(files) == 6
    assert sum(p.stat().st_size for p in built.iterdir()) < 8 * 1024 * 1024
    uids = set()
    for p in files:
        ds = pydicom.dcmread(p)
        assert ds.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
        assert ds.SOPClassUID == mds.CR_IMAGE_STORAGE == ds.file_meta.MediaStorageSOPClassUID
        assert ds.Modality == "CR" and ds.ViewPosition == "PA" and list(ds.PatientOrientation) == ["L", "F"]
        assert ds.PhotometricInterpretation == "MONOCHROME2" and ds.BitsStored == 12 and ds.BitsAllocated == 16
        assert "SYNTHETIC FINDINGS - NOT A PATIENT" in ds.StudyDescription
        assert str(ds.PatientName).startswith("DEMO^") and ds.BurnedInAnnotation == "YES"
        assert len(ds.PixelSpacing) == 2 and float(ds.PixelSpacing[0]) > 0
        px = ds.pixel_array
        assert px.shape == (ds.Rows, ds.Columns) and max(px.shape) <= 1024 and px.max() <= 4095
        for u in (ds.SOPInstanceUID, ds.StudyInstanceUID, ds.SeriesInstanceUID):
            assert u.startswith("2.25.") and len(u) <= 64 and u not in uids
            uids.add(u)
        truth = json.loads((p.parent / (p.name + ".truth.json")).read_text())
        assert truth["width"] == ds.Columns and truth["height"] == ds.Rows
        x, y, w, h = truth["burned_in_label_box"]
        corner = px[y : y + h, x : x + w]
        assert (corner == 0).mean() > 0.5 and (corner == 4095).sum() > 50, "burned-in label"
        assert metrics.extract_labels(truth["report"]) == set(truth["labels"])
        for f in truth["findings"]:
            bx, by, bw, bh = f["box"]
            assert 0 <= bx and 0 <= by and bx + bw <= ds.Columns + 0.01 and by + bh <= ds.Rows + 0.01


def test_expected_findings(built):
    labels = {p.name: json.loads(p.read_text())["labels"] for p in built.glob("*.truth.json")}
    assert labels == {
        "demo-01-normal.dcm.truth.json": [],
        "demo-02-cardiomegaly.dcm.truth.json": ["cardiomegaly"],
        "demo-03-left-effusion.dcm.truth.json": ["left pleural effusion"],
        "demo-04-right-pneumothorax.dcm.truth.json": ["right pneumothorax"],
        "demo-05-nodule-ett.dcm.truth.json": ["nodule", "support device"],
        "demo-06-consolidation.dcm.truth.json": ["consolidation"],
    }


def test_other_seed_other_uids(tmp_path):
    assert mds.uid(1, "a", "study") != mds.uid(2, "a", "study") == mds.uid(2, "a", "study")


def test_dcmdump_reads_without_warnings():
    # CI installs dcmtk; a missing dcmdump is a failure, not a skip.
    assert shutil.which("dcmdump"), "dcmdump not found: apt-get install dcmtk"
    for p in sorted(COMMITTED.glob("*.dcm")):
        r = subprocess.run(["dcmdump", "-q", str(p)], capture_output=True, text=True)
        assert r.returncode == 0 and r.stderr == "", (p, r.stderr)
        assert "W:" not in r.stdout and "E:" not in r.stdout


def test_label_bitmap():
    bm = mds.text_bitmap("SYNTHETIC - NOT A PATIENT")
    assert bm.shape == (7, 25 * 6 - 1)
    assert np.array_equal(mds.text_bitmap("I")[:, 2], np.ones(7, dtype=bool))
