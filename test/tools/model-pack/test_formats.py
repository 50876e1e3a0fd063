"""The hand-written safetensors reader/writer and the MatMulNBits 4-bit layout."""

from __future__ import annotations

import numpy as np

from modelpack import safetensors_io
from modelpack.quantize import dequantize_q4, quantize_q4


def test_safetensors_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    tensors = {
        "a.f32": rng.standard_normal((3, 5)).astype(np.float32),
        "b.f16": np.arange(7, dtype=np.float16),
        "c.i64": np.array([[1, -2]], np.int64),
        "d.empty": np.zeros((0, 4), np.float32),
    }
    path = tmp_path / "t.safetensors"
    safetensors_io.write(path, tensors, {"format": "pt"})
    f = safetensors_io.SafetensorsFile(path)
    assert f.metadata == {"format": "pt"}
    for name, array in tensors.items():
        np.testing.assert_array_equal(f.raw(name), array)
        assert f.raw(name).dtype == array.dtype


def test_bfloat16_is_widened_exactly(tmp_path):
    values = np.array([1.0, -2.5, 3.140625, 1e-3, 65504.0, 3e38], np.float32)
    bf16 = (values.view(np.uint32) >> 16).astype(np.uint16)  # truncation: these values are exact in bf16 or close
    path = tmp_path / "b.safetensors"
    safetensors_io.write_stream(path, [("x", "BF16", (2, 3), [bf16[:4], bf16[4:]])])
    widened = safetensors_io.SafetensorsFile(path).float32("x")
    np.testing.assert_array_equal(widened.reshape(-1), (bf16.astype(np.uint32) << 16).view(np.float32))
    assert widened.shape == (2, 3)


def test_q4_layout_low_nibble_first():
    # one row, one block of 32: values 0..15 twice; min 0, max 15 -> scale 1, zero point 0
    w = np.tile(np.arange(16, dtype=np.float32), 2)[None, :]
    packed, scales, zero_points = quantize_q4(w, 32)
    assert packed.shape == (1, 1, 16) and packed.dtype == np.uint8
    assert packed[0, 0, 0] == 0x10 and packed[0, 0, 1] == 0x32  # (0, 1) and (2, 3), low nibble first
    np.testing.assert_array_equal(scales, [1.0])
    np.testing.assert_array_equal(zero_points, [0])


def test_q4_round_trip_error_and_ragged_k():
    rng = np.random.default_rng(1)
    w = rng.standard_normal((8, 70)).astype(np.float32)  # 70 = 2 blocks of 32 + a padded block
    packed, scales, zero_points = quantize_q4(w, 32)
    assert packed.shape == (8, 3, 16) and scales.shape == (24,) and zero_points.shape == (8 * 2,)
    back = dequantize_q4(packed, scales, zero_points, 70)
    step = np.repeat(scales.reshape(8, 3), 32, axis=1)[:, :70]
    error = np.abs(back - w)
    # half a step from rounding; at a block's edge the rounded zero point may add up to another half
    assert np.all(error <= step + 1e-6)
    assert np.mean(error <= step * 0.5 + 1e-6) > 0.95
