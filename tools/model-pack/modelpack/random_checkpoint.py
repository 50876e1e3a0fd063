"""A reproducible random-weight checkpoint of real Qwen3-VL shapes, in the Hugging Face layout.

Used by `export.py --random-init --shape 2b|8b` for size and speed work: the weights are generated a
chunk at a time straight into a float16 safetensors file (an 8B model never sits in memory), each
tensor from its own seed, so the same command always gives the same bytes.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np

from .checkpoint import expected_tensors
from .config import parse_config, preset_config
from .safetensors_io import write_stream

_CHUNK_VALUES = 32 << 20


def _values(name: str, shape: tuple[int, ...], seed: int):
    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
    total = int(np.prod(shape, dtype=np.int64))
    is_norm_scale = len(shape) == 1 and "norm" in name and name.endswith("weight")
    for start in range(0, total, _CHUNK_VALUES):
        n = min(_CHUNK_VALUES, total - start)
        if is_norm_scale:
            yield np.ones(n, np.float16)
        else:  # the usual initializer_range of Qwen3-VL
            yield (rng.standard_normal(n, dtype=np.float32) * 0.02).astype(np.float16)


def write_random_checkpoint(shape: str, out: Path, seed: int = 0) -> None:
    raw = preset_config(shape)
    config = parse_config(raw)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(raw, indent=2) + "\n")
    entries = [(name, "F16", dims, _values(name, dims, seed)) for name, dims in expected_tensors(config).items()]
    write_stream(out / "model.safetensors", entries, {"format": "pt", "random_init": f"{shape} seed {seed}"})
