"""Evaluate a model pack through the real Lightbox engine on held-out synthetic studies.

    /usr/bin/python3 tools/demo-model/evaluate.py --pack /tmp/lightbox-demo-try/lightbox-demo \\
        [--variant q4] [--seed 2] [--count 50] [--size 512] [--work /tmp/demo-eval] [--out metrics.json]

1. Generates the held-out set with make_dataset.py (another seed than training's 1) into WORK/data-<seed>-<size>
   unless it is already there, and writes each sample as a CR DICOM (12 bits, MONOCHROME2, window 2048/4096,
   make_demo_studies.write_dicom) so the engine reads it exactly as it reads a study.
2. Runs tools/demo-model/evaluate_engine.ts (node --import tsx): draftStudy per file (the app's
   pipeline: render, preprocess, report, findings split, phrase grounding per abnormal finding), plus the
   abnormality-grounding and phrase-grounding prompts for each true finding.
3. Computes with metrics.py: report label precision/recall/F1 (negations count as negatives) and the
   share of normal studies with no finding reported; grounding mAP@0.5, mean IoU per finding type and
   the Hungarian soft-F1 reward for (a) abnormality grounding given the true label, (b) phrase grounding
   given the true finding sentence, (c) the draft end to end (boxes of the draft's own findings, typed by
   the labels their sentences mention).
Prints a summary and writes the full numbers as JSON (--out, default WORK/metrics-<variant>.json).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import metrics  # noqa: E402
from pngio import read_png  # noqa: E402


def ensure_dataset(seed: int, count: int, size: int, work: Path) -> Path:
    data = work / f"data-{seed}-{size}"
    summary = data / "dataset.json"
    if not (summary.exists() and json.loads(summary.read_text()).get("count", 0) >= count):
        subprocess.run(
            [sys.executable, str(HERE / "make_dataset.py"), "--seed", str(seed), "--count", str(count),
             "--out", str(data), "--size", str(size)],
            check=True,
        )
    return data


def write_dicoms(data: Path, ids: list[str], seed: int) -> dict[str, Path]:
    from make_demo_studies import write_dicom

    out = data / "dicom"
    out.mkdir(exist_ok=True)
    paths = {}
    for n, sid in enumerate(ids, start=1):
        path = out / f"{sid}.dcm"
        if not path.exists():
            grey = read_png(data / "images" / f"{sid}.png")
            pixels12 = np.round(grey.astype(np.float64) / 255.0 * 4095).astype(np.uint16)
            write_dicom(path, pixels12, seed, sid, n, "heldout", 0.3)
        paths[sid] = path
    return paths


def phrases_of(record: dict) -> list[str]:
    if "grounding" in record:  # a demo study's truth sidecar
        return [g["phrase"] for g in record["grounding"] if g["task"] == "phrase_grounding"]
    prefix = "Please locate the following sentence: "
    return [t["prompt"][len(prefix):] for t in record["tasks"] if t["task"] == "phrase_grounding"]


def demo_studies(folder: Path) -> tuple[list[dict], dict[str, Path]]:
    """The DICOM demo studies (make_demo_studies.py) with their .truth.json sidecars."""
    records, paths = [], {}
    for truth in sorted(folder.glob("*.dcm.truth.json")):
        r = json.loads(truth.read_text())
        r["id"] = r["file"]
        records.append(r)
        paths[r["id"]] = folder / r["file"]
    return records, paths


def truth_boxes(record: dict) -> dict[str, list[list[float]]]:
    out: dict[str, list] = {}
    for f in record["findings"]:
        out.setdefault(metrics.label_key(f["type"], f["side"]), []).append(f["box_xyxy"])
    return out


def summarise(records: list[dict], preds: list[dict]) -> dict:
    by_id = {p["id"]: p for p in preds}
    truth_labels, pred_labels = [], []
    abn_p, phr_p, e2e_p, gts = [], [], [], []
    for r in records:
        p = by_id[r["id"]]
        truth_labels.append(set(r["labels"]))
        pred_labels.append(metrics.extract_labels(p["report"]))
        gts.append(truth_boxes(r))
        # (a) abnormality grounding: answers in the order of the distinct finding labels
        label_key = {f["label"]: metrics.label_key(f["type"], f["side"]) for f in r["findings"]}
        a: dict[str, list] = {}
        for ans in p["abnormality"]:
            a.setdefault(label_key[ans["label"]], []).extend(ans["boxes"])
        abn_p.append(a)
        # (b) phrase grounding: one answer per finding, in the findings' order
        b: dict[str, list] = {}
        for f, ans in zip(r["findings"], p["phrase"]):
            b.setdefault(metrics.label_key(f["type"], f["side"]), []).extend(ans["boxes"])
        phr_p.append(b)
        # (c) the draft: each boxed finding typed by the labels its sentence mentions
        c: dict[str, list] = {}
        for f in p["findings"]:
            if not f["boxes"]:
                continue
            boxes = [
                [bx["x"] / p["width"], bx["y"] / p["height"], (bx["x"] + bx["width"]) / p["width"],
                 (bx["y"] + bx["height"]) / p["height"]]
                for bx in f["boxes"]
            ]
            for lab in metrics.extract_labels(f["text"]):
                c.setdefault(lab, []).extend(boxes)
        e2e_p.append(c)
    labels = metrics.label_prf(pred_labels, truth_labels)
    return {
        "samples": len(records),
        "normals": sum(1 for t in truth_labels if not t),
        "report_labels": labels,
        "abnormality_grounding": metrics.grounding_map(abn_p, gts),
        "phrase_grounding": metrics.grounding_map(phr_p, gts),
        "draft_end_to_end": metrics.grounding_map(e2e_p, gts),
        "report_stopped": sum(1 for p in preds if p["stopReason"] == "stop-token"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pack", type=Path, required=True)
    ap.add_argument("--variant", default="q4")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--size", type=int, default=512, help="longest side of the held-out images")
    ap.add_argument("--work", type=Path, default=Path("/tmp/demo-eval"))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--show", type=int, default=3, help="print this many drafts")
    ap.add_argument("--studies", type=Path, help="evaluate these DICOM demo studies (e.g. samples/demo) instead")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    if a.studies:
        records, paths = demo_studies(a.studies)
        a.seed, a.size, a.count = "demo", "orig", len(records)
    else:
        data = ensure_dataset(a.seed, a.count, a.size, a.work)
        records = [json.loads((data / "samples" / f"s{a.seed}-{i:06d}.json").read_text()) for i in range(a.count)]
        paths = write_dicoms(data, [r["id"] for r in records], a.seed)
    items = [
        {
            "id": r["id"],
            "path": str(paths[r["id"]]),
            "abnormalities": list(dict.fromkeys(f["label"] for f in r["findings"])),
            "phrases": phrases_of(r),
        }
        for r in records
    ]
    tag = f"{a.pack.name}-{a.variant}-{a.seed}-{a.size}-{a.count}"
    items_path = a.work / f"items-{tag}.json"
    items_path.write_text(json.dumps(items))
    preds_path = a.work / f"preds-{tag}.json"
    subprocess.run(
        ["node", "--import", "tsx", str(HERE / "evaluate_engine.ts"), str(items_path), str(a.pack.resolve()),
         str(preds_path), a.variant, str(a.threads)],
        check=True,
        cwd=REPO,
    )
    preds = json.loads(preds_path.read_text())
    result = {"pack": str(a.pack), "variant": a.variant, "seed": a.seed, "size": a.size, **summarise(records, preds)}
    out = a.out or a.work / f"metrics-{tag}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    by_id = {p["id"]: p for p in preds}
    for r in records[: a.show]:
        p = by_id[r["id"]]
        print(f"--- {r['id']} truth {r['labels'] or ['normal']}\n  truth: {r['report']}\n  draft: {p['report']}")
        for ans in p["abnormality"][:2]:
            print(f"  abn {ans['label']}: {ans['text']}  (truth {truth_boxes(r)})")
    L = result["report_labels"]
    print(
        json.dumps(
            {
                "variant": a.variant,
                "label_micro": L["micro"],
                "normal_clean": L.get("normal_clean"),
                "abnormality_map50": result["abnormality_grounding"]["map50"],
                "abnormality_reward": result["abnormality_grounding"]["reward"],
                "phrase_map50": result["phrase_grounding"]["map50"],
                "draft_map50": result["draft_end_to_end"]["map50"],
                "draft_reward": result["draft_end_to_end"]["reward"],
                "report_stopped": result["report_stopped"],
            },
            indent=1,
        )
    )
    print(f"full metrics: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
