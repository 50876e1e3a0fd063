"""Time one training step (forward + backward + AdamW) of the proposed demo Qwen3-VL on the CPU.

    /usr/bin/python3 tools/demo-model/measure_step.py [--threads 1] [--batch 8] [--hidden 64] [--steps 3]

Uses the repository's PyTorch reimplementation (tools/model-pack/modelpack/reference*.py, unmodified)
with random trainable weights under the checkpoint's tensor names, so whatever trains this way exports
with tools/model-pack/export.py. Two ways of computing the loss are timed:
- "full": TextDecoder.__call__ as is (logits over all positions and the 151,936-token vocabulary);
- "answer-only": the same layers, but the tied lm_head applied only at the answer positions (what a
  training loop needs; the reference's own layer/norm functions, nothing re-implemented).
Prints one JSON line per mode with seconds per step and the parameter counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "model-pack"))
from modelpack.checkpoint import LM_HEAD, TEXT, VISION, expected_tensors  # noqa: E402
from modelpack.config import parse_config  # noqa: E402
from modelpack.reference import rope_index  # noqa: E402
from modelpack.reference_text import TextDecoder, rms_norm  # noqa: E402
from modelpack.reference_vision import VisionTower  # noqa: E402


def demo_config(hidden: int = 64, layers: int = 4, v_depth: int = 4) -> dict:
    heads = hidden // 16
    return {
        "architectures": ["Qwen3VLForConditionalGeneration"],
        "model_type": "qwen3_vl",
        "dtype": "float32",
        "image_token_id": 151655,
        "video_token_id": 151656,
        "vision_start_token_id": 151652,
        "vision_end_token_id": 151653,
        "tie_word_embeddings": True,
        "text_config": {
            "model_type": "qwen3_vl_text",
            "attention_bias": False,
            "head_dim": 16,
            "hidden_act": "silu",
            "hidden_size": hidden,
            "intermediate_size": 3 * hidden,
            "max_position_embeddings": 32768,
            "num_attention_heads": heads,
            "num_hidden_layers": layers,
            "num_key_value_heads": max(1, heads // 2),
            "rms_norm_eps": 1e-6,
            "rope_parameters": {
                "mrope_interleaved": True,
                "mrope_section": [4, 2, 2],
                "rope_theta": 5000000.0,
                "rope_type": "default",
            },
            "tie_word_embeddings": True,
            "vocab_size": 151936,
        },
        "vision_config": {
            "model_type": "qwen3_vl_vision",
            "deepstack_visual_indexes": list(range(max(0, v_depth - 3), v_depth)),
            "depth": v_depth,
            "hidden_act": "gelu_pytorch_tanh",
            "hidden_size": hidden,
            "in_channels": 3,
            "intermediate_size": 3 * hidden,
            "num_heads": heads,
            "num_position_embeddings": 1024,
            "out_hidden_size": hidden,
            "patch_size": 16,
            "rope_parameters": {"rope_theta": 10000.0, "rope_type": "axial"},
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
    }


def build(raw: dict, seed: int = 0):
    config = parse_config(raw)
    g = torch.Generator().manual_seed(seed)
    params: dict[str, torch.Tensor] = {}
    for name, shape in expected_tensors(config).items():
        if name == LM_HEAD and config.tie_word_embeddings:
            continue
        if len(shape) == 1 and "norm" in name and name.endswith("weight"):
            t = torch.ones(shape)
        elif name.endswith("bias"):
            t = torch.zeros(shape)
        else:
            t = torch.randn(shape, generator=g) * 0.02
        params[name] = t.requires_grad_()

    def w(name: str) -> torch.Tensor:
        if name == LM_HEAD and config.tie_word_embeddings:
            name = TEXT + "embed_tokens.weight"
        return params[name]

    vision = VisionTower(config.vision, w, config.rope_dtype, VISION)
    text = TextDecoder(config.text, w, config.rope_dtype, TEXT)
    return config, params, w, vision, text


def batch(config, b: int, side: int, prompt: int, answer: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    grid = side // 16
    n_img = grid * grid // 4
    pixel_values = torch.randn(b * grid * grid, 3 * 2 * 16 * 16, generator=g)
    thw = torch.tensor([[1, grid, grid]] * b)
    text_ids = torch.randint(0, 151643, (b, prompt + answer), generator=g)
    img = torch.full((b, n_img), config.image_token_id)
    ids = torch.cat([torch.full((b, 1), 151652), img, torch.full((b, 1), 151653), text_ids], dim=1)
    return ids, pixel_values, thw, answer


def decoder_hidden(text, embeds, pos, mask, deepstack):
    """The decoder's own layers without the final norm and vocabulary projection, so a training loss
    can project only the positions it needs (the 151,936-wide head dominates the step otherwise)."""
    s = embeds.shape[1]
    allowed = torch.tril(torch.ones(s, s, dtype=torch.bool))[None, None]
    causal = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)
    cos, sin = text.rotary(pos)
    x = embeds
    for i in range(text.c.num_hidden_layers):
        x, _ = text.layer(x, i, cos, sin, causal, None)
        if i < len(deepstack):
            x = x.clone()
            x[mask] += deepstack[i]
    return x


def step(config, w, vision, text, ids, pixel_values, thw, answer: int, answer_only: bool):
    v = vision(pixel_values, thw)
    mask = ids == config.image_token_id
    embeds = text.embed(ids).clone()
    embeds[mask] = v["image_features"]
    pos, _ = rope_index(config, ids, thw)
    b, s = ids.shape
    attn = torch.ones(b, s, dtype=torch.long)
    targets = ids[:, s - answer :]
    if not answer_only:
        logits, _ = text(embeds, pos, attn, None, mask, v["deepstack"])
        return F.cross_entropy(logits[:, s - answer - 1 : s - 1].reshape(-1, logits.shape[-1]), targets.reshape(-1))
    x = decoder_hidden(text, embeds, pos, mask, v["deepstack"])
    x = rms_norm(x[:, s - answer - 1 : s - 1], w(TEXT + "norm.weight"), text.c.rms_norm_eps)
    logits = F.linear(x, w(LM_HEAD))
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--vision-depth", type=int, default=4)
    ap.add_argument("--image-side", type=int, default=256)
    ap.add_argument("--prompt-tokens", type=int, default=16)
    ap.add_argument("--answer-tokens", type=int, default=64)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--modes", default="answer-only,full")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    config, params, w, vision, text = build(demo_config(a.hidden, a.layers, a.vision_depth))
    opt = torch.optim.AdamW(params.values(), lr=1e-3)
    ids, pv, thw, answer = batch(config, a.batch, a.image_side, a.prompt_tokens, a.answer_tokens)
    n_embed = params[TEXT + "embed_tokens.weight"].numel()
    n_total = sum(p.numel() for p in params.values())
    for mode in a.modes.split(","):
        times = []
        for k in range(a.steps + 1):  # the first step warms up
            t = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = step(config, w, vision, text, ids, pv, thw, answer, mode == "answer-only")
            loss.backward()
            opt.step()
            if k:
                times.append(time.perf_counter() - t)
        print(
            json.dumps(
                {
                    "mode": mode,
                    "threads": a.threads,
                    "batch": a.batch,
                    "sequence": ids.shape[1],
                    "image_tokens": int((ids[0] == config.image_token_id).sum()),
                    "hidden": a.hidden,
                    "params_total": n_total,
                    "params_embedding": n_embed,
                    "seconds_per_step": round(sum(times) / len(times), 3),
                    "seconds_per_step_min": round(min(times), 3),
                    "loss": round(float(loss), 3),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
