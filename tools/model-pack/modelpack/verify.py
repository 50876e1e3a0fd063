"""Final check of an export: the graphs, run in onnxruntime-node, against the PyTorch reference.

Each variant is compared with the reference computing with that variant's own weights (fp16-rounded or
4-bit dequantised, see emulated_weight): what remains is the graph's arithmetic, so a wrong graph shows
up as an O(1) error while a correct one stays at rounding level. The error of each variant against the
float32 reference (what quantisation costs) is measured too and recorded, not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .checkpoint import Checkpoint
from .errors import ExportError
from .onnx_graphs import GRAPHS, graph_file
from .onnx_runner import run_pipeline
from .reference import Qwen3VLReference


class VerificationError(ExportError):
    pass


# Relative error allowed against the reference with the variant's own weights. fp32/fp16 differ from
# it only in summation order (onnxruntime's CPU kernels run fp16 MatMuls in float32). q4's MatMulNBits
# with accuracy_level 4 also rounds activations to int8 per block, about 0.4% per matmul, compounding
# over the layers: measured 1% on the tiny model, 5% on the random-weight 2B, 8% on the 8B shapes.
# A wrong graph gives O(1) errors, so the bound can leave room for trained weights' activation outliers.
TOLERANCE = {"fp32": 1e-3, "fp16": 1e-3, "q4": 0.25}
# two images of different shapes and aspect ratios, as (frames, rows, cols) of merged tokens
SYNTHETIC_MERGED_GRIDS = [[1, 3, 4], [1, 2, 1]]
GREEDY_STEPS = 3


def relative_error(actual, expected) -> float:
    a, b = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    keep = np.isfinite(b)  # golden scores carry -inf where generation forbade a token
    return float(np.linalg.norm((a - b)[keep]) / max(np.linalg.norm(b[keep]), 1e-30))


def synthetic_prompt(checkpoint: Checkpoint, seed: int = 0) -> dict:
    """A chat prompt with two images of random pixels, in the processor's layout."""
    c = checkpoint.config
    m = c.vision.spatial_merge_size
    rng = np.random.default_rng(seed)
    grids = np.array(SYNTHETIC_MERGED_GRIDS, np.int64) * np.array([1, m, m])
    patches = int(np.prod(grids, axis=1).sum())
    pixel_values = rng.standard_normal((patches, c.vision.patch_dim)).astype(np.float32)
    text = [151644, 872, 198]  # <|im_start|>user\n
    for t, h, w in grids:
        text += [c.vision_start_token_id] + [c.image_token_id] * int(t * h * w // m**2) + [c.vision_end_token_id]
    text += [60424, 264, 11900, 2449, 1895, 369, 419, 41771, 1599, 78404, 13, 151645, 198, 151644, 77091, 198]
    ids = np.array([text], np.int64) % c.text.vocab_size
    return {"input_ids": ids, "pixel_values": pixel_values, "image_grid_thw": grids}


@dataclass
class Comparison:
    """Relative errors of one variant's ONNX outputs, per output and the largest."""

    vs_variant_weights: dict[str, float]
    vs_float32: dict[str, float]
    greedy_ids_match: bool
    runtime: dict

    def as_dict(self) -> dict:
        return {
            "max_relative_error_vs_reference_with_variant_weights": max(self.vs_variant_weights.values()),
            "max_relative_error_vs_float32_reference": max(self.vs_float32.values()),
            "relative_error_vs_reference_with_variant_weights": self.vs_variant_weights,
            "relative_error_vs_float32_reference": self.vs_float32,
            "greedy_ids_match_variant_reference": self.greedy_ids_match,
        }

    def runtime_line(self) -> str:
        t = self.runtime["seconds"]
        return (
            f"onnxruntime-node peak memory {self.runtime['max_rss_bytes'] / 2**30:.2f} GiB, load {t['load']:.1f}s, "
            f"vision {t.get('vision', 0):.1f}s, prefill {t['prefill']:.1f}s, "
            f"{self.runtime['decode_steps']} decode steps {t['decode']:.1f}s"
        )


def reference_outputs(checkpoint: Checkpoint, precision: str, prompt: dict, chunks, steps: int) -> dict:
    ref = Qwen3VLReference(checkpoint, precision)
    inputs = ref.prompt_inputs(
        torch.from_numpy(prompt["input_ids"]),
        torch.from_numpy(prompt["pixel_values"]),
        torch.from_numpy(prompt["image_grid_thw"]),
    )
    state = ref.prefill(inputs)
    ids, step_logits = ref.greedy(inputs, steps, state)
    return {
        "inputs": inputs,
        "image_features": inputs["vision"]["image_features"].numpy(),
        "deepstack_features": torch.stack(inputs["vision"]["deepstack"]).numpy(),
        "chunk_logits": np.stack([state.logits[0, b - 1].numpy() for _, b in chunks]),
        "step_logits": np.stack(step_logits),
        "greedy_ids": ids,
    }


def verify_variant(
    checkpoint: Checkpoint, onnx_dir: Path, precision: str, float32_reference: dict, prompt: dict, chunks, threads: int
) -> Comparison:
    own = (
        float32_reference
        if precision == "fp32"
        else reference_outputs(checkpoint, precision, prompt, chunks, GREEDY_STEPS)
    )
    inputs = float32_reference["inputs"]
    got = run_pipeline(
        {g: onnx_dir / graph_file(g, precision) for g in GRAPHS},
        prompt["input_ids"],
        inputs["position_ids"].numpy(),
        int(inputs["rope_deltas"][0, 0]),
        checkpoint.config.image_token_id,
        prompt["pixel_values"],
        prompt["image_grid_thw"],
        chunks,
        GREEDY_STEPS,
        threads,
    )
    # decode steps are comparable only while both sides chose the same tokens
    same = 0
    while same < GREEDY_STEPS and got["greedy_ids"][same] == own["greedy_ids"][same]:
        same += 1
    compared = min(same + 1, GREEDY_STEPS)

    def errors(expected: dict) -> dict[str, float]:
        out = {k: relative_error(got[k], expected[k]) for k in ("image_features", "deepstack_features", "chunk_logits")}
        out["step_logits"] = relative_error(got["step_logits"][:compared], expected["step_logits"][:compared])
        return out

    return Comparison(errors(own), errors(float32_reference), same == GREEDY_STEPS, got["stats"])


def verify_pack(checkpoint: Checkpoint, onnx_dir: Path, precisions: list[str], threads: int, log) -> dict:
    prompt = synthetic_prompt(checkpoint)
    seq = prompt["input_ids"].shape[1]
    chunks = [(0, seq // 3), (seq // 3, seq)]  # the split falls inside the first image: chunked DeepStack
    log("verify: PyTorch reference on a synthetic two-image prompt")
    float32_reference = reference_outputs(checkpoint, "fp32", prompt, chunks, GREEDY_STEPS)
    results = {}
    for precision in precisions:
        log(f"verify: {precision} graphs in onnxruntime-node")
        result = verify_variant(checkpoint, onnx_dir, precision, float32_reference, prompt, chunks, threads)
        detail = ", ".join(f"{k} {v:.2e}" for k, v in result.vs_variant_weights.items())
        worst = max(result.vs_variant_weights.values())
        if not worst <= TOLERANCE[precision]:
            raise VerificationError(
                f"{precision} graphs differ from the reference: relative error {worst:.3g} > "
                f"{TOLERANCE[precision]:g} ({detail})"
            )
        results[precision] = result.as_dict() | {"tolerance": TOLERANCE[precision]}
        log(
            f"verify: {precision} ok, relative errors {detail} "
            f"(vs float32 reference: worst {max(result.vs_float32.values()):.2e}); {result.runtime_line()}"
        )
    return results
