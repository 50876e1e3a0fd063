"""Qwen3-VL configuration: parsed from a Hugging Face config.json, checked, and the real 2B/8B shapes."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from .errors import ExportError

SUPPORTED_ARCHITECTURE = "Qwen3VLForConditionalGeneration"

_ACTIVATIONS = {"silu", "gelu_pytorch_tanh", "gelu"}


@dataclass(frozen=True)
class VisionConfig:
    depth: int
    hidden_size: int
    intermediate_size: int
    num_heads: int
    in_channels: int
    patch_size: int
    temporal_patch_size: int
    spatial_merge_size: int
    out_hidden_size: int
    num_position_embeddings: int
    deepstack_visual_indexes: tuple[int, ...]
    hidden_act: str
    rope_theta: float

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_heads

    @property
    def patch_dim(self) -> int:
        return self.in_channels * self.temporal_patch_size * self.patch_size**2


@dataclass(frozen=True)
class TextConfig:
    num_hidden_layers: int
    hidden_size: int
    intermediate_size: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    vocab_size: int
    rms_norm_eps: float
    rope_theta: float
    mrope_section: tuple[int, int, int]
    attention_bias: bool
    hidden_act: str


@dataclass(frozen=True)
class ModelConfig:
    vision: VisionConfig
    text: TextConfig
    tie_word_embeddings: bool
    image_token_id: int
    video_token_id: int
    vision_start_token_id: int
    vision_end_token_id: int
    # dtype the rotary inverse frequencies are held in (see rotary_inv_freq)
    rope_dtype: str
    raw: dict

    @property
    def num_deepstack(self) -> int:
        return len(self.vision.deepstack_visual_indexes)


def parse_config(raw: dict, rope_dtype: str = "checkpoint") -> ModelConfig:
    """Check that `raw` (a config.json) describes a Qwen3-VL we can export; raise ExportError otherwise.
    rope_dtype "checkpoint" takes the dtype config.json declares, else float32 (see rotary_inv_freq)."""
    archs = raw.get("architectures") or []
    model_type = raw.get("model_type")
    if SUPPORTED_ARCHITECTURE not in archs and model_type != "qwen3_vl":
        found = ", ".join(archs) or f"model_type {model_type!r}"
        raise ExportError(
            f"unsupported architecture {found}: only {SUPPORTED_ARCHITECTURE} (model_type qwen3_vl) can be exported"
        )
    vision_raw = raw.get("vision_config")
    if not isinstance(vision_raw, dict) or not vision_raw:
        raise ExportError("config.json has no vision_config: this is not a vision-language Qwen3-VL checkpoint")
    text_raw = raw.get("text_config")
    if not isinstance(text_raw, dict) or not text_raw:
        raise ExportError("config.json has no text_config")

    vision = VisionConfig(
        depth=_int(vision_raw, "depth", "vision_config"),
        hidden_size=_int(vision_raw, "hidden_size", "vision_config"),
        intermediate_size=_int(vision_raw, "intermediate_size", "vision_config"),
        num_heads=_int(vision_raw, "num_heads", "vision_config"),
        in_channels=int(vision_raw.get("in_channels", 3)),
        patch_size=_int(vision_raw, "patch_size", "vision_config"),
        temporal_patch_size=_int(vision_raw, "temporal_patch_size", "vision_config"),
        spatial_merge_size=_int(vision_raw, "spatial_merge_size", "vision_config"),
        out_hidden_size=_int(vision_raw, "out_hidden_size", "vision_config"),
        num_position_embeddings=_int(vision_raw, "num_position_embeddings", "vision_config"),
        deepstack_visual_indexes=tuple(int(i) for i in vision_raw.get("deepstack_visual_indexes") or ()),
        hidden_act=str(vision_raw.get("hidden_act", "gelu_pytorch_tanh")),
        rope_theta=float((vision_raw.get("rope_parameters") or {}).get("rope_theta", 10000.0)),
    )
    # transformers >= 5 keeps rope settings in `rope_parameters`; 4.57 used `rope_scaling` + `rope_theta`.
    rope = text_raw.get("rope_parameters") or text_raw.get("rope_scaling") or {}
    num_heads = _int(text_raw, "num_attention_heads", "text_config")
    hidden = _int(text_raw, "hidden_size", "text_config")
    text = TextConfig(
        num_hidden_layers=_int(text_raw, "num_hidden_layers", "text_config"),
        hidden_size=hidden,
        intermediate_size=_int(text_raw, "intermediate_size", "text_config"),
        num_attention_heads=num_heads,
        num_key_value_heads=int(text_raw.get("num_key_value_heads", num_heads)),
        head_dim=int(text_raw.get("head_dim") or hidden // num_heads),
        vocab_size=_int(text_raw, "vocab_size", "text_config"),
        rms_norm_eps=float(text_raw.get("rms_norm_eps", 1e-6)),
        rope_theta=float(rope.get("rope_theta", text_raw.get("rope_theta", 5000000.0))),
        mrope_section=tuple(int(s) for s in rope.get("mrope_section", (24, 20, 20))),  # type: ignore[arg-type]
        attention_bias=bool(text_raw.get("attention_bias", False)),
        hidden_act=str(text_raw.get("hidden_act", "silu")),
    )
    tie = raw.get("tie_word_embeddings", text_raw.get("tie_word_embeddings", False))
    config = ModelConfig(
        vision=vision,
        text=text,
        tie_word_embeddings=bool(tie),
        image_token_id=int(raw.get("image_token_id", 151655)),
        video_token_id=int(raw.get("video_token_id", 151656)),
        vision_start_token_id=int(raw.get("vision_start_token_id", 151652)),
        vision_end_token_id=int(raw.get("vision_end_token_id", 151653)),
        rope_dtype=_rope_dtype(raw, text_raw) if rope_dtype == "checkpoint" else rope_dtype,
        raw=copy.deepcopy(raw),
    )
    _check(config)
    return config


ROPE_DTYPES = ("float32", "float16", "bfloat16")


def _rope_dtype(raw: dict, text_raw: dict) -> str:
    declared = raw.get("dtype") or raw.get("torch_dtype") or text_raw.get("dtype") or text_raw.get("torch_dtype")
    return declared if declared in ROPE_DTYPES else "float32"


def rotary_inv_freq(theta: float, dim: int, dtype: str) -> torch.Tensor:
    """1 / theta^(2i/dim), computed in float32 and then held in `dtype`, as transformers holds the
    buffer once the model is in the checkpoint's dtype: the golden reference's logits are reproduced
    to 2e-7 with float16-rounded frequencies and only to 5e-5 .. 2e-4 (growing with the prompt) with
    float32 ones."""
    inv = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    return inv.to(getattr(torch, dtype)).float()


def _int(section: dict, key: str, where: str) -> int:
    if key not in section:
        raise ExportError(f"config.json {where} lacks {key}")
    return int(section[key])


def _check(c: ModelConfig) -> None:
    v, t = c.vision, c.text
    problems = []
    if v.hidden_size % v.num_heads:
        problems.append("vision hidden_size is not a multiple of num_heads")
    if v.head_dim % 4:
        problems.append("vision head_dim must be a multiple of 4 (2-D rotary)")
    if int(v.num_position_embeddings**0.5) ** 2 != v.num_position_embeddings:
        problems.append("vision num_position_embeddings is not a square")
    if not v.deepstack_visual_indexes:
        problems.append("vision_config has no deepstack_visual_indexes")
    if any(not 0 <= i < v.depth for i in v.deepstack_visual_indexes):
        problems.append("deepstack_visual_indexes outside the vision blocks")
    if len(v.deepstack_visual_indexes) > t.num_hidden_layers:
        problems.append("more DeepStack levels than decoder layers")
    if t.num_attention_heads % t.num_key_value_heads:
        problems.append("num_attention_heads is not a multiple of num_key_value_heads")
    if len(t.mrope_section) != 3 or sum(t.mrope_section) != t.head_dim // 2:
        problems.append(f"mrope_section {list(t.mrope_section)} does not add up to head_dim/2 = {t.head_dim // 2}")
    if v.out_hidden_size != t.hidden_size:
        problems.append("vision out_hidden_size differs from the text hidden_size")
    for name, act in (("text", t.hidden_act), ("vision", v.hidden_act)):
        if act not in _ACTIVATIONS:
            problems.append(f"unsupported {name} hidden_act {act!r}")
    if problems:
        raise ExportError("config.json: " + "; ".join(problems))


def preset_config(shape: str) -> dict:
    """config.json of the real Qwen3-VL 2B / 8B shapes (used with --random-init)."""
    presets = {
        "2b": dict(
            layers=28,
            hidden=2048,
            heads=16,
            kv=8,
            inter=6144,
            tie=True,
            v_depth=24,
            v_hidden=1024,
            v_inter=4096,
            deepstack=[5, 11, 17],
        ),
        "8b": dict(
            layers=36,
            hidden=4096,
            heads=32,
            kv=8,
            inter=12288,
            tie=False,
            v_depth=27,
            v_hidden=1152,
            v_inter=4304,
            deepstack=[8, 16, 24],
        ),
    }
    if shape not in presets:
        raise ExportError(f"unknown --shape {shape!r}: use one of {', '.join(presets)}")
    p = presets[shape]
    return {
        "architectures": [SUPPORTED_ARCHITECTURE],
        "model_type": "qwen3_vl",
        "dtype": "float16",
        "image_token_id": 151655,
        "video_token_id": 151656,
        "vision_start_token_id": 151652,
        "vision_end_token_id": 151653,
        "tie_word_embeddings": p["tie"],
        "text_config": {
            "model_type": "qwen3_vl_text",
            "attention_bias": False,
            "head_dim": 128,
            "hidden_act": "silu",
            "hidden_size": p["hidden"],
            "intermediate_size": p["inter"],
            "max_position_embeddings": 262144,
            "num_attention_heads": p["heads"],
            "num_hidden_layers": p["layers"],
            "num_key_value_heads": p["kv"],
            "rms_norm_eps": 1e-6,
            "rope_parameters": {
                "mrope_interleaved": True,
                "mrope_section": [24, 20, 20],
                "rope_theta": 5000000.0,
                "rope_type": "default",
            },
            "tie_word_embeddings": p["tie"],
            "vocab_size": 151936,
        },
        "vision_config": {
            "model_type": "qwen3_vl_vision",
            "deepstack_visual_indexes": p["deepstack"],
            "depth": p["v_depth"],
            "hidden_act": "gelu_pytorch_tanh",
            "hidden_size": p["v_hidden"],
            "in_channels": 3,
            "intermediate_size": p["v_inter"],
            "num_heads": 16,
            "num_position_embeddings": 2304,
            "out_hidden_size": p["hidden"],
            "patch_size": 16,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
    }
