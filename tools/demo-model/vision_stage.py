"""Stage 1 of the demo model: the vision tower alone learns where each finding is (train.py runs it first).

Why a separate stage: trained only through the report and grounding tokens, the small tower learned anatomy and
position but not the findings (README.md, "Diagnosis"), and a vision step costs most of a joint step. Here the
tower and two training-only linear heads on its merged tokens learn finding_map.py's targets: per token, which
findings cover it (binary cross-entropy, positives weighted up because they are rare) and that finding's
box in image coordinates (smooth L1 on the positive tokens, balanced across labels); per image, whether each
finding is present (the tokens' log-sum-exp); the three losses weigh what `--vision-weights` says (1, 3, 3 in
the committed recipe: a heavier box term sharpens the boxes, an image term as heavy keeps detection). The
heads are not exported. Afterwards the tower is frozen and every training image is encoded once
(`encode_all`), so the decoder stage costs only decoder steps.

Training inputs are 8-bit grey, so the three colour channels and two frames of each 16 x 16 patch carry the same
256 values: the patch embedding is trained folded to [hidden, 256] (the same function, six times fewer
multiply-adds) and unfolded into the checkpoint's [hidden, 3, 2, 16, 16] layout by `unfold_patch_embedding`.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from finding_map import BOX_SCALE

PATCH, MERGE = 16, 2
PATCH_EMBED = "model.visual.patch_embed.proj.weight"
COPIES = 3 * 2  # colour channels x temporal frames of one grey patch
# Positive token/label pairs are rare, and rarer for small findings (a nodule covers one token of 64, an enlarged
# heart twenty): each label's positives weigh its negative/positive ratio, at most this, so that small findings
# are not drowned by the big ones.
MAX_POS_WEIGHT = 50.0
BOX_BETA = 0.1


def grey_patches(levels: np.ndarray, grey: np.ndarray) -> np.ndarray:
    """[H, W] uint8 -> [patches, 256] float32 in the processor's patch order (merge blocks of 2 x 2 patches)."""
    h, w = grey.shape
    gh, gw = h // PATCH, w // PATCH
    v = levels[grey].reshape(gh // MERGE, MERGE, PATCH, gw // MERGE, MERGE, PATCH).transpose(0, 3, 1, 4, 2, 5)
    return np.ascontiguousarray(v.reshape(gh * gw, PATCH * PATCH))


def fold_patch_embedding(full: torch.Tensor) -> torch.Tensor:
    """[hidden, 3, 2, 16, 16] -> [hidden, 256]: the sum of the six copies (equal inputs)."""
    return full.detach().reshape(full.shape[0], COPIES, PATCH * PATCH).sum(1).clone()


def unfold_patch_embedding(folded: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    return (folded.detach() / COPIES).repeat(1, COPIES).reshape(shape)


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of [n, 4] x1y1x2y2 boxes, row by row."""
    w = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    h = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    area = lambda x: np.clip(x[:, 2] - x[:, 0], 0, None) * np.clip(x[:, 3] - x[:, 1], 0, None)  # noqa: E731
    return w * h / np.maximum(area(a) + area(b) - w * h, 1e-9)


def balanced_box_loss(box: torch.Tensor, target: torch.Tensor, on: torch.Tensor) -> torch.Tensor:
    """box, target [tokens, labels, 4], on [tokens, labels] (some true): each label's mean over its positive
    tokens, then the mean over the labels present, so a nodule's one token weighs as much as an enlarged
    heart's twenty (a plain mean over positives left the nodule's box at IoU 0.13). Nearly L1 (beta 0.1 in
    scaled units is 0.025 of the image), so errors of a few pixels still pull."""
    per = F.smooth_l1_loss(box, target, reduction="none", beta=BOX_BETA).mean(-1)
    n = on.sum(0)
    has = n > 0
    return ((per * on).sum(0)[has] / n[has]).mean()


def image_logits(cls: torch.Tensor, counts: list[int]) -> torch.Tensor:
    """[tokens, labels] token logits -> [images, labels]: a soft maximum over each image's tokens, the mean's
    log-sum-exp (log count subtracted), so that a film with fewer tokens is not scored lower."""
    return torch.stack([torch.logsumexp(c, 0) - math.log(len(c)) for c in cls.split(counts)])


def auc(y: np.ndarray, s: np.ndarray) -> float:
    pos, neg = s[y == 1], s[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


class VisionStage:
    def __init__(
        self,
        params: dict[str, torch.Tensor],
        vision,
        hidden: int,
        present: torch.Tensor,
        seed: int,
        weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
    ):
        """present: the training images' targets [tokens, labels] (all images' tokens), for the positive weights.
        weights: of the token, image and box losses."""
        self.params, self.vision, self.weights = params, vision, weights
        self.labels = labels = present.shape[-1]
        pos = present.sum(0)
        self.pos_weight = ((present.shape[0] - pos) / pos.clamp(min=1)).clamp(1.0, MAX_POS_WEIGHT)
        self.folded = fold_patch_embedding(params[PATCH_EMBED]).requires_grad_()
        original = vision.w
        vision.w = lambda name: self.folded if name == PATCH_EMBED else original(name)
        self.restore_w = lambda: setattr(vision, "w", original)
        g = torch.Generator().manual_seed(seed + 1)
        self.heads = {
            "cls_w": (torch.randn(labels, hidden, generator=g) * 0.02).requires_grad_(),
            "cls_b": torch.full((labels,), -4.0).requires_grad_(),
            "box_w": (torch.randn(labels * 4, hidden, generator=g) * 0.02).requires_grad_(),
            "box_b": torch.zeros(labels * 4).requires_grad_(),
        }
        self.trained = [p for k, p in params.items() if k.startswith("model.visual.") and k != PATCH_EMBED]

    def token_outputs(self, patches: torch.Tensor, thw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feats = self.vision(patches, thw)["image_features"]
        cls = F.linear(feats, self.heads["cls_w"], self.heads["cls_b"])
        box = F.linear(feats, self.heads["box_w"], self.heads["box_b"]).reshape(-1, self.labels, 4)
        return cls, box

    def loss(self, patches, thw, present, boxes, counts) -> tuple[torch.Tensor, dict[str, float]]:
        """present [tokens, labels], boxes [tokens, labels, 4], flat over the batch's images; counts: each
        image's token count (grids differ with the film's shape)."""
        cls, box = self.token_outputs(patches, thw)
        token = F.binary_cross_entropy_with_logits(cls, present, pos_weight=self.pos_weight)
        image = F.binary_cross_entropy_with_logits(image_logits(cls, counts), torch.stack([p.amax(0) for p in present.split(counts)]))
        on = present > 0
        reg = balanced_box_loss(box, boxes, on) if on.any() else cls.sum() * 0
        w_token, w_image, w_box = self.weights
        return w_token * token + w_image * image + w_box * reg, {"token": float(token), "image": float(image), "box": float(reg)}

    def image_scores(self, batches) -> tuple[np.ndarray, np.ndarray]:
        """Per image and label: the presence score [N, labels] and the box [N, labels, 4] (image fractions)
        regressed at the token that scores that label highest."""
        scores, picked = [], []
        with torch.no_grad():
            for patches, thw, counts in batches:
                cls, box = self.token_outputs(patches, thw)
                scores.append(image_logits(cls, counts).numpy())
                for c, b in zip(cls.split(counts), box.split(counts)):
                    picked.append(b[c.argmax(0), torch.arange(self.labels)].numpy())
        return np.concatenate(scores), np.stack(picked) / BOX_SCALE + 0.5

    def train(
        self,
        steps: int,
        batch_fn: Callable[[np.ndarray], tuple],
        train_idx: np.ndarray,
        probe: tuple[list, np.ndarray, np.ndarray],
        label_names: tuple[str, ...],
        lr: float,
        batch: int,
        seed: int,
        say: Callable[[str], None],
        log_every: int = 50,
        probe_every: int = 500,
    ) -> None:
        opt = torch.optim.AdamW([self.folded, *self.trained, *self.heads.values()], lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
        rng = np.random.default_rng([seed, 20_000])
        warmup = min(200, steps // 10)
        say("vision positive weights " + "  ".join(f"{k} {w:.0f}" for k, w in zip(label_names, self.pos_weight.tolist())))
        t0, window = time.time(), []
        for step in range(1, steps + 1):
            cur = lr * step / warmup if step <= warmup else 0.05 * lr + 0.95 * lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))
            for g in opt.param_groups:
                g["lr"] = cur
            patches, thw, present, boxes, counts = batch_fn(rng.choice(train_idx, batch, replace=False))
            loss, parts = self.loss(patches, thw, present, boxes, counts)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([self.folded, *self.trained], 1.0)
            opt.step()
            window.append(parts)
            if step % log_every == 0:
                mean = {k: np.mean([p[k] for p in window]) for k in window[0]}
                say(
                    f"vision {step:5d}  token {mean['token']:.4f}  image {mean['image']:.4f}  box {mean['box']:.4f}  "
                    f"lr {cur:.2e}  {(time.time() - t0) / len(window):.3f}s/step"
                )
                window, t0 = [], time.time()
            if step % probe_every == 0 or step == steps:
                batches, truth, truth_boxes = probe
                s, boxes = self.image_scores(batches)
                aucs = {name: auc(truth[:, k], s[:, k]) for k, name in enumerate(label_names)}
                say(f"vision {step:5d}  held-out image AUC " + "  ".join(f"{k} {v:.3f}" for k, v in aucs.items()))
                ious = {name: float(np.mean(box_iou(boxes[truth[:, k], k], truth_boxes[truth[:, k], k])))
                        for k, name in enumerate(label_names) if truth[:, k].any()}
                say(f"vision {step:5d}  held-out box IoU at the top token " + "  ".join(f"{k} {v:.2f}" for k, v in ious.items()))

    def finish(self) -> None:
        """Write the folded patch embedding back in the checkpoint layout and freeze the tower."""
        with torch.no_grad():
            full = self.params[PATCH_EMBED]
            full.copy_(unfold_patch_embedding(self.folded, tuple(full.shape)))
        self.restore_w()
        for k, p in self.params.items():
            if k.startswith("model.visual."):
                p.requires_grad_(False)


def encode_all(vision, images: int, batch_fn: Callable[[np.ndarray], tuple], chunk: int = 64):
    """Every image through the frozen tower once, with the checkpoint's own (unfolded) weights and full
    pixel_values, as the exported encoder computes it. Flat over all images' tokens, in order (grids differ):
    features [tokens, H] and DeepStack [K, tokens, H]."""
    feats, deep = [], []
    with torch.no_grad():
        for start in range(0, images, chunk):
            pv, thw = batch_fn(np.arange(start, min(images, start + chunk)))
            v = vision(pv, thw)
            feats.append(v["image_features"])
            deep.append(torch.stack(v["deepstack"]))
    return torch.cat(feats), torch.cat(deep, 1)
