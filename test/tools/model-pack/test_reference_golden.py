"""The PyTorch reimplementation against transformers 5.17's outputs for the tiny Qwen3-VL."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from conftest import CHECKPOINT
from modelpack.checkpoint import Checkpoint
from modelpack.reference import Qwen3VLReference
from modelpack.verify import relative_error

TOL = 1e-4


@pytest.fixture(scope="module")
def model() -> Qwen3VLReference:
    return Qwen3VLReference(Checkpoint(CHECKPOINT))


@pytest.fixture(scope="module")
def prompt(model, golden, golden_meta) -> dict:
    return model.prompt_inputs(
        torch.tensor([golden_meta["input_ids"]]),
        torch.from_numpy(golden["pixel_values"]),
        torch.from_numpy(golden["image_grid_thw"]),
    )


def test_vision_tower(prompt, golden):
    vision = prompt["vision"]
    assert relative_error(vision["last_hidden_state"], golden["visual_out_last_hidden_state"]) <= TOL
    assert relative_error(vision["image_features"], golden["visual_out_pooler_output_0"]) <= TOL
    for k in range(3):
        assert relative_error(vision["deepstack"][k], golden[f"visual_out_deepstack_features_{k}"]) <= TOL
        assert relative_error(prompt["deepstack"][k], golden[f"deepstack_visual_embeds_{k}"]) <= TOL


def test_decoder_inputs(prompt, golden, golden_meta):
    assert relative_error(prompt["inputs_embeds"], golden["inputs_embeds"]) <= TOL
    np.testing.assert_array_equal(prompt["visual_pos_masks"].numpy(), golden["visual_pos_masks"].astype(bool))
    np.testing.assert_array_equal(prompt["position_ids"].numpy(), golden["position_ids"])
    np.testing.assert_array_equal(prompt["position_ids"].numpy(), golden["rope_position_ids"])
    assert prompt["rope_deltas"].tolist() == golden_meta["rope_deltas"]


def test_prompt_logits(model, prompt, golden, golden_meta):
    logits = model.prefill(prompt).logits[0, golden_meta["logits_positions"]]
    for i in range(len(golden_meta["logits_positions"])):
        assert relative_error(logits[i], golden["logits_at_positions"][i]) <= TOL


def test_greedy_decoding(model, prompt, golden, golden_meta):
    ids, step_logits = model.greedy(prompt, 16)
    assert ids == golden_meta["greedy_new_ids"]
    for i in range(4):
        assert relative_error(step_logits[i], golden["greedy_scores_first4"][i]) <= TOL
    for i, logits in enumerate(step_logits):
        # an untrained model's logits are nearly flat: neighbours in the top 10 may swap on rounding
        expected_ids = golden["greedy_top10_ids"][i]
        assert set(np.argsort(-logits)[:10]) == set(expected_ids)
        assert relative_error(logits[expected_ids], golden["greedy_top10_values"][i]) <= TOL


def test_text_only_prompt(model, golden, golden_meta):
    prompt = model.prompt_inputs(torch.tensor([golden_meta["text_only_input_ids"]]))
    assert relative_error(model.prefill(prompt).logits[0, -1], golden["text_only_logits_last"]) <= TOL
