"""MIMIC-CXR-style findings paragraphs and RadVLM-GRPO grounding answers for synthetic findings.

`findings_text(findings, rng)`: the report the demo model learns to write. Devices first, then lungs,
pleura, heart and sometimes bones (the usual MIMIC order), in one canonical wording per finding type
where every content decision falls on one token: "Patchy consolidation ..." / "A 12 mm nodule ..." /
"The lungs are clear.", "There is a small left pleural effusion." / "No pleural effusion ...", "The heart
is enlarged." / "The heart is normal in size.". Details (side, lobe, size, tube position) vary with the
image. Why not MIMIC's free variety: greedy decoding takes the single most likely token, and when one
finding's probability is spread over several openers ("Patchy ...", "Focal ...", "New ...") while
"The lungs are clear." has one, a model as small as the demo one reports the normal template even when it
sees the finding (the first run did exactly that). `varied_findings_text` keeps the varied phrasings
(phrase-grounding prompts and reader-style text use them). Every phrasing is one that
`metrics.extract_labels` reads back to exactly the findings given (tests check this over many reports).

`grounding_answer(label, boxes, width, height)`: "The {label} is located at the coordinates
[x1, y1, x2, y2] on the image." with fractions of the image (two decimals, origin top left); several
boxes are joined with ", " and " and " (the format parse-output.ts reads).
"""

from __future__ import annotations

import numpy as np

from synth_findings import Finding

ZONE_WORDS = {
    "right": {"upper": "right upper lobe", "middle": "right middle lobe", "lower": "right lower lobe"},
    "left": {"upper": "left upper lobe", "middle": "lingula", "lower": "left lower lobe"},
}
ZONE_PLAIN = {"upper": "upper", "middle": "mid", "lower": "lower"}


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _device_sentence(f: Finding, rng: np.random.Generator) -> str:
    d = f.details
    if d["device"] == "ett":
        cm = d["tip_above_carina_cm"]
        return _pick(
            rng,
            [
                f"Endotracheal tube terminates approximately {cm} cm above the carina.",
                f"An endotracheal tube is in place with its tip {cm} cm above the carina.",
                f"The endotracheal tube tip is in standard position, {cm} cm above the carina.",
            ],
        )
    if d["device"] == "ng":
        return _pick(
            rng,
            [
                "A nasogastric tube courses below the diaphragm with its tip in the stomach.",
                "Nasogastric tube extends into the stomach.",
                "The nasogastric tube tip projects over the stomach.",
            ],
        )
    side = d.get("side", "right")
    tip = d.get("tip", "mid SVC")
    return _pick(
        rng,
        [
            f"{side.capitalize()} internal jugular central venous catheter terminates in the {tip}.",
            f"A {side} internal jugular central venous catheter is seen with its tip in the {tip}.",
            f"{side.capitalize()} IJ central venous catheter tip projects over the {tip}.",
        ],
    )


def _consolidation_sentence(f: Finding, rng: np.random.Generator) -> str:
    side, zone = f.side or "right", f.details.get("zone", "lower")
    lobe = ZONE_WORDS[side][zone]
    plain = f"{side} {ZONE_PLAIN[zone]} lung"
    bronch = f.details.get("air_bronchograms")
    options = [
        f"There is patchy consolidation in the {lobe}.",
        f"Patchy airspace opacity in the {plain}, concerning for pneumonia.",
        f"Focal consolidation is present in the {lobe}.",
        f"New airspace consolidation in the {plain} zone.",
    ]
    s = _pick(rng, options)
    if bronch and rng.random() < 0.7:
        s = s[:-1] + " with air bronchograms."
    return s


def _nodule_sentence(f: Finding, rng: np.random.Generator) -> str:
    mm = f.details.get("diameter_mm", 10)
    side, zone = f.side or "right", f.details.get("zone", "middle")
    plain = f"{side} {ZONE_PLAIN[zone]} lung"
    return _pick(
        rng,
        [
            f"A {mm} mm nodular opacity projects over the {plain}.",
            f"There is a {mm} mm pulmonary nodule in the {plain}.",
            f"{mm} mm nodule in the {plain}; CT is recommended for further characterization.",
            f"A rounded {mm} mm nodule is noted in the {plain}.",
        ],
    )


def _effusion_sentence(effusions: list[Finding], rng: np.random.Generator) -> str:
    if len(effusions) == 2:
        sizes = {f.details.get("size", "small") for f in effusions}
        size = "small" if sizes == {"small"} else "small to moderate" if len(sizes) == 2 else "moderate"
        return _pick(
            rng,
            [
                f"{size.capitalize()} bilateral pleural effusions.",
                f"There are {size} bilateral pleural effusions.",
                f"{size.capitalize()} bilateral pleural effusions with blunting of both costophrenic angles.",
            ],
        )
    f = effusions[0]
    size, side = f.details.get("size", "small"), f.side
    return _pick(
        rng,
        [
            f"{size.capitalize()} {side} pleural effusion.",
            f"There is a {size} {side} pleural effusion.",
            f"{size.capitalize()} {side} pleural effusion with blunting of the {side} costophrenic angle.",
            f"A {size} {side}-sided pleural effusion is present.",
        ],
    )


