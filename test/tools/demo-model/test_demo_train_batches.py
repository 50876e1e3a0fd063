"""The decoder stage's batch order (length buckets) and answer-token weights (grounding coordinates)."""

import numpy as np
import torch

from train import answer_weights, length_buckets


def padded(lengths: list[int], order: list[int], batch: int) -> int:
    """Tokens computed when each batch pads to its longest sequence."""
    return sum(max(lengths[k] for k in order[i : i + batch]) * batch for i in range(0, len(order), batch))


def test_length_buckets_form_whole_batches_of_similar_length_within_windows():
    lengths = np.random.default_rng(0).integers(86, 151, size=1000).tolist()
    order = length_buckets(lengths, 8, 64, np.random.default_rng(1))
    assert len(order) == len(set(order)) and len(order) % 8 == 0
    batches = [order[i : i + 8] for i in range(0, len(order), 8)]
    for b in batches:
        assert len({k // 64 for k in b}) == 1  # one window
        assert [lengths[k] for k in b] == sorted(lengths[k] for k in b)
    # batches are shuffled across windows, not left in window order
    assert [b[0] // 64 for b in batches] != sorted(b[0] // 64 for b in batches)
    plain = list(range(len(order)))
    assert padded(lengths, order, 8) < 0.9 * padded(lengths, plain, 8)
    assert order == length_buckets(lengths, 8, 64, np.random.default_rng(1))
    assert order != length_buckets(lengths, 8, 64, np.random.default_rng(2))


def test_length_buckets_drop_a_windows_partial_batch():
    order = length_buckets(list(range(70)), 8, 64, np.random.default_rng(0))
    # 64 = 8 whole batches; the last window holds 6 examples, less than a batch
    assert sorted(order) == list(range(64))


def test_answer_weights_weigh_grounding_digits_only():
    digits = torch.arange(15, 25)
    # two sequences: prompt tokens 100 and 15 (a digit in the prompt), then the answer
    ids = torch.tensor([[100, 15, 7, 19, 13, 22, 8], [100, 15, 7, 18, 9, 1, 1]])
    mask = torch.zeros_like(ids, dtype=torch.bool)
    mask[0, 2:] = True
    mask[1, 2:5] = True
    w = answer_weights(ids, mask, [True, False], digits, 3.0)
    # grounding answer 7, 19, 13, 22, 8: the digits 19 and 22 weigh 3; the report's digit 18 weighs 1
    assert w.tolist() == [1.0, 3.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0]
