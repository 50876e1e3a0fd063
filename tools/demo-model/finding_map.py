"""Training-only targets for the vision tower: which finding covers each merged image token, and where its box is.

At 256 x 256 the demo model's vision tower gives 8 x 8 merged tokens (32-pixel cells). A cell is positive for a
finding where drawing the finding changed its pixels (make_dataset.py's `cells` coverage above COVERAGE) and the
cell touches the finding's box widened by half a cell (cardiomegaly's warp also moves the lung beside the heart;
that is not the finding), and always at the box's centre (small boxes). Each positive cell also carries the
finding's box in image coordinates. Absolute, not relative to the cell: the decoder reads a token's feature
(attention values carry no rotary position), so to write the coordinates it must find them in the feature.
"""

from __future__ import annotations

import numpy as np

GRID = 8
COVERAGE = 0.01
BOX_SCALE = 4.0  # (box - 0.5) x this: about unit size for the regression loss


def cell_centres() -> tuple[np.ndarray, np.ndarray]:
    c = (np.arange(GRID) + 0.5) / GRID
    cy, cx = np.meshgrid(c, c, indexing="ij")
    return cy.reshape(-1), cx.reshape(-1)


def finding_targets(findings: list[dict], labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """[GRID^2, labels] 0/1 presence and [GRID^2, labels, 4] scaled boxes (valid where presence is 1)."""
    cy, cx = cell_centres()
    half = 0.5 / GRID
    present = np.zeros((GRID * GRID, len(labels)), np.float32)
    boxes = np.zeros((GRID * GRID, len(labels), 4), np.float32)
    for f in findings:
        k = labels.index(f["label"])
        x1, y1, x2, y2 = f["box_xyxy"]
        touches = (cx + half >= x1 - half) & (cx - half <= x2 + half) & (cy + half >= y1 - half) & (cy - half <= y2 + half)
        cells = np.asarray(f["cells"]) > COVERAGE if "cells" in f else (cx >= x1) & (cx <= x2) & (cy >= y1) & (cy <= y2)
        on = cells & touches
        on[int(min(GRID - 1, (y1 + y2) / 2 * GRID)) * GRID + int(min(GRID - 1, (x1 + x2) / 2 * GRID))] = True
        present[on, k] = 1.0
        boxes[:, k] = BOX_SCALE * (np.array([x1, y1, x2, y2], np.float32) - 0.5)
    return present, boxes
