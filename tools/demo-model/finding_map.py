"""Training-only targets for the vision tower: which finding covers each merged image token, and where its box is.

The demo model sees every image at 65,536 pixels (smart_resize, as the app): a square film gives 8 x 8 merged
tokens (32-pixel cells), the 964 x 1024 NEMA film 8 x 7. `token_grid` is that arithmetic, so that the targets
fall on the tokens the app will give the model. A cell is positive for a finding where drawing the finding
changed its pixels (make_dataset.py's `cells` coverage above COVERAGE) and the cell touches the finding's box
widened by half a cell (cardiomegaly's warp also moves the lung beside the heart; that is not the finding), and
always at the box's centre (small boxes). Each positive cell also carries the finding's box in image
coordinates. Absolute, not relative to the cell: the decoder reads a token's feature (attention values carry
no rotary position), so to write the coordinates it must find them in the feature.
"""

from __future__ import annotations

import math

import numpy as np

PIXELS = 65536  # the demo pack's min_pixels = max_pixels
FACTOR = 32  # patch 16 x merge 2: one merged token per 32 x 32 pixels
COVERAGE = 0.01
BOX_SCALE = 4.0  # (box - 0.5) x this: about unit size for the regression loss


def token_grid(height: int, width: int) -> tuple[int, int]:
    """Rows and columns of merged tokens for an image of this size: Qwen's smart_resize
    (src/main/services/inference/engine/smart-resize.ts) at min_pixels = max_pixels = PIXELS."""
    h, w = round(height / FACTOR) * FACTOR, round(width / FACTOR) * FACTOR
    if h * w > PIXELS:
        beta = math.sqrt(height * width / PIXELS)
        h, w = max(FACTOR, math.floor(height / beta / FACTOR) * FACTOR), max(FACTOR, math.floor(width / beta / FACTOR) * FACTOR)
    elif h * w < PIXELS:
        beta = math.sqrt(PIXELS / (height * width))
        h, w = math.ceil(height * beta / FACTOR) * FACTOR, math.ceil(width * beta / FACTOR) * FACTOR
    return h // FACTOR, w // FACTOR


def cell_centres(rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    cy, cx = np.meshgrid((np.arange(rows) + 0.5) / rows, (np.arange(cols) + 0.5) / cols, indexing="ij")
    return cy.reshape(-1), cx.reshape(-1)


def finding_targets(findings: list[dict], labels: tuple[str, ...], rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """[rows x cols, labels] 0/1 presence and [rows x cols, labels, 4] scaled boxes (valid where presence is 1)."""
    cy, cx = cell_centres(rows, cols)
    hy, hx = 0.5 / rows, 0.5 / cols
    present = np.zeros((rows * cols, len(labels)), np.float32)
    boxes = np.zeros((rows * cols, len(labels), 4), np.float32)
    for f in findings:
        k = labels.index(f["label"])
        x1, y1, x2, y2 = f["box_xyxy"]
        touches = (cx + hx >= x1 - hx) & (cx - hx <= x2 + hx) & (cy + hy >= y1 - hy) & (cy - hy <= y2 + hy)
        cells = np.asarray(f["cells"]) > COVERAGE
        if cells.shape != (rows * cols,):
            raise ValueError(f"finding coverage has {cells.size} cells, the image's token grid {rows} x {cols}")
        on = cells & touches
        on[int(min(rows - 1, (y1 + y2) / 2 * rows)) * cols + int(min(cols - 1, (x1 + x2) / 2 * cols))] = True
        present[on, k] = 1.0
        boxes[:, k] = BOX_SCALE * (np.array([x1, y1, x2, y2], np.float32) - 0.5)
    return present, boxes
