"""Findings text and grounding answers: the format, and that the labels read back from every phrasing."""

import numpy as np
import pytest

import metrics
import report_text
import synth_findings as sf
from synth_findings import Finding


def test_grounding_answer_one_box():
    ans = report_text.grounding_answer("left pleural effusion", [[61, 63, 25, 23]], 100, 100)
    assert ans == "The left pleural effusion is located at the coordinates [0.61, 0.63, 0.86, 0.86] on the image."


def test_grounding_answer_several_boxes_and_rounding():
    boxes = [[0, 0, 10, 20], [50, 50, 49.6, 50], [20, 30, 5, 5]]
    ans = report_text.grounding_answer("nodule", boxes, 200, 100)
    assert ans == (
        "The nodule is located at the coordinates [0.00, 0.00, 0.05, 0.20], [0.25, 0.50, 0.50, 1.00] and "
        "[0.10, 0.30, 0.12, 0.35] on the image."
    )
    assert metrics.parse_boxes(ans) == [[0.0, 0.0, 0.05, 0.2], [0.25, 0.5, 0.5, 1.0], [0.1, 0.3, 0.12, 0.35]]
    two = report_text.grounding_answer("x", boxes[:2], 200, 100)
    assert "[0.00, 0.00, 0.05, 0.20] and [0.25" in two


def _fake(spec: dict, rng) -> Finding:
    t = spec["type"]
    details = {
        "cardiomegaly": {"severity": str(rng.choice(["mild", "moderate", "severe"]))},
        "pleural_effusion": {"size": str(rng.choice(["small", "moderate"]))},
        "pneumothorax": {"size": str(rng.choice(["small", "moderate", "large"]))},
        "consolidation": {"zone": str(rng.choice(sf.ZONES)), "air_bronchograms": bool(rng.random() < 0.5)},
        "nodule": {"diameter_mm": int(rng.integers(6, 23)), "zone": str(rng.choice(sf.ZONES))},
        "support_device": {"device": str(rng.choice(["ett", "ng", "cvc"])), "tip_above_carina_cm": 4, "tip": "mid SVC", "side": str(rng.choice(["left", "right"]))},
    }[t]
    side = spec.get("side") or (str(rng.choice(["left", "right"])) if t in ("consolidation", "nodule") else None)
    return Finding(t, side, [1, 1, 5, 5], details)


def test_labels_read_back_from_random_reports():
    rng = np.random.default_rng(0)
    seen, varied = set(), set()
    for _ in range(1500):
        findings = [_fake(s, rng) for s in sf.sample_spec(rng, 0.2)]
        truth = {metrics.label_key(f.type, f.side) for f in findings}
        text = report_text.findings_text(findings, rng)
        assert metrics.extract_labels(text) == truth, text
        seen.add(text)
        other = report_text.varied_findings_text(findings, rng)
        assert metrics.extract_labels(other) == truth, other
        varied.add(other)
    assert len(seen) > 300, "details vary with the findings"
    assert len(varied) > 1000, "phrasing varies"


def test_canonical_reports_decide_each_finding_on_one_opener():
    rng = np.random.default_rng(3)
    for _ in range(300):
        findings = [_fake(s, rng) for s in sf.sample_spec(rng, 0.2)]
        text = report_text.findings_text(findings, rng)
        lungs = any(f.type in ("consolidation", "nodule") for f in findings)
        assert ("The lungs are clear." in text) != lungs, text
        heart = any(f.type == "cardiomegaly" for f in findings)
        assert ("The heart is enlarged." in text) == heart, text
        assert text.count("The heart is") == 1


def test_normal_reports_negate():
    rng = np.random.default_rng(1)
    texts = {report_text.findings_text([], rng) for _ in range(200)}
    texts |= {report_text.varied_findings_text([], rng) for _ in range(200)}
    assert len(texts) > 30
    for t in texts:
        assert metrics.extract_labels(t) == set()
    assert "The lungs are clear. No pleural effusion or pneumothorax. The heart is normal in size." in texts


def test_grounding_items_cover_every_finding():
    rng = np.random.default_rng(2)
    fs = [_fake({"type": "pleural_effusion", "side": "left"}, rng), _fake({"type": "pleural_effusion", "side": "right"}, rng), _fake({"type": "nodule"}, rng)]
    items = report_text.grounding_items(fs, 10, 10, rng)
    abn = [i for i in items if i["task"] == "abnormality_grounding"]
    phr = [i for i in items if i["task"] == "phrase_grounding"]
    assert {i["abnormality"] for i in abn} == {"left pleural effusion", "right pleural effusion", "nodule"}
    assert len(phr) == 3
    for i in phr:
        assert metrics.extract_labels(i["phrase"]) and i["answer"].startswith("The ")


@pytest.mark.parametrize(
    "text,labels",
    [
        ("No pleural effusion or pneumothorax.", set()),
        ("Small left pleural effusion without pneumothorax.", {"left pleural effusion"}),
        ("Small bilateral pleural effusions.", {"left pleural effusion", "right pleural effusion"}),
        ("Pleural effusion is seen on the right.", {"right pleural effusion"}),
        ("There is no focal consolidation, but a right pneumothorax is present.", {"right pneumothorax"}),
        ("Lungs are clear without focal consolidation. Heart size is normal.", set()),
        ("The heart is mildly enlarged.", {"cardiomegaly"}),
        ("No cardiomegaly. Enlarged cardiac silhouette was not seen.", set()),
        ("Right IJ central venous catheter tip in the mid SVC.", {"support device"}),
        ("A 9 mm nodule in the left upper lung. No pneumothorax.", {"nodule"}),
        ("Patchy airspace opacity in the right lower lung, concerning for pneumonia.", {"consolidation"}),
        ("Moderate right pneumothorax with a visible visceral pleural edge.", {"right pneumothorax"}),
    ],
)
def test_extract_labels_hand_cases(text, labels):
    assert metrics.extract_labels(text) == labels
