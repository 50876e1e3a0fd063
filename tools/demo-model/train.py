"""Train the demo Qwen3-VL (README.md sizes) from scratch on a pre-tokenised synthetic-findings set, on the CPU.

    bash tools/demo-model/reproduce.sh        # data, this script with the committed pack's arguments, export

Two stages. Stage 1 (vision_stage.py, --vision-steps): the vision tower alone learns where each finding is;
it is saved to OUT/vision.pt, frozen, and every image encoded once (a rerun with OUT/vision.pt present skips
stage 1). Stage 2 (--steps): the text decoder learns the reports and grounding answers on those features.
The last --holdout images are never trained on; stage 1 logs their image-level AUC per finding.

Writes OUT/checkpoint/ (Hugging Face layout: config.json, model.safetensors through the repository's
safetensors_io, preprocessor_config.json with min/max pixels 65,536, generation_config.json) every
--save-minutes and at the end, OUT/state.pt (weights, AdamW state, step, RNG) to resume (run the same
command again: it continues from OUT/state.pt), and OUT/train.log (the loss curve, also on stdout,
every --log-every steps). The forward pass is the repository's reference (tools/model-pack/modelpack,
unmodified) with trainable weights under the checkpoint's tensor names; the tied vocabulary projection is
applied only at answer positions (loss on answer tokens, <|im_end|> included). Only the rows of the token
ids the data set uses are trained; every other row of the tied table stays zero, so its logit is exactly 0 and
the full-vocabulary softmax is computed exactly as the used logits plus one constant log(unused count).
--coord-weight weighs the digits of grounding answers in the loss (`answer_weights`); --bucket batches
examples of similar length (`length_buckets`). Every --probe-every steps the loss on a fixed batch is logged
with the true images and with the images shuffled within the batch: the gap shows whether the model reads
the image. Deterministic: data order and initialisation come from --seed; the same command on the same
machine gives the same weights.
--deadline HH:MM (UTC) stops early, saving, if the wall clock passes it (noted in the log).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "model-pack"))
from finding_map import BOX_SCALE, PIXELS, finding_targets  # noqa: E402
from make_dataset import ABSENT_LABELS as AUX_LABELS  # noqa: E402  (every finding the generator draws)
from vision_stage import VisionStage, encode_all, grey_patches  # noqa: E402
from measure_step import build, decoder_hidden, demo_config  # noqa: E402
from modelpack.checkpoint import LM_HEAD, TEXT  # noqa: E402
from modelpack.reference import rope_index  # noqa: E402
from modelpack.reference_text import rms_norm  # noqa: E402
from modelpack import safetensors_io  # noqa: E402

PATCH, TEMPORAL, MERGE = 16, 2, 2
EMBED = TEXT + "embed_tokens.weight"
PREPROCESSOR = {
    "image_processor_type": "Qwen2VLImageProcessorFast",
    "patch_size": PATCH,
    "temporal_patch_size": TEMPORAL,
    "merge_size": MERGE,
    "image_mean": [0.5, 0.5, 0.5],
    "image_std": [0.5, 0.5, 0.5],
    "min_pixels": PIXELS,
    "max_pixels": PIXELS,
    "size": {"shortest_edge": PIXELS, "longest_edge": PIXELS},
    "do_resize": True,
    "resample": 3,
    "do_rescale": True,
    "rescale_factor": 1 / 255,
    "do_normalize": True,
    "do_convert_rgb": True,
}
GENERATION = {"eos_token_id": [151645, 151643], "pad_token_id": 151643, "do_sample": False}


def level_table() -> np.ndarray:
    """float32 value of each 8-bit level, as preprocess-image.ts computes it: (v - mean/r) / (std/r)."""
    f = np.float32
    inv = f(1 / (1 / 255))  # double division, then float32, as the TS
    mean, std = f(f(0.5) * inv), f(f(0.5) * inv)
    # Division in float64 then rounded to float32, as Math.fround(a / b) does in the TS.
    return np.array([f(float(f(f(v) - mean)) / float(std)) for v in range(256)], np.float32)


LEVELS = level_table()


def patchify(grey: np.ndarray) -> np.ndarray:
    """[H, W] uint8 (already resized) -> pixel_values [patches, 3*T*P*P] in preprocess-image.ts's order."""
    h, w = grey.shape
    gh, gw = h // PATCH, w // PATCH
    v = LEVELS[grey]  # [H, W]
    # [gh/M, M, P, gw/M, M, P] -> (hb, wb, m1, m2, p1, p2)
    x = v.reshape(gh // MERGE, MERGE, PATCH, gw // MERGE, MERGE, PATCH).transpose(0, 3, 1, 4, 2, 5)
    x = x.reshape(gh * gw, 1, 1, PATCH * PATCH)
    x = np.broadcast_to(x, (gh * gw, 3, TEMPORAL, PATCH * PATCH))
    return np.ascontiguousarray(x.reshape(gh * gw, 3 * TEMPORAL * PATCH * PATCH))


def length_buckets(lengths: list[int], batch: int, bucket: int, rng: np.random.Generator) -> list[int]:
    """An order of the examples (indices into `lengths`, already shuffled) whose consecutive batches hold
    similar lengths: sorted within windows of `bucket`, cut into whole batches (a window's remainder is
    dropped), batches shuffled. A random batch of 8 pads to its longest sequence (13 % padding here);
    bucketed by 256, under 1 %, and a decoder step is about 15 % shorter."""
    batches = []
    for i in range(0, len(lengths), bucket):
        window = sorted(range(i, min(i + bucket, len(lengths))), key=lambda k: lengths[k])
        batches += [window[j : j + batch] for j in range(0, len(window) - batch + 1, batch)]
    return [k for b in rng.permutation(len(batches)) for k in batches[b]]


def answer_weights(ids: torch.Tensor, target_mask: torch.Tensor, grounding: list[bool], digit_ids: torch.Tensor, weight: float) -> torch.Tensor:
    """Loss weight of each answer token (flat, in target_mask order): `weight` for the digits of grounding
    answers, 1 otherwise. The coordinates' digits decide the box, and in a plain mean they are a few of many
    answer tokens; digits in reports ("3 cm above the carina") keep weight 1."""
    digit = torch.isin(ids, digit_ids) & torch.tensor(grounding)[:, None]
    return torch.where(digit, weight, 1.0)[target_mask]


class Data:
    def __init__(self, root: Path, report_weight: float, vocab: int, holdout: int = 0):
        prep = root / "prepared"
        index = json.loads((prep / "index.json").read_text())
        self.samples = index["samples"]
        self.pixels = np.fromfile(prep / "pixels.u8", dtype=np.uint8)
        self.im_end = index["im_end"]
        self.digit_ids = torch.tensor(index["digit_ids"])
        used = {self.im_end, *GENERATION["eos_token_id"]}
        for s in self.samples:
            for t in s["tasks"]:
                used.update(t["prompt"])
                used.update(t["answer"])
        self.used = torch.tensor(sorted(used), dtype=torch.long)
        # Full id -> row of the trained sub-table (-1: never seen, row stays zero).
        self.compact = torch.full((vocab,), -1, dtype=torch.long)
        self.compact[self.used] = torch.arange(len(self.used))
        # One example per (sample, task); report examples repeated by report_weight (fractional part drawn).
        self.examples: list[tuple[int, int]] = []
        self.train_images = len(self.samples) - holdout
        for si, s in enumerate(self.samples[: self.train_images]):
            for ti, t in enumerate(s["tasks"]):
                self.examples.append((si, ti))
        self.report_weight = report_weight
        # Where each finding is, per merged image token, for the training-only vision losses. Grids differ
        # (8 x 8 for square films, 8 x 7 for the NEMA film), so targets are flat over all tokens, with offsets.
        records = {
            r["id"]: r for r in (json.loads(f.read_text()) for f in sorted((root / "samples").glob("*.json")))
        }
        self.tokens = [s["height"] * s["width"] // (PATCH * MERGE) ** 2 for s in self.samples]
        self.token_start = np.concatenate([[0], np.cumsum(self.tokens)])
        targets = []
        for s in self.samples:
            rows, cols = s["height"] // (PATCH * MERGE), s["width"] // (PATCH * MERGE)
            if records[s["id"]]["token_grid"] != [rows, cols]:  # make_dataset's grid is not the app's resize
                raise ValueError(f"{s['id']}: token grid {records[s['id']]['token_grid']}, prepared {rows} x {cols}")
            targets.append(finding_targets(records[s["id"]]["findings"], AUX_LABELS, rows, cols))
        self.cells = torch.from_numpy(np.concatenate([t[0] for t in targets]))
        self.cell_boxes = torch.from_numpy(np.concatenate([t[1] for t in targets]))

    def token_index(self, images) -> torch.Tensor:
        """Rows of the flat per-token arrays (targets, cached features) of these images, in order."""
        return torch.from_numpy(np.concatenate([np.arange(self.token_start[i], self.token_start[i + 1]) for i in images]))

    def epoch_order(self, rng: np.random.Generator, batch: int = 1, bucket: int = 0) -> list[tuple[int, int]]:
        ex = list(self.examples)
        extra = [e for e in self.examples if self.samples[e[0]]["tasks"][e[1]]["task"] == "report_generation"]
        w = self.report_weight - 1.0
        while w > 0:
            take = [e for e in extra if rng.random() < min(1.0, w)]
            ex += take
            w -= 1.0
        perm = rng.permutation(len(ex))
        ex = [ex[i] for i in perm]
        if not bucket:
            return ex
        lengths = [len(self.samples[si]["tasks"][ti]["prompt"]) + len(self.samples[si]["tasks"][ti]["answer"]) for si, ti in ex]
        return [ex[i] for i in length_buckets(lengths, batch, bucket, rng)]

    def grey(self, si: int) -> np.ndarray:
        s = self.samples[si]
        n = s["height"] * s["width"]
        return self.pixels[s["offset"] : s["offset"] + n].reshape(s["height"], s["width"])

    def batch(self, items: list[tuple[int, int]], coord_weight: float = 1.0):
        seqs, answer_lens, grounding = [], [], []
        for si, ti in items:
            t = self.samples[si]["tasks"][ti]
            seqs.append(t["prompt"] + t["answer"])
            answer_lens.append(len(t["answer"]))
            grounding.append(t["task"] != "report_generation")
        s = max(len(q) for q in seqs)
        ids = torch.full((len(seqs), s), self.im_end, dtype=torch.long)
        target_mask = torch.zeros((len(seqs), s), dtype=torch.bool)
        for i, q in enumerate(seqs):
            ids[i, : len(q)] = torch.tensor(q)
            target_mask[i, len(q) - answer_lens[i] : len(q)] = True
        weights = None if coord_weight == 1.0 else answer_weights(ids, target_mask, grounding, self.digit_ids, coord_weight)
        return ids, target_mask, [si for si, _ in items], weights

    def thw(self, images) -> torch.Tensor:
        return torch.tensor([[1, self.samples[i]["height"] // PATCH, self.samples[i]["width"] // PATCH] for i in images])

    def pixel_values(self, images) -> tuple[torch.Tensor, torch.Tensor]:
        """The engine's pixel_values [patches, 1536] and grid of these images."""
        return torch.from_numpy(np.concatenate([patchify(self.grey(i)) for i in images])), self.thw(images)

    def vision_batch(self, images):
        """Folded grey patches [patches, 256], grid, finding_map targets (flat over the images' tokens) and
        each image's token count, for the vision stage."""
        pv = torch.from_numpy(np.concatenate([grey_patches(LEVELS, self.grey(i)) for i in images]))
        rows = self.token_index(images)
        return pv, self.thw(images), self.cells[rows], self.cell_boxes[rows], [self.tokens[i] for i in images]


def forward_loss(config, w, text, data, ids, target_mask, v, thw, focal_gamma: float = 0.0, weights=None):
    """Answer-token loss given the vision output `v` (image_features [tokens, H], deepstack list)."""
    mask = ids == config.image_token_id
    embeds = text.embed(data.compact[ids]).clone()
    embeds[mask] = v["image_features"]
    pos, _ = rope_index(config, ids, thw)
    x = decoder_hidden(text, embeds, pos, mask, v["deepstack"])
    # Position p predicts token p+1: hidden states just before each answer token.
    pred_mask = torch.zeros_like(target_mask)
    pred_mask[:, :-1] = target_mask[:, 1:]
    h = rms_norm(x[pred_mask], w(TEXT + "norm.weight"), text.c.rms_norm_eps)
    used_logits = F.linear(h, w(LM_HEAD))
    # The unused rows are zero: their logits are 0, and together they add log(count) to the partition.
    unused = config.text.vocab_size - used_logits.shape[1]
    logits = torch.cat([used_logits, torch.full((h.shape[0], 1), math.log(unused))], dim=1)
    if not focal_gamma and weights is None:
        return F.cross_entropy(logits, data.compact[ids[target_mask]])
    nll = F.cross_entropy(logits, data.compact[ids[target_mask]], reduction="none")
    if focal_gamma:
        # Focal loss: tokens the model already predicts well (the report templates) weigh little, the ones
        # that depend on the image (is the finding there, where) weigh most.
        nll = (1 - torch.exp(-nll)) ** focal_gamma * nll
    return nll.mean() if weights is None else (weights * nll).sum() / weights.sum()


def full_params(params: dict[str, torch.Tensor], data: Data, vocab: int) -> dict[str, torch.Tensor]:
    out = {k: p.detach() for k, p in params.items()}
    table = torch.zeros(vocab, out[EMBED].shape[1])
    table[data.used] = out[EMBED]
    out[EMBED] = table
    return out


def save_checkpoint(out: Path, raw_config: dict, params: dict[str, torch.Tensor], meta: dict) -> None:
    ck = out / "checkpoint"
    tmp = out / "checkpoint.tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "config.json").write_text(json.dumps(raw_config, indent=2) + "\n")
    (tmp / "preprocessor_config.json").write_text(json.dumps(PREPROCESSOR, indent=2) + "\n")
    (tmp / "generation_config.json").write_text(json.dumps(GENERATION, indent=2) + "\n")
    tensors = {k: p.numpy().astype(np.float32) for k, p in sorted(params.items())}
    safetensors_io.write(tmp / "model.safetensors", tensors, {"format": "pt", **{k: str(v) for k, v in meta.items()}})
    if ck.exists():
        for f in ck.iterdir():
            f.unlink()
        ck.rmdir()
    tmp.rename(ck)


def lr_at(step: int, total: int, peak: float, warmup: int, floor: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * p))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--vision-steps", type=int, default=3000, help="stage 1: vision tower and finding-map heads")
    ap.add_argument("--vision-batch", type=int, default=16)
    ap.add_argument("--vision-lr", type=float, default=1e-3)
    ap.add_argument("--vision-weights", type=float, nargs=3, default=(1.0, 1.0, 1.0), metavar=("TOKEN", "IMAGE", "BOX"),
                    help="vision-stage loss weights: token presence, image presence, box")
    ap.add_argument("--coord-weight", type=float, default=1.0, help="loss weight of grounding answers' digit tokens")
    ap.add_argument("--bucket", type=int, default=0, help="batch examples of similar length within windows of this many")
    ap.add_argument("--steps", type=int, default=2000, help="stage 2: decoder steps (vision frozen)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--lr-floor", type=float, default=5e-5)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--holdout", type=int, default=300, help="last images of the set: never trained on, probed")
    ap.add_argument("--rope-theta", type=float, default=10000.0, help="text M-RoPE theta (head_dim 16)")
    ap.add_argument("--probe-every", type=int, default=500)
    ap.add_argument("--init-from", type=Path, help="start from this checkpoint's weights (fresh optimiser)")
    ap.add_argument("--focal-gamma", type=float, default=0.0, help="focal loss exponent (0: cross-entropy)")
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--report-weight", type=float, default=1.5, help="report examples per image (>= 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--save-minutes", type=float, default=10.0)
    ap.add_argument("--deadline", help="HH:MM UTC: save and stop if the clock passes it")
    ap.add_argument("--stop-after", type=int, help="save and stop after this step (the schedule still spans --steps)")
    ap.add_argument("--grad-clip", type=float, default=1.0)
    a = ap.parse_args(argv)

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    a.out.mkdir(parents=True, exist_ok=True)
    log = open(a.out / "train.log", "a")
    started = time.time()

    def say(msg: str) -> None:
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    raw = demo_config(a.hidden)
    raw["text_config"]["rope_parameters"]["rope_theta"] = a.rope_theta
    vocab = raw["text_config"]["vocab_size"]
    data = Data(a.data, a.report_weight, vocab, a.holdout)
    config, params, w, vision, text = build(raw, seed=a.seed)
    with torch.no_grad():
        if a.init_from:
            start = safetensors_io.read_all(a.init_from / "model.safetensors")
            for k, p in params.items():
                p.copy_(torch.from_numpy(start[k]))
        params[EMBED] = params[EMBED][data.used].clone().requires_grad_()
    say(f"start: {json.dumps(vars(a), default=str)}")
    say(f"{len(data.samples)} images ({a.holdout} held out); examples per epoch ~{len(data.examples)}")
    say(f"params {sum(p.numel() for p in params.values())}; vocabulary rows trained: {len(data.used)} of {vocab}")

    # Stage 1: the vision tower learns the findings (vision_stage.py), then is frozen.
    vision_path = a.out / "vision.pt"
    visual = [k for k in params if k.startswith("model.visual.")]
    if vision_path.exists():
        saved = torch.load(vision_path)
        with torch.no_grad():
            for k in visual:
                params[k].copy_(saved[k])
        say(f"vision tower from {vision_path}")
    elif a.vision_steps:
        train_tokens = int(data.token_start[data.train_images])
        stage = VisionStage(params, vision, a.hidden, data.cells[:train_tokens], a.seed, tuple(a.vision_weights))
        held = np.arange(data.train_images, len(data.samples))
        probe_batches = []
        for j in range(0, len(held), 50):
            pv, thw, _, _, counts = data.vision_batch(held[j : j + 50])
            probe_batches.append((pv, thw, counts))
        truth = np.stack([data.cells[data.token_index([i])].amax(0).numpy() > 0 for i in held])
        truth_boxes = data.cell_boxes[data.token_start[held]].numpy() / BOX_SCALE + 0.5
        stage.train(
            a.vision_steps, data.vision_batch, np.arange(data.train_images), (probe_batches, truth, truth_boxes), AUX_LABELS,
            a.vision_lr, a.vision_batch, a.seed, say, a.log_every, a.probe_every,
        )
        stage.finish()
        torch.save({k: params[k].detach().clone() for k in visual}, vision_path)
        say(f"vision stage done in {(time.time() - started) / 60:.1f} min")
    for k in visual:
        params[k].requires_grad_(False)
    t_enc = time.time()
    features, deepstack = encode_all(vision, len(data.samples), data.pixel_values)
    say(f"encoded {len(data.samples)} images with the frozen tower in {time.time() - t_enc:.0f} s")

    def vision_out(images: list[int], order=None) -> dict:
        idx = data.token_index(images if order is None else [images[i] for i in order])
        return {"image_features": features[idx], "deepstack": [d[idx] for d in deepstack]}

    # Stage 2: the decoder learns the reports and grounding answers from the frozen features.
    trained = [p for k, p in params.items() if k not in visual]
    opt = torch.optim.AdamW(trained, lr=a.lr, betas=(0.9, 0.98), weight_decay=a.weight_decay)
    step, epoch, pos = 0, 0, 0
    state_path = a.out / "state.pt"
    if state_path.exists():
        st = torch.load(state_path)
        with torch.no_grad():
            for k, p in params.items():
                p.copy_(st["params"][k])
        opt.load_state_dict(st["opt"])
        step, epoch, pos = st["step"], st["epoch"], st["pos"]
        torch.set_rng_state(st["torch_rng"])
        say(f"resumed from {state_path} at step {step} (epoch {epoch}, position {pos})")
    probe_items = data.epoch_order(np.random.default_rng([a.seed, 10_000]))[:32]
    p_ids, p_mask, p_images, _ = data.batch(probe_items)
    shuffled = np.random.default_rng(a.seed).permutation(len(probe_items))

    def image_use() -> str:
        thw = data.thw(p_images)
        with torch.no_grad():
            true = float(forward_loss(config, w, text, data, p_ids, p_mask, vision_out(p_images), thw))
            shuf = float(forward_loss(config, w, text, data, p_ids, p_mask, vision_out(p_images, shuffled), thw))
        return f"probe loss true images {true:.4f} / shuffled {shuf:.4f} (gap {shuf - true:+.4f})"

    order = data.epoch_order(np.random.default_rng([a.seed, epoch]), a.batch, a.bucket)
    deadline = None
    if a.deadline:
        hh, mm = map(int, a.deadline.split(":"))
        deadline = dt.datetime.now(dt.timezone.utc).replace(hour=hh, minute=mm, second=0, microsecond=0)

    def save(reason: str) -> None:
        torch.save(
            {
                "params": {k: p.detach().clone() for k, p in params.items()},
                "opt": opt.state_dict(),
                "step": step,
                "epoch": epoch,
                "pos": pos,
                "torch_rng": torch.get_rng_state(),
                "args": vars(a),
            },
            str(state_path) + ".tmp",
        )
        Path(str(state_path) + ".tmp").rename(state_path)
        save_checkpoint(a.out, raw, full_params(params, data, vocab), {"step": step, "seed": a.seed, "data": str(a.data)})
        say(f"saved step {step} ({reason}) to {a.out / 'checkpoint'}; {(time.time() - started) / 60:.1f} min since start")

    last_save = time.time()
    t0 = time.time()
    window: list[float] = []
    while step < a.steps:
        if pos + a.batch > len(order):
            epoch, pos = epoch + 1, 0
            order = data.epoch_order(np.random.default_rng([a.seed, epoch]), a.batch, a.bucket)
            say(f"epoch {epoch}")
        items = order[pos : pos + a.batch]
        pos += a.batch
        lr = lr_at(step, a.steps, a.lr, a.warmup, a.lr_floor)
        for g in opt.param_groups:
            g["lr"] = lr
        ids, tmask, images, cw = data.batch(items, a.coord_weight)
        opt.zero_grad(set_to_none=True)
        loss = forward_loss(config, w, text, data, ids, tmask, vision_out(images), data.thw(images), a.focal_gamma, cw)
        loss.backward()
        if a.grad_clip:
            torch.nn.utils.clip_grad_norm_(trained, a.grad_clip)
        opt.step()
        step += 1
        window.append(float(loss))
        if step % a.log_every == 0 or step == a.steps:
            el = time.time() - t0
            say(
                f"step {step:5d}  loss {np.mean(window):.4f}  lr {lr:.2e}  epoch {epoch}  "
                f"{el / max(1, len(window)):.3f}s/step  {dt.datetime.now(dt.timezone.utc):%H:%M:%S}"
            )
            window, t0 = [], time.time()
        if step % a.probe_every == 0:
            say(f"step {step:5d}  {image_use()}")
        if time.time() - last_save > a.save_minutes * 60:
            save("periodic")
            last_save = time.time()
        if a.stop_after and step >= a.stop_after:
            save(f"--stop-after {a.stop_after}")
            return 0
        if deadline and dt.datetime.now(dt.timezone.utc) >= deadline:
            save(f"deadline {a.deadline} reached before step {a.steps}")
            return 0
    save("end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