def _pneumothorax_sentence(f: Finding, rng: np.random.Generator) -> str:
    size, side = f.details.get("size", "small"), f.side
    apical = "apical " if size == "small" else ""
    return _pick(
        rng,
        [
            f"There is a {size} {side} {apical}pneumothorax.",
            f"{size.capitalize()} {side} pneumothorax with a visible visceral pleural edge.",
            f"A {size} {side}-sided pneumothorax is present.",
        ],
    )


def _cardiomegaly_sentence(f: Finding, rng: np.random.Generator) -> str:
    sev = f.details.get("severity", "moderate")
    return _pick(
        rng,
        [
            f"The heart is {'mildly' if sev == 'mild' else 'moderately' if sev == 'moderate' else 'severely'} enlarged.",
            f"{sev.capitalize()} cardiomegaly.",
            "The cardiac silhouette is enlarged.",
            f"There is {sev} enlargement of the cardiac silhouette.",
        ],
    )


NORMAL_HEART = [
    "The cardiomediastinal silhouette is normal.",
    "Heart size is normal.",
    "Normal cardiomediastinal and hilar contours.",
    "The heart is normal in size. The mediastinal and hilar contours are unremarkable.",
    "Cardiac and mediastinal silhouettes are unremarkable.",
]
CLEAR_LUNGS = [
    "The lungs are clear.",
    "Lungs are clear without focal consolidation.",
    "The lungs are well expanded and clear.",
    "No focal consolidation is seen.",
]
NO_CONSOLIDATION = ["No focal consolidation.", "There is no focal consolidation.", "Otherwise, the lungs are clear."]
NO_EFFUSION_PTX = [
    "No pleural effusion or pneumothorax.",
    "There is no pleural effusion or pneumothorax.",
    "No pleural effusion or pneumothorax is seen.",
]
NO_PTX = ["No pneumothorax.", "There is no pneumothorax.", "No pneumothorax is seen."]
NO_EFFUSION = ["No pleural effusion.", "There is no pleural effusion.", "No pleural effusions."]
BONES = ["No acute osseous abnormality.", "The osseous structures are unremarkable.", "Osseous structures are intact."]
PREAMBLE = ["PA view of the chest.", "Frontal view of the chest.", "PA radiograph of the chest."]


def _canonical_device(f: Finding) -> str:
    d = f.details
    if d["device"] == "ett":
        return f"Endotracheal tube terminates {d['tip_above_carina_cm']} cm above the carina."
    if d["device"] == "ng":
        return "Nasogastric tube courses below the diaphragm into the stomach."
    side = d.get("side", "right")
    return f"{side.capitalize()} internal jugular central venous catheter terminates in the {d.get('tip', 'mid SVC')}."


def _canonical_lung(f: Finding) -> str:
    side = f.side or "right"
    if f.type == "consolidation":
        zone = f.details.get("zone", "lower")
        return f"Patchy consolidation in the {ZONE_WORDS[side][zone]}."
    zone = f.details.get("zone", "middle")
    return f"A {f.details.get('diameter_mm', 10)} mm nodule projects over the {side} {ZONE_PLAIN[zone]} lung."


def findings_text(findings: list[Finding], rng: np.random.Generator) -> str:
    by = {t: [f for f in findings if f.type == t] for t in {f.type for f in findings}}
    out = [_canonical_device(f) for f in by.get("support_device", [])]
    lungs = by.get("consolidation", []) + by.get("nodule", [])
    out += [_canonical_lung(f) for f in lungs] or ["The lungs are clear."]
    eff, ptx = by.get("pleural_effusion", []), by.get("pneumothorax", [])
    if len(eff) == 2:
        sizes = {f.details.get("size", "small") for f in eff}
        size = "small" if sizes == {"small"} else "small to moderate" if len(sizes) == 2 else "moderate"
        out.append(f"There are {size} bilateral pleural effusions.")
    elif eff:
        out.append(f"There is a {eff[0].details.get('size', 'small')} {eff[0].side} pleural effusion.")
    if not eff and not ptx:
        out.append("No pleural effusion or pneumothorax.")
    elif not eff:
        out.append("No pleural effusion.")
    out += [f"There is a {f.details.get('size', 'small')} {f.side} pneumothorax." for f in ptx]
    if eff and not ptx:
        out.append("No pneumothorax.")
    out.append("The heart is enlarged." if by.get("cardiomegaly") else "The heart is normal in size.")
    if rng.random() < 0.35:
        out.append("No acute osseous abnormality.")
    return " ".join(out)


