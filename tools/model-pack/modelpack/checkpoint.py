"""A Hugging Face Qwen3-VL checkpoint folder: config, tensor names and shapes, lazy tensor access."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .config import ModelConfig, parse_config
from .errors import ExportError
from .safetensors_io import SafetensorsError, SafetensorsFile, to_float32

VISION = "model.visual."
TEXT = "model.language_model."
LM_HEAD = "lm_head.weight"


def expected_tensors(c: ModelConfig) -> dict[str, tuple[int, ...]]:
    """Every tensor the forward pass reads, with its shape, under the transformers >= 4.57 names."""
    v, t = c.vision, c.text
    d, merged = v.hidden_size, v.hidden_size * v.spatial_merge_size**2
    shapes: dict[str, tuple[int, ...]] = {
        VISION + "patch_embed.proj.weight": (d, v.in_channels, v.temporal_patch_size, v.patch_size, v.patch_size),
        VISION + "patch_embed.proj.bias": (d,),
        VISION + "pos_embed.weight": (v.num_position_embeddings, d),
    }
    for i in range(v.depth):
        p = f"{VISION}blocks.{i}."
        shapes.update(
            {
                p + "norm1.weight": (d,),
                p + "norm1.bias": (d,),
                p + "norm2.weight": (d,),
                p + "norm2.bias": (d,),
                p + "attn.qkv.weight": (3 * d, d),
                p + "attn.qkv.bias": (3 * d,),
                p + "attn.proj.weight": (d, d),
                p + "attn.proj.bias": (d,),
                p + "mlp.linear_fc1.weight": (v.intermediate_size, d),
                p + "mlp.linear_fc1.bias": (v.intermediate_size,),
                p + "mlp.linear_fc2.weight": (d, v.intermediate_size),
                p + "mlp.linear_fc2.bias": (d,),
            }
        )
    mergers = [(f"{VISION}merger.", d)] + [
        (f"{VISION}deepstack_merger_list.{j}.", merged) for j in range(c.num_deepstack)
    ]
    for p, norm_dim in mergers:
        shapes.update(
            {
                p + "norm.weight": (norm_dim,),
                p + "norm.bias": (norm_dim,),
                p + "linear_fc1.weight": (merged, merged),
                p + "linear_fc1.bias": (merged,),
                p + "linear_fc2.weight": (v.out_hidden_size, merged),
                p + "linear_fc2.bias": (v.out_hidden_size,),
            }
        )
    h, hd = t.hidden_size, t.head_dim
    q_out, kv_out = t.num_attention_heads * hd, t.num_key_value_heads * hd
    shapes[TEXT + "embed_tokens.weight"] = (t.vocab_size, h)
    for i in range(t.num_hidden_layers):
        p = f"{TEXT}layers.{i}."
        shapes.update(
            {
                p + "input_layernorm.weight": (h,),
                p + "post_attention_layernorm.weight": (h,),
                p + "self_attn.q_proj.weight": (q_out, h),
                p + "self_attn.k_proj.weight": (kv_out, h),
                p + "self_attn.v_proj.weight": (kv_out, h),
                p + "self_attn.o_proj.weight": (h, q_out),
                p + "self_attn.q_norm.weight": (hd,),
                p + "self_attn.k_norm.weight": (hd,),
                p + "mlp.gate_proj.weight": (t.intermediate_size, h),
                p + "mlp.up_proj.weight": (t.intermediate_size, h),
                p + "mlp.down_proj.weight": (h, t.intermediate_size),
            }
        )
        if t.attention_bias:
            shapes.update(
                {
                    p + "self_attn.q_proj.bias": (q_out,),
                    p + "self_attn.k_proj.bias": (kv_out,),
                    p + "self_attn.v_proj.bias": (kv_out,),
                    p + "self_attn.o_proj.bias": (h,),
                }
            )
    shapes[TEXT + "norm.weight"] = (h,)
    if not c.tie_word_embeddings:
        shapes[LM_HEAD] = (t.vocab_size, h)
    return shapes


def _canonical_name(name: str) -> str:
    """Map the pre-4.57 layout (`visual.*`, `model.layers.*`) onto the current one."""
    if name.startswith("visual."):
        return "model." + name
    if name.startswith("model.") and not name.startswith((VISION, TEXT)):
        return TEXT + name[len("model.") :]
    return name


class Checkpoint:
    """config.json + *.safetensors of one checkpoint folder, checked against the expected tensors."""

    def __init__(self, directory: str | Path, rope_dtype: str = "checkpoint"):
        self.dir = Path(directory)
        if not self.dir.is_dir():
            raise ExportError(f"checkpoint folder {self.dir} does not exist")
        config_path = self.dir / "config.json"
        if not config_path.is_file():
            raise ExportError(f"{self.dir} has no config.json")
        try:
            raw = json.loads(config_path.read_text())
        except json.JSONDecodeError as e:
            raise ExportError(f"{config_path} is not valid JSON ({e})") from None
        self.config = parse_config(raw, rope_dtype)
        self.files = sorted(self.dir.glob("*.safetensors"))
        if not self.files:
            raise ExportError(f"{self.dir} has no *.safetensors weights")
        self._where: dict[str, tuple[SafetensorsFile, str]] = {}
        for path in self.files:
            try:
                st = SafetensorsFile(path)
            except SafetensorsError as e:
                raise ExportError(str(e)) from None
            for name in st.tensors:
                self._where[_canonical_name(name)] = (st, name)
        self.expected = expected_tensors(self.config)
        self._check_tensors()

    def _check_tensors(self) -> None:
        missing = [n for n in self.expected if n not in self._where]
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            raise ExportError(f"checkpoint lacks {len(missing)} tensor(s): {', '.join(missing[:3])}{more}")
        for name, shape in self.expected.items():
            st, stored = self._where[name]
            found = st.tensors[stored].shape
            if found != shape:
                raise ExportError(f"tensor {name} has shape {list(found)}, config.json implies {list(shape)}")

    def dtype(self, name: str) -> str:
        st, stored = self._where[name]
        return st.tensors[stored].dtype

    def raw(self, name: str) -> np.ndarray:
        """Stored dtype (bfloat16 as uint16), memory-mapped: nothing is copied until used."""
        st, stored = self._where[name]
        return st.raw(stored)

    def float32(self, name: str) -> np.ndarray:
        return to_float32(self.raw(name), self.dtype(name))

    def sha256(self) -> str:
        """One hash for the checkpoint: sha256 over `name  sha256(file)` lines of config.json and the weights."""
        lines = [f"{p.name}  {file_sha256(p)}" for p in [self.dir / "config.json", *self.files]]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            h.update(chunk)
    return h.hexdigest()
