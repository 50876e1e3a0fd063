"""Block-wise 4-bit weight quantisation in the layout of onnxruntime's com.microsoft MatMulNBits.

For a weight W [N, K] (torch Linear layout, N outputs), each row is cut into blocks of `block`
values along K (the last block zero-padded). Per block: asymmetric min/max range that always contains
0, scale = (max - min) / 15, zero point = round(-min / scale), q = clip(round(w / scale) + zp, 0, 15).
Dequantised value: (q - zp) * scale.

Layout: B uint8 [N, n_blocks, block / 2] with two values per byte, low nibble first; scales float32
[N * n_blocks]; zero points uint8 [N * ceil(n_blocks / 2)], packed the same way per row.
"""

from __future__ import annotations

import numpy as np


def quantize_q4(w: np.ndarray, block: int = 32) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, k = w.shape
    n_blocks = -(-k // block)
    padded = np.zeros((n, n_blocks * block), np.float32)
    padded[:, :k] = w
    blocks = padded.reshape(n, n_blocks, block)
    lo = np.minimum(blocks.min(-1), 0.0)
    hi = np.maximum(blocks.max(-1), 0.0)
    scale = (hi - lo) / 15.0
    scale[scale == 0] = 1.0  # an all-zero block: any scale reproduces it exactly
    zp = np.clip(np.rint(-lo / scale), 0, 15)
    q = np.clip(np.rint(blocks / scale[..., None]) + zp[..., None], 0, 15).astype(np.uint8)
    packed = q[..., 0::2] | (q[..., 1::2] << 4)
    zp = zp.astype(np.uint8)
    if n_blocks % 2:
        zp = np.concatenate([zp, np.zeros((n, 1), np.uint8)], axis=1)
    zp_packed = zp[:, 0::2] | (zp[:, 1::2] << 4)
    return packed, scale.astype(np.float32).reshape(-1), zp_packed.reshape(-1)


def dequantize_q4(packed: np.ndarray, scales: np.ndarray, zp_packed: np.ndarray, k: int) -> np.ndarray:
    """Inverse of quantize_q4 (for tests and error estimates)."""
    n, n_blocks, half = packed.shape
    w = np.empty((n, n_blocks, half * 2), np.float32)  # worked in place: an 8B lm_head is 2.5 GB in float32
    w[..., 0::2], w[..., 1::2] = packed & 0x0F, packed >> 4
    zp_bytes = zp_packed.reshape(n, -1)
    zp = np.empty((n, zp_bytes.shape[1] * 2), np.float32)
    zp[:, 0::2], zp[:, 1::2] = zp_bytes & 0x0F, zp_bytes >> 4
    w -= zp[:, :n_blocks, None]
    w *= scales.reshape(n, n_blocks)[..., None]
    return w.reshape(n, -1)[:, :k]