def varied_findings_text(findings: list[Finding], rng: np.random.Generator) -> str:
    by = {t: [f for f in findings if f.type == t] for t in {f.type for f in findings}}
    out: list[str] = []
    if rng.random() < 0.15:
        out.append(_pick(rng, PREAMBLE))
    for f in by.get("support_device", []):
        out.append(_device_sentence(f, rng))
    lungs: list[str] = [_consolidation_sentence(f, rng) for f in by.get("consolidation", [])]
    lungs += [_nodule_sentence(f, rng) for f in by.get("nodule", [])]
    if not lungs:
        lungs.append(_pick(rng, CLEAR_LUNGS))
    elif "consolidation" not in by and rng.random() < 0.6:
        lungs.append(_pick(rng, NO_CONSOLIDATION))
    pleura: list[str] = []
    eff, ptx = by.get("pleural_effusion", []), by.get("pneumothorax", [])
    if eff:
        pleura.append(_effusion_sentence(sorted(eff, key=lambda f: f.side or ""), rng))
    pleura += [_pneumothorax_sentence(f, rng) for f in ptx]
    if not eff and not ptx:
        pleura.append(_pick(rng, NO_EFFUSION_PTX))
    elif not ptx:
        pleura.append(_pick(rng, NO_PTX))
    elif not eff:
        pleura.append(_pick(rng, NO_EFFUSION))
    heart = [_cardiomegaly_sentence(f, rng) for f in by.get("cardiomegaly", [])] or [_pick(rng, NORMAL_HEART)]
    if heart and "cardiomegaly" in by and rng.random() < 0.5:
        heart.append("The mediastinal contours are unremarkable.")
    # Abnormal pleura first when that is the main finding; heart first sometimes, as radiologists vary.
    body = lungs + pleura + heart if rng.random() < 0.7 else heart + lungs + pleura
    out += body
    if rng.random() < 0.35:
        out.append(_pick(rng, BONES))
    return " ".join(out)


def fmt_box(box: list[float], width: int, height: int) -> str:
    x, y, w, h = box
    vals = [x / width, y / height, (x + w) / width, (y + h) / height]
    return "[" + ", ".join(f"{min(max(v, 0.0), 1.0):.2f}" for v in vals) + "]"


def join_boxes(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def grounding_answer(label: str, boxes: list[list[float]], width: int, height: int) -> str:
    return f"The {label} is located at the coordinates {join_boxes([fmt_box(b, width, height) for b in boxes])} on the image."


def phrase_for(f: Finding, rng: np.random.Generator, canonical_share: float = 0.5) -> str:
    """A report sentence about this one finding (the phrase-grounding prompt's {phrase}): half the time the
    canonical sentence the demo model's reports use, otherwise one of the varied phrasings readers write."""
    if canonical_share > 0 and rng.random() < canonical_share:
        if f.type == "support_device":
            return _canonical_device(f)
        if f.type in ("consolidation", "nodule"):
            return _canonical_lung(f)
        if f.type == "pleural_effusion":
            return f"There is a {f.details.get('size', 'small')} {f.side} pleural effusion."
        if f.type == "pneumothorax":
            return f"There is a {f.details.get('size', 'small')} {f.side} pneumothorax."
        return "The heart is enlarged."
    if f.type == "support_device":
        return _device_sentence(f, rng)
    if f.type == "consolidation":
        return _consolidation_sentence(f, rng)
    if f.type == "nodule":
        return _nodule_sentence(f, rng)
    if f.type == "pleural_effusion":
        return _effusion_sentence([f], rng)
    if f.type == "pneumothorax":
        return _pneumothorax_sentence(f, rng)
    return _cardiomegaly_sentence(f, rng)


def absent_answer(label: str) -> str:
    return f"There is no {label} on the image."


def grounding_items(
    findings: list[Finding],
    width: int,
    height: int,
    rng: np.random.Generator,
    canonical_share: float = 0.5,
    absent_labels: tuple[str, ...] = (),
    absent_count: int = 0,
) -> list[dict]:
    """Training targets for the two grounding tasks: abnormality grounding (one per distinct label, all its
    boxes) and phrase grounding (one per finding, its report-style sentence). With absent_count, also that
    many abnormality-grounding questions about labels the image does not have, answered "There is no
    {label} on the image.": without them the model never has to decide from the image whether a finding is
    there, only where it would be, and a small model then learns anatomy, not findings."""
    items: list[dict] = []
    labels: dict[str, list[Finding]] = {}
    for f in findings:
        labels.setdefault(f.label, []).append(f)
    missing = [lab for lab in absent_labels if lab not in labels]
    if absent_count and missing:
        for i in rng.permutation(len(missing))[:absent_count]:
            items.append({"task": "abnormality_grounding", "abnormality": missing[i], "answer": absent_answer(missing[i])})
    for label, fs in labels.items():
        items.append(
            {
                "task": "abnormality_grounding",
                "abnormality": label,
                "answer": grounding_answer(label, [f.box for f in fs], width, height),
            }
        )
    for f in findings:
        items.append(
            {
                "task": "phrase_grounding",
                "phrase": phrase_for(f, rng, canonical_share),
                "answer": grounding_answer(f.label, [f.box], width, height),
            }
        )
    return items
