"""The vision stage's training targets and its folded patch embedding."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import finding_map as fm
import train
from make_dataset import ABSENT_LABELS, cell_coverage
from vision_stage import fold_patch_embedding, grey_patches, unfold_patch_embedding


def cells(*on: int, value: float = 0.2) -> list[float]:
    out = [0.0] * 64
    for i in on:
        out[i] = value
    return out


def test_cell_coverage_is_the_share_of_each_cell():
    mask = np.zeros((256, 256), np.float32)
    mask[0:32, 0:16] = 1  # half of cell 0
    mask[224:256, 224:256] = 1  # all of cell 63
    cov = cell_coverage(mask, 8, 8)
    assert cov[0] == 0.5 and cov[63] == 1.0 and sum(cov) == 1.5


def test_token_grid_is_the_apps_resize():
    # The values smart-resize.ts gives at 65,536 pixels (factor 32): square films 8 x 8, the NEMA film (and any
    # copy of it over the budget, such as the 288 px training copy) 8 x 7. A copy that rounds to the budget or
    # under it is stretched to 8 x 8, which the app never gives the model.
    assert fm.token_grid(256, 256) == (8, 8) and fm.token_grid(440, 440) == (8, 8) and fm.token_grid(288, 288) == (8, 8)
    assert fm.token_grid(1024, 964) == (8, 7) and fm.token_grid(512, 482) == (8, 7) and fm.token_grid(288, 271) == (8, 7)
    assert fm.token_grid(256, 241) == (8, 8) and fm.token_grid(272, 256) == (8, 8)
    assert fm.token_grid(100, 300) == (5, 14)  # under the budget: scaled up (ceil), 70 tokens


def test_targets_follow_a_grid_of_seven_columns():
    cov = [0.0] * 56
    cov[3 * 7 + 6] = 0.5  # row 3, last column
    f = {"label": "right pleural effusion", "box_xyxy": [0.80, 0.30, 0.99, 0.55], "cells": cov}
    present, _ = fm.finding_targets([f], ABSENT_LABELS, 8, 7)
    k = ABSENT_LABELS.index("right pleural effusion")
    assert present.shape == (56, len(ABSENT_LABELS))
    # the covered cell and the box centre's cell (x 0.895 -> column 6, y 0.425 -> row 3): the same token
    assert list(np.flatnonzero(present[:, k])) == [27]
    with pytest.raises(ValueError, match="8 x 8"):
        fm.finding_targets([f], ABSENT_LABELS, 8, 8)


def test_targets_keep_covered_cells_near_the_box_and_its_centre():
    # Covered cells 0 (far from the box) and 27, 28 (in it); the box centre is in cell 36.
    f = {"label": "cardiomegaly", "box_xyxy": [0.4, 0.4, 0.6, 0.6], "cells": cells(0, 27, 28)}
    present, boxes = fm.finding_targets([f], ABSENT_LABELS, 8, 8)
    k = ABSENT_LABELS.index("cardiomegaly")
    assert sorted(np.flatnonzero(present[:, k])) == [27, 28, 36]
    assert present[:, [i for i in range(len(ABSENT_LABELS)) if i != k]].sum() == 0
    # Every positive cell carries the whole box in image coordinates, centred and scaled.
    for cell in (27, 28, 36):
        np.testing.assert_allclose(boxes[cell, k], fm.BOX_SCALE * np.array([-0.1, -0.1, 0.1, 0.1]), atol=1e-6)


def test_small_finding_without_coverage_still_marks_its_centre_cell():
    f = {"label": "nodule", "box_xyxy": [0.70, 0.30, 0.74, 0.34], "cells": cells()}
    present, _ = fm.finding_targets([f], ABSENT_LABELS, 8, 8)
    assert list(np.flatnonzero(present[:, ABSENT_LABELS.index("nodule")])) == [2 * 8 + 5]


def test_folded_patch_embedding_is_the_same_function():
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, size=(64, 96), dtype=np.uint8)
    full = torch.randn(8, 3, 2, 16, 16)
    pixel_values = torch.from_numpy(train.patchify(grey))
    folded = fold_patch_embedding(full)
    patches = torch.from_numpy(grey_patches(train.LEVELS, grey))
    expected = F.linear(pixel_values, full.reshape(8, -1))
    torch.testing.assert_close(F.linear(patches, folded), expected, rtol=1e-4, atol=1e-4)
    unfolded = unfold_patch_embedding(folded, tuple(full.shape))
    torch.testing.assert_close(F.linear(pixel_values, unfolded.reshape(8, -1)), expected, rtol=1e-4, atol=1e-4)
