"""Synthetic findings: boxes where the pixels changed, sides, augmentation geometry, determinism."""

import numpy as np
import pytest

import synth_findings as sf

SIDE = 256


@pytest.fixture(scope="module")
def bases():
    return {n: sf.load_base(n, SIDE) for n in sf.base_names()}


SPECS = [
    {"type": "cardiomegaly"},
    {"type": "pleural_effusion", "side": "left"},
    {"type": "pleural_effusion", "side": "right"},
    {"type": "pneumothorax", "side": "left"},
    {"type": "pneumothorax", "side": "right"},
    {"type": "consolidation"},
    {"type": "nodule"},
    {"type": "support_device", "device": "ett"},
    {"type": "support_device", "device": "ng"},
    {"type": "support_device", "device": "cvc"},
]


def test_every_base_image_has_landmarks_and_plausible_anatomy(bases):
    assert len(bases) >= 4
    for b in bases.values():
        lm = b.landmarks
        h, w = b.image.shape
        # Patient's right lung on the image's left, heart between the lungs, carina below the top.
        assert lm.right_lung[:, 0].mean() < w / 2 < lm.left_lung[:, 0].mean()
        assert lm.right_lung[:, 0].min() < lm.heart[0] < lm.heart[2] < lm.left_lung[:, 0].max()
        assert 0.1 * h < lm.carina[1] < 0.5 * h
        assert 250 < lm.mm_per_px * max(h, w) < 450, "field of view 25 - 45 cm"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_finding_changes_pixels_inside_its_box(bases, spec):
    for i, b in enumerate(bases.values()):
        img, (f,) = sf.apply_spec(b, [spec], np.random.default_rng(i))
        h, w = img.shape
        x, y, bw, bh = f.box
        assert 0 <= x and 0 <= y and x + bw <= w + 1e-6 and y + bh <= h + 1e-6 and bw > 1 and bh > 1
        delta = np.abs(img - b.image)
        assert delta.max() > 0.05, "finding not visible"
        # Most of the change lies in the box (grown by 15 % of its size for soft edges).
        gx, gy = 0.15 * bw + 2, 0.15 * bh + 2
        inside = np.zeros_like(delta, dtype=bool)
        inside[int(max(y - gy, 0)) : int(y + bh + gy) + 1, int(max(x - gx, 0)) : int(x + bw + gx) + 1] = True
        share = delta[inside].sum() / delta.sum()
        limit = 0.6 if spec["type"] == "cardiomegaly" else 0.85  # the warp also shifts the lung beside it
        assert share > limit, f"{b.name}: only {share:.2f} of the change inside the box"
        if f.side is not None and spec["type"] in sf.SIDED:
            cx = x + bw / 2
            assert (cx < w / 2) == (f.side == "right"), "patient right is the image's left"
        if spec["type"] == "cardiomegaly":
            assert bw > (b.landmarks.heart[2] - b.landmarks.heart[0]) * 1.2


def test_normal_is_unaltered(bases):
    b = bases["barre_chest"]
    img, findings = sf.apply_spec(b, [], np.random.default_rng(0))
    assert findings == []
    np.testing.assert_array_equal(img, np.clip(b.image, 0, 1))


def test_same_seed_same_image_and_boxes(bases):
    b = bases["nema_rg1"]
    spec = [{"type": "consolidation"}, {"type": "support_device"}]
    a1, f1 = sf.apply_spec(b, spec, np.random.default_rng(7))
    a2, f2 = sf.apply_spec(b, spec, np.random.default_rng(7))
    a3, _ = sf.apply_spec(b, spec, np.random.default_rng(8))
    np.testing.assert_array_equal(a1, a2)
    assert [f.to_json() for f in f1] == [f.to_json() for f in f2]
    assert not np.array_equal(a1, a3)


def test_sample_spec_is_consistent():
    rng = np.random.default_rng(0)
    normals = 0
    for _ in range(500):
        spec = sf.sample_spec(rng, 0.25)
        normals += not spec
        sided = [(s["type"], s["side"]) for s in spec if s["type"] in sf.SIDED]
        assert len(set(sided)) == len(sided)
        sides_eff = {s for t, s in sided if t == "pleural_effusion"}
        sides_ptx = {s for t, s in sided if t == "pneumothorax"}
        assert not sides_eff & sides_ptx, "no effusion and pneumothorax on the same side"
    assert 80 < normals < 170


def test_augment_without_strength_only_resizes(bases):
    b = bases["barre_chest"]
    img, fs = sf.apply_spec(b, [{"type": "nodule"}], np.random.default_rng(1))
    out, new, params = sf.augment(img, fs, np.random.default_rng(1), out_max_side=128, strength=0.0)
    assert out.shape == (128, 128) and not params["flip"]
    s = 128 / SIDE
    np.testing.assert_allclose(new[0].box, [v * s for v in fs[0].box], atol=1e-6)


def test_flip_mirrors_boxes_and_swaps_sides(bases):
    b = bases["nih_00027426"]
    img, fs = sf.apply_spec(
        b,
        [{"type": "pleural_effusion", "side": "left"}, {"type": "support_device", "device": "cvc"}],
        np.random.default_rng(3),
    )
    out, new, params = sf.augment(img, fs, np.random.default_rng(3), out_max_side=SIDE, flip_prob=1.0)
    assert params["flip"]
    eff = next(f for f in new if f.type == "pleural_effusion")
    assert eff.side == "right" and eff.label == "right pleural effusion"
    assert eff.box[0] + eff.box[2] / 2 < SIDE / 2
    assert next(f for f in new if f.type == "support_device").details["side"] == "left"


def test_augmented_box_still_covers_the_finding(bases):
    b = bases["barre_chest"]
    for seed in range(5):
        rng = np.random.default_rng(seed)
        img, fs = sf.apply_spec(b, [{"type": "nodule"}], rng)
        base_out, _, _ = sf.augment(b.image, [], np.random.default_rng(seed + 100), out_max_side=SIDE)
        rng_a = np.random.default_rng(seed + 100)
        out, new, params = sf.augment(img, fs, rng_a, out_max_side=SIDE)
        # Same augmentation on the unaltered image: the difference is the nodule alone.
        diff = np.abs(out - base_out)
        ys, xs = np.unravel_index(np.argmax(diff), diff.shape)
        x, y, w, h = new[0].box
        assert x - 1 <= xs <= x + w + 1 and y - 1 <= ys <= y + h + 1, (params, new[0].box, (xs, ys))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_mask_marks_the_drawn_pixels_and_follows_a_flip(bases, spec):
    b = bases["nih_00027426"]
    img, (f,) = sf.apply_spec(b, [spec], np.random.default_rng(3))
    changed = np.abs(img - np.clip(b.image, 0, 1)) > sf.MASK_CHANGE
    assert f.mask is not None and f.mask.any()
    np.testing.assert_array_equal(f.mask > 0, changed)
    out, (g,), params = sf.augment(img, [f], np.random.default_rng(0), out_max_side=128, flip_prob=1.0, strength=1.0)
    assert params["flip"]
    assert g.mask.shape == out.shape and g.mask.max() > 0
    # The flipped mask's weight sits on the flipped box's side of the image.
    cols = g.mask.sum(0)
    centre = (cols * np.arange(len(cols))).sum() / cols.sum()
    bx, _, bw, _ = g.box
    assert bx - 0.25 * bw - 4 <= centre <= bx + 1.25 * bw + 4
