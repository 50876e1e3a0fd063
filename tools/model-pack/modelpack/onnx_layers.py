"""Building blocks shared by the three graphs, in each weight precision.

Precision only changes how weights are stored and multiplied: fp16 stores linear/embedding weights in
float16 and runs those MatMuls in float16 (inputs cast down, outputs cast back); q4 replaces linear
layers with 4-bit MatMulNBits. Norms, softmax, rotary and the residual stream stay float32 in every
variant, as in the reference (transformers upcasts RMSNorm and softmax too), so all variants share one
float32 interface.
"""

from __future__ import annotations

import math

import numpy as np

from .checkpoint import Checkpoint
from .onnx_builder import F16, F32, MS_DOMAIN, GraphBuilder
from .quantize import dequantize_q4, quantize_q4
from .safetensors_io import to_float32

PRECISIONS = ("fp32", "fp16", "q4")
Q4_BLOCK = 32
# accuracy_level 4: activations quantised to int8 inside MatMulNBits (about 2.5x faster on x86 CPUs).
Q4_ACCURACY_LEVEL = 4
_CHUNK_BYTES = 256 << 20


class Layers:
    def __init__(self, g: GraphBuilder, checkpoint: Checkpoint, precision: str):
        if precision not in PRECISIONS:
            raise ValueError(precision)
        self.g, self.ckpt, self.precision = g, checkpoint, precision

    # ---- weights ------------------------------------------------------------------------------------
    def f32(self, name: str) -> str:
        """A small float32 weight (norm scales, biases)."""
        return self.g.weight(name, self.ckpt.float32(name))

    def _transposed(self, name: str, dtype):
        """W^T [K, N] in `dtype`, streamed: ONNX MatMul wants the torch Linear weight transposed."""
        raw, src = _matrix(self.ckpt, name), self.ckpt.dtype(name)
        step = max(1, _CHUNK_BYTES // (4 * raw.shape[0]))
        for c in range(0, raw.shape[1], step):
            yield np.ascontiguousarray(to_float32(raw[:, c : c + step], src).T, dtype=dtype)

    # ---- layers -------------------------------------------------------------------------------------
    def linear(self, x: str, prefix: str, bias: bool, quantise: bool = True) -> str:
        """x @ W^T (+ b) for the torch Linear weight `prefix.weight` ([N, K], any trailing dims flattened)."""
        g, name = self.g, prefix + "weight"
        n, k = _matrix(self.ckpt, name).shape
        if self.precision == "q4" and quantise:
            y = self._matmul_q4(x, name, n, k)
        elif self.precision == "fp16":
            w = g.weight_stream(name + "_T_fp16", np.float16, (k, n), self._transposed(name, np.float16))
            y = g.op("Cast", [g.op("MatMul", [g.op("Cast", [x], to=F16), w])], to=F32)
        else:
            w = g.weight_stream(name + "_T", np.float32, (k, n), self._transposed(name, np.float32))
            y = g.op("MatMul", [x, w])
        return g.op("Add", [y, self.f32(prefix + "bias")]) if bias else y

    def _q4_weights(self, name: str, packed_shape: tuple[int, ...], per_row: bool) -> tuple[str, str, str]:
        """Packed 4-bit data, scales and zero points of weight `name`, streamed row block by row block;
        scales and zero points are flat ([N * blocks]) or, with per_row, [N, ...]."""
        scales, zero_points = [], []

        def packed_chunks():
            for packed, s, z in quantized_rows(self.ckpt, name):
                scales.append(s)
                zero_points.append(z)
                yield packed

        g, n = self.g, packed_shape[0]
        data = g.weight_stream(name + "_Q4", np.uint8, packed_shape, packed_chunks())
        shape = (n, -1) if per_row else (-1,)
        return (
            data,
            g.weight(name + "_scales", np.concatenate(scales).reshape(shape)),
            g.weight(name + "_zero_points", np.concatenate(zero_points).reshape(shape)),
        )

    def _matmul_q4(self, x: str, name: str, n: int, k: int) -> str:
        b, s, z = self._q4_weights(name, (n, -(-k // Q4_BLOCK), Q4_BLOCK // 2), per_row=False)
        return self.g.op(
            "MatMulNBits",
            [x, b, s, z],
            domain=MS_DOMAIN,
            K=k,
            N=n,
            bits=4,
            block_size=Q4_BLOCK,
            accuracy_level=Q4_ACCURACY_LEVEL,
        )

    def embedding(self, ids: str, name: str) -> str:
        """Rows of the table `name` for int64 ids. fp16 stores the table in float16; q4 in the MatMulNBits
        4-bit layout, read by GatherBlockQuantized (float16 if rows do not split into whole blocks)."""
        g = self.g
        shape = self.ckpt.raw(name).shape
        if q4_table(self.precision, shape):
            data, s, z = self._q4_weights(name, (shape[0], shape[1] // 2), per_row=True)
            return g.op(
                "GatherBlockQuantized",
                [data, ids, s, z],
                domain=MS_DOMAIN,
                gather_axis=0,
                quantize_axis=1,
                block_size=Q4_BLOCK,
                bits=4,
            )
        if self.precision == "fp32":
            table = g.weight_stream(name, np.float32, shape, float32_rows(self.ckpt, name))
            return g.op("Gather", [table, ids])
        table = g.weight_stream(
            name + "_fp16", np.float16, shape, (r.astype(np.float16) for r in float32_rows(self.ckpt, name))
        )
        return g.op("Cast", [g.op("Gather", [table, ids])], to=F32)

    def layer_norm(self, x: str, prefix: str, eps: float = 1e-6) -> str:
        return self.g.op(
            "LayerNormalization", [x, self.f32(prefix + "weight"), self.f32(prefix + "bias")], axis=-1, epsilon=eps
        )

    def rms_norm(self, x: str, weight: str, eps: float) -> str:
        g = self.g
        var = g.op("ReduceMean", [g.op("Mul", [x, x])], axes=[-1], keepdims=1)
        inv = g.op("Reciprocal", [g.op("Sqrt", [g.op("Add", [var, g.const(eps, np.float32)])])])
        return g.op("Mul", [self.f32(weight), g.op("Mul", [x, inv])])

    def activation(self, name: str, x: str) -> str:
        g = self.g
        if name == "silu":
            return g.op("Mul", [x, g.op("Sigmoid", [x])])
        if name == "gelu_pytorch_tanh":
            cube = g.op("Mul", [g.op("Mul", [x, x]), x])
            inner = g.op("Add", [x, g.op("Mul", [cube, g.const(0.044715, np.float32)])])
            t = g.op("Tanh", [g.op("Mul", [inner, g.const(math.sqrt(2 / math.pi), np.float32)])])
        else:  # exact (erf) GELU
            t = g.op("Erf", [g.op("Mul", [x, g.const(1 / math.sqrt(2), np.float32)])])
        half_x = g.op("Mul", [x, g.const(0.5, np.float32)])
        return g.op("Mul", [half_x, g.op("Add", [t, g.const(1.0, np.float32)])])

    def rotary(self, x: str, cos: str, sin: str, dim: int) -> str:
        """x * cos + rotate_half(x) * sin over the last axis of size `dim`."""
        g = self.g
        x1, x2 = g.op("Split", [x, g.const([dim // 2, dim // 2])], outputs=2, axis=-1)
        rotated = g.op("Concat", [g.op("Neg", [x2]), x1], axis=-1)
        return g.op("Add", [g.op("Mul", [x, cos]), g.op("Mul", [rotated, sin])])


def q4_table(precision: str, shape: tuple[int, ...]) -> bool:
    return precision == "q4" and shape[1] % Q4_BLOCK == 0


def _matrix(ckpt: Checkpoint, name: str) -> np.ndarray:
    raw = ckpt.raw(name)
    return raw.reshape(raw.shape[0], -1)


def float32_rows(ckpt: Checkpoint, name: str):
    """float32 row blocks of a weight (as [N, K]), read from the mapped checkpoint a chunk at a time,
    so that a 151936 x 4096 table never exists in float32 all at once."""
    raw, dtype = _matrix(ckpt, name), ckpt.dtype(name)
    step = max(1, _CHUNK_BYTES // (4 * raw.shape[1]))
    for r in range(0, raw.shape[0], step):
        yield to_float32(raw[r : r + step], dtype)


def quantized_rows(ckpt: Checkpoint, name: str):
    """(packed, scales, zero points) of successive row blocks, see quantize_q4."""
    for rows in float32_rows(ckpt, name):
        yield quantize_q4(rows, Q4_BLOCK)


def emulated_weight(
    ckpt: Checkpoint, name: str, precision: str, as_lm_head: bool = False, q4_cache: dict | None = None
) -> np.ndarray:
    """The values a variant's graph multiplies with for checkpoint tensor `name`, mirroring the choices
    in Layers: fp16 rounds every linear and embedding weight (returned as float16, which holds them
    exactly); q4 quantises linear weights, lm_head and the embedding table (returned dequantised,
    float32) but keeps the patch convolution in float32; norms, biases and the position-embedding table
    are the checkpoint's values everywhere."""
    raw = ckpt.raw(name)
    if precision == "fp32" or raw.ndim < 2 or name.endswith("pos_embed.weight"):
        return ckpt.float32(name)
    table = name.endswith("embed_tokens.weight") and not as_lm_head
    if precision == "fp16" or (table and not q4_table(precision, raw.shape)):
        return (
            raw
            if ckpt.dtype(name) == "F16"
            else np.concatenate([r.astype(np.float16) for r in float32_rows(ckpt, name)])
        )
    if raw.ndim > 2:
        return ckpt.float32(name)
    # packed 4-bit weights take a quarter of float16's memory; a tied table and head share them
    packed = q4_cache.get(name) if q4_cache is not None else None
    if packed is None:
        packed = tuple(np.concatenate(parts) for parts in zip(*quantized_rows(ckpt, name)))
        if q4_cache is not None:
            q4_cache[name] = packed
    return dequantize_q4(*packed, raw.shape[1])
