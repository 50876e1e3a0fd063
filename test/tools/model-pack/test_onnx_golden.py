"""The exported graphs, run in onnxruntime-node, against transformers' golden outputs; and the pack files."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import onnx
import pytest
import torch

from conftest import CHECKPOINT
from modelpack.checkpoint import Checkpoint
from modelpack.onnx_graphs import GRAPHS, graph_file
from modelpack.onnx_runner import run_pipeline
from modelpack.reference import Qwen3VLReference
from modelpack.verify import relative_error

# Prompt fed in four chunks through the KV cache, each ending at one of the golden logits positions.
CHUNKS = [(0, 1), (1, 5), (5, 76), (76, 93)]
# fp32: the bound. fp16: the weights are the checkpoint's own float16 values and onnxruntime's
# CPU kernels compute fp16 MatMuls in float32, so fp32's bound holds; 1e-3 leaves room for GPU providers
# that really multiply in half precision. q4 is checked in test_q4_matches_its_own_weights.
TOLERANCE = {"fp32": 1e-4, "fp16": 1e-3}


def run(pack, precision, golden, golden_meta):
    return run_pipeline(
        {g: pack / "onnx" / graph_file(g, precision) for g in GRAPHS},
        np.array([golden_meta["input_ids"]]),
        golden["position_ids"],
        golden_meta["rope_deltas"][0][0],
        151655,
        golden["pixel_values"],
        golden["image_grid_thw"],
        CHUNKS,
        16,
        threads=2,
    )


@pytest.fixture(scope="module")
def outputs(pack, golden, golden_meta) -> dict:
    return {p: run(pack, p, golden, golden_meta) for p in ("fp32", "fp16", "q4")}


@pytest.fixture(scope="module")
def full_cache_pack(tmp_path_factory):
    """The tiny checkpoint exported with contract 1's whole-cache decoder, as packs were before 1.1."""
    import export

    out = tmp_path_factory.mktemp("packs") / "tiny-full-cache"
    args = ["--checkpoint", str(CHECKPOINT), "--out", str(out), "--variants", "fp32", "--kv-cache", "full"]
    assert export.main(args + ["--threads", "2"]) == 0
    return out


def decoder_io(pack, precision="fp32"):
    model = onnx.load(str(pack / "onnx" / graph_file("decoder_model_merged", precision)), load_external_data=False)
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    return {v.name: dims(v) for v in model.graph.input}, {v.name: dims(v) for v in model.graph.output}


@pytest.mark.parametrize("precision", ["fp32", "fp16"])
def test_graphs_reproduce_golden(outputs, golden, golden_meta, precision):
    assert_golden(outputs[precision], TOLERANCE[precision], golden, golden_meta)


def test_whole_cache_decoder_reproduces_golden_and_the_delta_decoder(full_cache_pack, outputs, golden, golden_meta):
    got = run(full_cache_pack, "fp32", golden, golden_meta)
    assert_golden(got, TOLERANCE["fp32"], golden, golden_meta)
    for key in ("chunk_logits", "step_logits"):
        assert relative_error(outputs["fp32"][key], got[key]) <= 1e-6
    manifest = json.loads((full_cache_pack / "manifest.json").read_text())
    assert manifest["contract_version"] == "1" and "kv_cache" not in manifest
    inputs, outs = decoder_io(full_cache_pack)
    assert inputs["past_key_values.0.key"] == ["batch_size", 2, "past_sequence_length", 16]
    assert outs["present.0.key"] == ["batch_size", 2, "total_sequence_length", 16]


def assert_golden(got, tol, golden, golden_meta):
    assert relative_error(got["image_features"], golden["visual_out_pooler_output_0"]) <= tol
    for k in range(3):
        assert relative_error(got["deepstack_features"][k], golden[f"visual_out_deepstack_features_{k}"]) <= tol
    assert relative_error(got["inputs_embeds"], golden["inputs_embeds"]) <= tol
    for i in range(len(CHUNKS)):
        assert relative_error(got["chunk_logits"][i], golden["logits_at_positions"][i]) <= tol
    for i in range(4):
        assert relative_error(got["step_logits"][i], golden["greedy_scores_first4"][i]) <= tol
    assert got["greedy_ids"] == golden_meta["greedy_new_ids"]


