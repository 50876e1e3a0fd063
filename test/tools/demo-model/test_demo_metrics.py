"""Metrics against hand-computed values."""

import itertools

import numpy as np
import pytest

import metrics as m


def test_iou_hand_cases():
    assert m.iou([0, 0, 2, 2], [1, 1, 3, 3]) == pytest.approx(1 / 7)
    assert m.iou([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    assert m.iou([0, 0, 1, 1], [1, 0, 2, 1]) == 0.0  # touching edges
    assert m.iou([0, 0, 4, 4], [1, 1, 3, 3]) == pytest.approx(4 / 16)


def test_hungarian_hand_case():
    cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    # Optimum: (0,1)=1, (1,0)=2, (2,2)=2 -> 5.
    assert m.hungarian(cost) == [(0, 1), (1, 0), (2, 2)]


def test_hungarian_rectangular_and_random_against_brute_force():
    rng = np.random.default_rng(0)
    for shape in [(1, 3), (3, 1), (2, 4), (4, 2), (3, 3), (5, 5), (4, 6)]:
        for _ in range(20):
            c = rng.integers(0, 20, size=shape).astype(float)
            pairs = m.hungarian(c)
            assert len(pairs) == min(shape)
            assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == min(shape)
            got = sum(c[i, j] for i, j in pairs)
            n, k = shape
            if n <= k:
                best = min(sum(c[i, p[i]] for i in range(n)) for p in itertools.permutations(range(k), n))
            else:
                best = min(sum(c[p[j], j] for j in range(k)) for p in itertools.permutations(range(n), k))
            assert got == pytest.approx(best)


def test_grounding_reward_hand_cases():
    gt = [[0, 0, 2, 2], [10, 10, 12, 12]]
    assert m.grounding_reward([], []) == 1.0
    assert m.grounding_reward([[0, 0, 1, 1]], []) == 0.0
    assert m.grounding_reward([], gt) == 0.0
    assert m.grounding_reward(gt[::-1], gt) == pytest.approx(1.0)  # order does not matter
    # One exact box, one miss: P = 1/1... here pred = [exact], so P = 1, R = 1/2, F1 = 2/3.
    assert m.grounding_reward([[0, 0, 2, 2]], gt) == pytest.approx(2 / 3)
    # Pred [1,1,3,3] overlaps gt[0] with IoU 1/7; plus an exact gt[1]: sum 8/7, P = R = 4/7.
    assert m.grounding_reward([[1, 1, 3, 3], [10, 10, 12, 12]], gt) == pytest.approx(4 / 7)
    # Hungarian, not greedy: the greedy best pair would take p0-g0 (0.5), leaving p1-g1 at 0.
    g = [[0, 0, 4, 2], [0, 0, 2, 2]]
    p = [[0, 0, 2, 2], [2, 0, 4, 2]]
    # p0-g1 = 1, p1-g0 = 0.5 -> sum 1.5 / 2 -> 0.75; greedy p0-g0 (0.5) + p1-g1 (0) = 0.25.
    assert m.grounding_reward(p, g) == pytest.approx(0.75)


def test_average_precision_hand_case():
    gts = [[[0, 0, 1, 1]], [[0, 0, 1, 1], [2, 2, 3, 3]]]
    preds = [
        [([0, 0, 1, 1], 0.9)],  # TP
        [([0, 0, 1, 1], 0.8), ([5, 5, 6, 6], 0.7), ([0, 0, 1, 1], 0.6)],  # TP, FP, FP (duplicate)
    ]
    # Ranked: TP (P 1, R 1/3), TP (P 1, R 2/3), FP, FP -> AP = 2/3.
    assert m.average_precision(preds, gts) == pytest.approx(2 / 3)
    # A wrong box ranked first: FP, TP (P 1/2, R 1/2) -> AP = 1/2 * 1/2.
    assert m.average_precision([[([5, 5, 6, 6], 0.9), ([0, 0, 1, 1], 0.1)]], [[[0, 0, 1, 1], [2, 2, 3, 3]]]) == pytest.approx(0.25)
    assert m.average_precision([[]], [[]]) is None
    assert m.average_precision([[]], [[[0, 0, 1, 1]]]) == 0.0
    # IoU below 0.5 is a miss: [0,0,2,2] vs [0,0,1,1] = 0.25.
    assert m.average_precision([[[0, 0, 2, 2]]], [[[0, 0, 1, 1]]]) == 0.0


def test_grounding_map_and_mean_iou():
    gts = [{"nodule": [[0, 0, 2, 2]]}, {"nodule": [[0, 0, 2, 2]], "cardiomegaly": [[0, 0, 4, 4]]}]
    preds = [{"nodule": [[0, 0, 2, 2]]}, {"cardiomegaly": [[1, 1, 3, 3]]}]
    r = m.grounding_map(preds, gts)
    assert r["ap50"] == {"cardiomegaly": 0.0, "nodule": pytest.approx(0.5)}
    assert r["map50"] == pytest.approx(0.25)
    assert r["mean_iou"]["nodule"] == pytest.approx(0.5)  # 1 and 0 (missed)
    assert r["mean_iou"]["cardiomegaly"] == pytest.approx(0.25)
    # Rewards over (image, type): 1, 0 (nodule missed), 2*0.25*0.25/0.5 = 0.25 -> mean 5/12.
    assert r["reward"] == pytest.approx((1 + 0 + 0.25) / 3)


def test_label_prf_hand_case():
    truth = [{"nodule"}, set(), {"left pleural effusion", "cardiomegaly"}, set()]
    pred = [{"nodule"}, {"cardiomegaly"}, {"right pleural effusion", "cardiomegaly"}, set()]
    r = m.label_prf(pred, truth)
    # TP: nodule, cardiomegaly (2); FP: cardiomegaly in 2, right effusion (2); FN: left effusion (1).
    assert (r["micro"]["tp"], r["micro"]["fp"], r["micro"]["fn"]) == (2, 2, 1)
    assert r["micro"]["precision"] == pytest.approx(0.5)
    assert r["micro"]["recall"] == pytest.approx(2 / 3)
    assert r["micro"]["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert r["per_label"]["cardiomegaly"]["precision"] == pytest.approx(0.5)
    assert r["normal_clean"] == pytest.approx(0.5)
