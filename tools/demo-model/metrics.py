"""Evaluation metrics for the demo model (numpy only).

Labels (report text -> set of finding labels), with negation handling: a finding counts when it is
mentioned positively; a mention preceded in the same clause by a negation ("no", "without", "negative
for", "free of", "not", "resolved") or followed by one ("was not seen") is a negative, as is a finding never mentioned. Effusion and
pneumothorax carry a side: the nearest "left" / "right" / "bilateral" / "both" before the mention in its
clause (else "on the left/right" within a few words after it); a mention with no side word, or "bilateral", counts
for both sides. LABELS lists the eight labels.

Grounding:
- `iou`, boxes [x1, y1, x2, y2] (any consistent unit; fractions in practice).
- `hungarian(cost)`: minimum-cost assignment for a rectangular matrix (shortest augmenting paths with
  potentials, O(n^2 m)); returns (row, col) pairs, one per row of the smaller side.
- `grounding_reward(pred, gt)`: the seed paper's IoU-weighted soft F1 as we implement it: predicted
  and true boxes are matched one-to-one by the Hungarian algorithm maximising total IoU; soft precision =
  sum of matched IoUs / #pred, soft recall = sum of matched IoUs / #gt, reward = their harmonic mean.
  Both empty: 1.0; exactly one empty: 0.0.
- `average_precision(preds, gts)`: VOC-style all-point AP at IoU >= 0.5 for one finding type over many
  images; predictions may carry a score (default 1.0; ties keep their order); each true box can be
  matched once, extra matches are false positives. `grounding_map` averages it over the types that
  have at least one true box.
- `mean_iou(preds, gts)`: per type, the sum over images of Hungarian-matched IoUs divided by the number of
  true boxes (a missed box contributes 0).
"""

from __future__ import annotations

import re

import numpy as np

LABELS = (
    "cardiomegaly",
    "left pleural effusion",
    "right pleural effusion",
    "left pneumothorax",
    "right pneumothorax",
    "consolidation",
    "nodule",
    "support device",
)


def label_key(type_: str, side: str | None) -> str:
    """Metric label of a synthetic finding (synth_findings.Finding.type / .side)."""
    if type_ == "pleural_effusion":
        return f"{side} pleural effusion"
    if type_ == "pneumothorax":
        return f"{side} pneumothorax"
    return type_.replace("_", " ")


# ------------------------------------------------------------------------------------- report labels

_NEGATION = re.compile(r"\b(no|without|negative for|free of|not|resolved|absence of)\b")
_POST_NEGATION = re.compile(r"[^,;]{0,20}?\b(?:(?:is|was|are|were) not|not (?:seen|present|identified)|absent|resolved)\b")
_BREAK = re.compile(r"\b(but|however|although|though)\b")
_SIDE = re.compile(r"\b(left|right|bilateral|both)\b")
_PATTERNS = {
    "cardiomegaly": re.compile(
        r"cardiomegaly|(?:heart|cardiac silhouette|cardiac size|heart size)\s+(?:is\s+|appears\s+)?(?:\w+\s+)?"
        r"(?:enlarged|large)\b|enlargement of the (?:cardiac silhouette|heart)|enlarged (?:heart|cardiac)"
    ),
    "pleural effusion": re.compile(r"effusions?\b"),
    "pneumothorax": re.compile(r"pneumothora(?:x|ces)\b"),
    "consolidation": re.compile(r"consolidation|air-?space (?:opacit\w+|disease)|pneumonia"),
    "nodule": re.compile(r"nodul\w*|\bmass\b"),
    "support device": re.compile(
        r"\b(?:endotracheal|nasogastric|enteric|feeding|orogastric|chest|et|ng) tubes?\b|\bcatheters?\b|"
        r"central (?:venous )?line|\bpicc\b|support devices?|pacemaker"
    ),
}


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<=[.!?;])\s+|;", text.lower()) if c.strip()]


def _negated(clause: str, start: int, end: int) -> bool:
    """A negation before the mention (or inside it: "heart is not enlarged") with no "but" between, or a
    post-negation right after it ("... was not seen")."""
    last = None
    for m in _NEGATION.finditer(clause, 0, end):
        last = m
    if last is not None and _BREAK.search(clause, last.end(), start) is None:
        return True
    return _POST_NEGATION.match(clause, end) is not None


def _sides(clause: str, start: int, end: int) -> set[str]:
    before = list(_SIDE.finditer(clause, 0, start))
    word = before[-1].group(1) if before else None
    if word is None:
        after = re.match(r"(?:\s+\w+){0,3}?\s+(?:on|in|at) the (left|right)\b", clause[end : end + 40])
        word = after.group(1) if after else None
    if word in ("left", "right"):
        return {word}
    return {"left", "right"}


def extract_labels(text: str) -> set[str]:
    found: set[str] = set()
    for clause in _clauses(text):
        for name, pattern in _PATTERNS.items():
            for m in pattern.finditer(clause):
                if _negated(clause, m.start(), m.end()):
                    continue
                if name in ("pleural effusion", "pneumothorax"):
                    for side in _sides(clause, m.start(), m.end()):
                        found.add(f"{side} {name}")
                else:
                    found.add(name)
    return found