def test_q4_matches_its_own_weights(outputs, golden, golden_meta):
    """q4 against the reference computing with the same dequantised 4-bit weights: what is left is
    MatMulNBits' int8 rounding of activations (accuracy_level 4), about 1%. Against the float32 golden
    the error is the cost of 4-bit weights in this random tiny model (about 15%), bounded loosely."""
    got = outputs["q4"]
    ref = Qwen3VLReference(Checkpoint(CHECKPOINT), "q4")
    prompt = ref.prompt_inputs(
        torch.tensor([golden_meta["input_ids"]]),
        torch.from_numpy(golden["pixel_values"]),
        torch.from_numpy(golden["image_grid_thw"]),
    )
    logits = ref.prefill(prompt).logits[0, [b - 1 for _, b in CHUNKS]]
    assert relative_error(got["image_features"], prompt["vision"]["image_features"]) <= 3e-2
    assert relative_error(got["chunk_logits"], logits) <= 3e-2
    assert relative_error(got["chunk_logits"], golden["logits_at_positions"]) <= 0.3


def test_manifest_lists_every_file_with_its_hash(pack):
    manifest = json.loads((pack / "manifest.json").read_text())
    on_disk = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    for name, entry in manifest["files"].items():
        data = (pack / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    for precision, variant in manifest["variants"].items():
        assert set(variant["graphs"]) == set(GRAPHS)
        assert (
            variant["verification"]["max_relative_error_vs_reference_with_variant_weights"]
            <= variant["verification"]["tolerance"]
        )
    assert manifest["contract_version"] == "1.1"
    assert manifest["kv_cache"] == {"layout": "capacity-buffer", "outputs": "delta"}
    for precision in manifest["variants"]:
        inputs, outs = decoder_io(pack, precision)
        assert inputs["past_key_values.0.key"] == ["batch_size", 2, "past_capacity", 16]
        assert outs["present_delta.0.key"] == ["batch_size", 2, "sequence_length", 16]
        assert not any(name.startswith("present.") for name in outs)
    assert manifest["architecture"] == "Qwen3VLForConditionalGeneration"
    assert manifest["deepstack"] is True and manifest["num_deepstack_levels"] == 3
    assert manifest["box_format"] in ("radvlm-fraction-xyxy", "qwen-bbox-2d-1000")
    assert manifest["tasks"]["report_generation"]["prompt"] == "Provide a radiology report for this Chest X-Ray."
    assert manifest["intended_use"] in ("clinical-research", "demo-not-for-clinical-use")
    assert manifest["special_token_ids"]["image_pad"] == 151655
    assert manifest["special_token_ids"]["vision_start"] == 151652
    assert manifest["special_token_ids"]["vision_end"] == 151653
    assert len(manifest["source"]["checkpoint_sha256"]) == 64


def test_preprocessor_config_is_explicit(pack):
    config = json.loads((pack / "preprocessor_config.json").read_text())
    expected = json.loads((CHECKPOINT.parent / "preprocessor_config.json").read_text())
    for key in (
        "do_normalize",
        "resample",
        "do_rescale",
        "rescale_factor",
        "image_mean",
        "image_std",
        "do_convert_rgb",
        "patch_size",
        "temporal_patch_size",
        "merge_size",
        "size",
    ):
        assert config[key] == expected[key], key
    assert (config["min_pixels"], config["max_pixels"]) == (1024, 451584)


def _byte_decoder() -> dict[str, int]:
    """GPT-2 byte-level alphabet: printable bytes map to themselves, the rest to U+0100 onwards."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, extra = {}, 0
    for b in range(256):
        if b in printable:
            chars[chr(b)] = b
        else:
            chars[chr(256 + extra)] = b
            extra += 1
    return chars


def test_tokenizer_ids_match_the_reference_tokenizer(pack, golden_meta):
    tokenizer = json.loads((pack / "tokenizer.json").read_text())
    vocab = {i: t for t, i in tokenizer["model"]["vocab"].items()}
    special = {t["id"]: t["content"] for t in tokenizer["added_tokens"]}
    byte_of = _byte_decoder()
    for case in golden_meta["tokenizer_cases"]:
        pieces = [special[i].encode() if i in special else bytes(byte_of[c] for c in vocab[i]) for i in case["ids"]]
        assert b"".join(pieces).decode() == case["text"]
    assert {special[i] for i in (151652, 151653, 151655)} == {"<|vision_start|>", "<|vision_end|>", "<|image_pad|>"}
    template = json.loads((pack / "tokenizer_config.json").read_text())["chat_template"]
    assert "<|vision_start|><|image_pad|><|vision_end|>" in template
