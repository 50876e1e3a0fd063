"""The vision stage and the decoder stage's cached vision outputs take films of different token grids."""

import numpy as np
import torch

import train
from measure_step import build, demo_config
from vision_stage import VisionStage, balanced_box_loss, encode_all, grey_patches


def films() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    # a square film (8 x 8 merged tokens) and the NEMA film's shape (8 x 7), as the app resizes them
    return [rng.integers(0, 256, size=(256, 256), dtype=np.uint8), rng.integers(0, 256, size=(256, 224), dtype=np.uint8)]


def pixel_values(images):
    grey = films()
    pv = torch.from_numpy(np.concatenate([train.patchify(grey[i]) for i in images]))
    thw = torch.tensor([[1, grey[i].shape[0] // 16, grey[i].shape[1] // 16] for i in images])
    return pv, thw


def test_encode_all_is_flat_over_ragged_grids():
    _, params, _, vision, _ = build(demo_config(64), seed=0)
    features, deepstack = encode_all(vision, 2, pixel_values, chunk=1)
    assert features.shape == (64 + 56, 64) and deepstack.shape == (3, 120, 64)
    alone = vision(*pixel_values([1]))
    torch.testing.assert_close(features[64:], alone["image_features"])
    torch.testing.assert_close(deepstack[:, 64:], torch.stack(alone["deepstack"]))


def test_vision_stage_loss_takes_images_with_different_token_counts():
    _, params, _, vision, _ = build(demo_config(64), seed=0)
    labels = 3
    present = torch.zeros(120, labels)
    present[10, 0] = 1.0  # first film: label 0 on one token; second film: label 2 on one token
    present[64 + 5, 2] = 1.0
    stage = VisionStage(params, vision, 64, present, seed=0)
    grey = films()
    patches = torch.from_numpy(np.concatenate([grey_patches(train.LEVELS, g) for g in grey]))
    thw = torch.tensor([[1, 16, 16], [1, 16, 14]])
    loss, parts = stage.loss(patches, thw, present, torch.ones(120, labels, 4), [64, 56])
    loss.backward()
    assert torch.isfinite(loss) and parts["box"] > 0
    assert stage.folded.grad is not None and stage.folded.grad.abs().sum() > 0
    scores, boxes = stage.image_scores([(patches, thw, [64, 56])])
    assert scores.shape == (2, labels) and boxes.shape == (2, labels, 4)


def test_box_loss_weighs_each_label_equally_whatever_its_token_count():
    def loss(big_tokens: int) -> float:
        box, target = torch.zeros(30, 2, 4), torch.zeros(30, 2, 4)
        on = torch.zeros(30, 2, dtype=torch.bool)
        on[0, 0] = True  # label 0 (a nodule): one token, its box 0.5 off on every side
        box[0, 0] = 0.5
        on[1 : 1 + big_tokens, 1] = True  # label 1 (an enlarged heart): exact on all its tokens
        return float(balanced_box_loss(box, target, on))

    # smooth L1 at 0.5 with beta 0.1 is 0.45; the mean over two labels halves it, whatever label 1's count
    assert abs(loss(20) - 0.225) < 1e-6 and abs(loss(5) - 0.225) < 1e-6


def test_vision_loss_weights_scale_each_part():
    _, params, _, vision, _ = build(demo_config(64), seed=0)
    present = torch.zeros(64, 2)
    present[10, 0] = 1.0
    patches = torch.from_numpy(grey_patches(train.LEVELS, films()[0]))
    thw = torch.tensor([[1, 16, 16]])
    boxes = torch.ones(64, 2, 4)

    def total(weights):
        stage = VisionStage(params, vision, 64, present, seed=0, weights=weights)
        loss, parts = stage.loss(patches, thw, present, boxes, [64])
        stage.restore_w()
        return float(loss), parts

    plain, parts = total((1.0, 1.0, 1.0))
    weighted, _ = total((1.0, 3.0, 2.0))
    assert abs(plain - (parts["token"] + parts["image"] + parts["box"])) < 1e-5
    assert abs(weighted - (parts["token"] + 3 * parts["image"] + 2 * parts["box"])) < 1e-5
