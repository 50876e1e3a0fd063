"""Write a synthetic-findings training/evaluation set, deterministic from a seed.

    /usr/bin/python3 tools/demo-model/make_dataset.py --seed 1 --count 2000 --out /tmp/demo-train

Writes OUT/images/<id>.png (8-bit grayscale, longest side --size), OUT/samples/<id>.json (findings with
boxes in pixels of that PNG and as [x1, y1, x2, y2] fractions, metric labels, findings text, and the
three tasks with the seed model's prompts and target answers) and OUT/dataset.json (arguments, count,
label counts). Sample i draws all of its randomness from numpy's Generator seeded with (seed, i), so
any sample can be regenerated alone and the same arguments always give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import metrics  # noqa: E402
import report_text  # noqa: E402
import synth_findings as sf  # noqa: E402
from finding_map import token_grid  # noqa: E402
from pngio import encode_png  # noqa: E402

TASKS_FILE = Path(__file__).resolve().parents[1] / "model-pack" / "assets" / "radvlm_tasks.json"


def prompts() -> dict[str, str]:
    tasks = json.loads(TASKS_FILE.read_text())["tasks"]
    return {k: v["prompt"] for k, v in tasks.items()}


# Abnormality-grounding names of the findings the generator draws (Finding.label values).
ABSENT_LABELS = (
    "cardiomegaly",
    "left pleural effusion",
    "right pleural effusion",
    "left pneumothorax",
    "right pneumothorax",
    "consolidation",
    "nodule",
    "endotracheal tube",
    "nasogastric tube",
    "central venous catheter",
)


class BaseCache:
    def __init__(self, max_side: int):
        self.max_side = max_side
        self.cache: dict[str, sf.BaseImage] = {}

    def get(self, name: str) -> sf.BaseImage:
        if name not in self.cache:
            self.cache[name] = sf.load_base(name, self.max_side)
        return self.cache[name]


def cell_coverage(mask: np.ndarray, rows: int, cols: int) -> list[float]:
    """Share of each cell of a rows x cols split of the image that the finding's drawing changed, row-major:
    the training-only finding map of train.py (one cell per merged image token, finding_map.token_grid)."""
    h, w = mask.shape
    ys = np.linspace(0, h, rows + 1).round().astype(int)
    xs = np.linspace(0, w, cols + 1).round().astype(int)
    return [round(float(mask[ys[r] : ys[r + 1], xs[c] : xs[c + 1]].mean()), 3) for r in range(rows) for c in range(cols)]


def make_sample(
    seed: int,
    index: int,
    bases: BaseCache,
    size: int,
    normal_prob: float,
    flip_prob: float,
    augment_strength: float = 1.0,
    spec: list[dict] | None = None,
    base_name: str | None = None,
    absent_count: int = 0,
) -> tuple[np.ndarray, dict]:
    rng = np.random.default_rng([seed, index])
    names = sf.base_names()
    base = bases.get(base_name or names[int(rng.integers(len(names)))])
    if spec is None:
        spec = sf.sample_spec(rng, normal_prob)
    img, findings = sf.apply_spec(base, spec, rng)
    img, findings, aug = sf.augment(img, findings, rng, out_max_side=size, flip_prob=flip_prob, strength=augment_strength)
    h, w = img.shape
    rows, cols = token_grid(h, w)
    text = report_text.findings_text(findings, rng)
    p = prompts()
    tasks = [{"task": "report_generation", "prompt": p["report_generation"], "answer": text}]
    absent = ABSENT_LABELS if absent_count else ()
    for item in report_text.grounding_items(findings, w, h, rng, absent_labels=absent, absent_count=absent_count):
        if item["task"] == "abnormality_grounding":
            prompt = p["abnormality_grounding"].replace("{abnormality}", item["abnormality"])
        else:
            prompt = p["phrase_grounding"].replace("{phrase}", item["phrase"])
        tasks.append({"task": item["task"], "prompt": prompt, "answer": item["answer"]})
    sid = f"s{seed}-{index:06d}"
    record = {
        "id": sid,
        "image": f"images/{sid}.png",
        "width": w,
        "height": h,
        "base_image": base.name,
        "augmentation": aug,
        "normal": not findings,
        "token_grid": [rows, cols],
        "findings": [
            {
                **f.to_json(),
                "box_xyxy": [round(v, 4) for v in metrics.xywh_to_xyxy(f.box, w, h)],
                "cells": cell_coverage(f.mask, rows, cols),
            }
            for f in findings
        ],
        "labels": sorted({metrics.label_key(f.type, f.side) for f in findings}),
        "report": text,
        "tasks": tasks,
    }
    return sf.to_uint8(img), record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--size", type=int, default=512, help="longest side of the written PNGs")
    ap.add_argument("--normal-prob", type=float, default=0.25)
    ap.add_argument("--flip-prob", type=float, default=0.15)
    ap.add_argument("--start", type=int, default=0, help="first sample index (to extend a set)")
    ap.add_argument("--absent", type=int, default=0, help="questions per image about findings it does not have")
    a = ap.parse_args(argv)
    (a.out / "images").mkdir(parents=True, exist_ok=True)
    (a.out / "samples").mkdir(parents=True, exist_ok=True)
    bases = BaseCache(min(1024, round(a.size * 1.25)))
    counts: Counter = Counter()
    for i in range(a.start, a.start + a.count):
        gray, rec = make_sample(a.seed, i, bases, a.size, a.normal_prob, a.flip_prob, absent_count=a.absent)
        (a.out / rec["image"]).write_bytes(encode_png(gray))
        (a.out / "samples" / f"{rec['id']}.json").write_text(json.dumps(rec, indent=1, sort_keys=True) + "\n")
        counts.update(rec["labels"] or ["normal"])
    summary = {
        "seed": a.seed,
        "start": a.start,
        "count": a.count,
        "size": a.size,
        "normal_prob": a.normal_prob,
        "flip_prob": a.flip_prob,
        "label_counts": dict(sorted(counts.items())),
    }
    (a.out / "dataset.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