def label_prf(predicted: list[set[str]], truth: list[set[str]]) -> dict:
    """Micro-averaged precision/recall/F1 over all labels and samples, plus per label; `normal_clean`:
    the fraction of samples without true findings for which nothing was predicted."""
    per = {}
    tp_all = fp_all = fn_all = 0
    for label in LABELS:
        tp = sum(1 for p, t in zip(predicted, truth) if label in p and label in t)
        fp = sum(1 for p, t in zip(predicted, truth) if label in p and label not in t)
        fn = sum(1 for p, t in zip(predicted, truth) if label not in p and label in t)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        per[label] = _prf(tp, fp, fn)
    normals = [p for p, t in zip(predicted, truth) if not t]
    return {
        "micro": _prf(tp_all, fp_all, fn_all),
        "per_label": per,
        "normal_clean": (sum(1 for p in normals if not p) / len(normals)) if normals else None,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


# ----------------------------------------------------------------------------------------- boxes

_BOX = re.compile(r"\[\s*([-+\d.eE]+)\s*,\s*([-+\d.eE]+)\s*,\s*([-+\d.eE]+)\s*,\s*([-+\d.eE]+)\s*\]")


def parse_boxes(text: str) -> list[list[float]]:
    """Every well-formed [x1, y1, x2, y2] in a grounding answer (fractions), in order."""
    out = []
    for m in _BOX.finditer(text):
        try:
            b = [float(v) for v in m.groups()]
        except ValueError:
            continue
        if b[2] > b[0] and b[3] > b[1]:
            out.append(b)
    return out


def xywh_to_xyxy(box, width: float = 1.0, height: float = 1.0) -> list[float]:
    x, y, w, h = box
    return [x / width, y / height, (x + w) / width, (y + h) / height]


def iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def iou_matrix(pred, gt) -> np.ndarray:
    return np.array([[iou(p, g) for g in gt] for p in pred], dtype=np.float64).reshape(len(pred), len(gt))


def hungarian(cost) -> list[tuple[int, int]]:
    """Minimum-cost one-to-one assignment (rows x cols, any shape): (row, col) pairs, as many as the
    smaller dimension, sorted by row."""
    c = np.asarray(cost, dtype=np.float64)
    if c.size == 0:
        return []
    transposed = c.shape[0] > c.shape[1]
    if transposed:
        c = c.T
    n, m = c.shape  # n <= m
    inf = float("inf")
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)  # p[j]: row (1-based) assigned to column j; 0 = none
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta, j1 = inf, -1
            for j in range(1, m + 1):
                if not used[j]:
                    cur = c[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs = [(int(p[j]) - 1, j - 1) for j in range(1, m + 1) if p[j] != 0]
    if transposed:
        pairs = [(b, a) for a, b in pairs]
    return sorted(pairs)


def matched_ious(pred, gt) -> list[float]:
    if not pred or not gt:
        return []
    m = iou_matrix(pred, gt)
    return [float(m[i, j]) for i, j in hungarian(-m)]


def grounding_reward(pred, gt) -> float:
    if not pred and not gt:
        return 1.0
    if not pred or not gt:
        return 0.0
    s = sum(matched_ious(pred, gt))
    precision, recall = s / len(pred), s / len(gt)
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def average_precision(preds: list[list], gts: list[list], threshold: float = 0.5) -> float | None:
    """preds[i]: boxes ([x1, y1, x2, y2] or ([x1, y1, x2, y2], score)) predicted on image i;
    gts[i]: true boxes on image i. None when there is no true box at all."""
    n_gt = sum(len(g) for g in gts)
    if n_gt == 0:
        return None
    flat = []
    for i, ps in enumerate(preds):
        for k, p in enumerate(ps):
            box, score = (p[0], float(p[1])) if len(p) == 2 else (p, 1.0)
            flat.append((-score, i, k, box))
    flat.sort(key=lambda t: (t[0], t[1], t[2]))
    taken = [np.zeros(len(g), dtype=bool) for g in gts]
    tp = np.zeros(len(flat))
    for r, (_, i, _, box) in enumerate(flat):
        best, best_j = 0.0, -1
        for j, g in enumerate(gts[i]):
            o = iou(box, g)
            if o > best and not taken[i][j]:
                best, best_j = o, j
        if best_j >= 0 and best >= threshold:
            taken[i][best_j] = True
            tp[r] = 1
    if len(flat) == 0:
        return 0.0
    ctp = np.cumsum(tp)
    recall = ctp / n_gt
    precision = ctp / np.arange(1, len(flat) + 1)
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    for k in range(len(mpre) - 2, -1, -1):
        mpre[k] = max(mpre[k], mpre[k + 1])
    idx = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def grounding_map(preds: list[dict], gts: list[dict], threshold: float = 0.5) -> dict:
    """preds[i] / gts[i]: {type: [boxes]} for image i. Per-type AP and IoU, their means, and the mean
    grounding reward over (image, type) pairs where either side has boxes."""
    types = sorted({t for g in gts for t in g if g[t]})
    ap, miou = {}, {}
    for t in types:
        p_t = [p.get(t, []) for p in preds]
        g_t = [g.get(t, []) for g in gts]
        ap[t] = average_precision(p_t, g_t, threshold)
        n = sum(len(g) for g in g_t)
        miou[t] = sum(sum(matched_ious([b[0] if len(b) == 2 else b for b in p], g)) for p, g in zip(p_t, g_t)) / n
    rewards = []
    for p, g in zip(preds, gts):
        for t in sorted(set(p) | set(g)):
            pb = [b[0] if len(b) == 2 else b for b in p.get(t, [])]
            gb = g.get(t, [])
            if pb or gb:
                rewards.append(grounding_reward(pb, gb))
    return {
        "ap50": ap,
        "map50": float(np.mean(list(ap.values()))) if ap else None,
        "mean_iou": miou,
        "reward": float(np.mean(rewards)) if rewards else None,
    }
