#!/usr/bin/env python3
"""Export a Qwen3-VL / RadVLM-GRPO checkpoint to a Lightbox model pack (contract: docs/model-pack.md).

    python3 tools/model-pack/export.py --checkpoint DIR --out models/ID [--variants fp32,fp16,q4]
    python3 tools/model-pack/export.py --random-init --shape 2b --out models/qwen3vl-2b-random --variants q4

The pack is written to a temporary folder next to --out, verified in onnxruntime-node against the
PyTorch reference, and only then moved to --out: an interrupted or failed export leaves nothing that
looks like a pack.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from modelpack.checkpoint import Checkpoint  # noqa: E402
from modelpack.config import ROPE_DTYPES, SUPPORTED_ARCHITECTURE  # noqa: E402
from modelpack.errors import ExportError  # noqa: E402
from modelpack.memory import MemoryMonitor  # noqa: E402
from modelpack.onnx_graphs import GRAPHS, KV_CACHE_LAYOUTS, build_graph, graph_file  # noqa: E402
from modelpack.onnx_layers import PRECISIONS, Q4_ACCURACY_LEVEL, Q4_BLOCK  # noqa: E402
from modelpack.pack_files import (  # noqa: E402
    INTENDED_USES,
    contract_fields,
    load_tasks,
    write_manifest,
    write_model_configs,
    write_preprocessor_config,
    write_tokenizer,
)
from modelpack.random_checkpoint import write_random_checkpoint  # noqa: E402
from modelpack.verify import verify_pack  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--checkpoint", type=Path, help="Hugging Face checkpoint folder (config.json + *.safetensors)")
    p.add_argument("--out", type=Path, required=True, help="pack folder to create, e.g. models/radvlm-grpo-8b")
    p.add_argument("--variants", default="fp32", help=f"comma-separated, of {', '.join(PRECISIONS)}")
    p.add_argument("--random-init", action="store_true", help="random weights of a real shape (needs --shape)")
    p.add_argument("--shape", choices=("2b", "8b"), help="with --random-init: Qwen3-VL-2B or -8B shapes")
    p.add_argument("--seed", type=int, default=0, help="with --random-init")
    p.add_argument("--id", help="pack id (default: the --out folder name)")
    p.add_argument("--version", default="0.1.0", help="pack version")
    p.add_argument(
        "--tokenizer",
        type=Path,
        help="folder with tokenizer.json (default: the checkpoint's, else the bundled Qwen3 tokenizer)",
    )
    p.add_argument("--tasks", type=Path, help="JSON with box_format and task prompt templates (default: RadVLM-GRPO's)")
    p.add_argument("--licence", default="unknown", help="licence of the model weights")
    p.add_argument("--intended-use", choices=INTENDED_USES, default="demo-not-for-clinical-use")
    p.add_argument(
        "--rope-dtype",
        choices=("checkpoint",) + ROPE_DTYPES,
        default="checkpoint",
        help="dtype of the rotary frequencies (default: the dtype config.json declares, as transformers)",
    )
    p.add_argument(
        "--kv-cache",
        choices=KV_CACHE_LAYOUTS,
        default="delta",
        help="decoder KV cache: delta (contract 1.1, default) or full (contract 1, for older Lightbox versions)",
    )
    p.add_argument("--min-pixels", type=int, help="image budget (default: the checkpoint's, else 1024)")
    p.add_argument("--max-pixels", type=int, help="image budget (default: the checkpoint's, else 451584)")
    p.add_argument(
        "--threads", type=int, default=min(4, os.cpu_count() or 1), help="onnxruntime threads for verification"
    )
    args = p.parse_args(argv)
    if args.random_init == (args.checkpoint is not None):
        p.error("give exactly one of --checkpoint DIR or --random-init --shape 2b|8b")
    if args.random_init and not args.shape:
        p.error("--random-init needs --shape 2b|8b")
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in args.variants if v not in PRECISIONS]
    if unknown or not args.variants:
        p.error(f"unknown variant(s) {', '.join(unknown) or '(none)'}: use {', '.join(PRECISIONS)}")
    return args


def log(message: str, started=time.monotonic()) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", file=sys.stderr, flush=True)


def export(args: argparse.Namespace, work: Path, memory: MemoryMonitor) -> None:
    source = args.checkpoint
    if args.random_init:
        source = work / "random-checkpoint"
        log(f"writing a random-weight {args.shape} checkpoint (seed {args.seed})")
        write_random_checkpoint(args.shape, source, args.seed)
    checkpoint = Checkpoint(source, args.rope_dtype)
    config = checkpoint.config
    log(
        f"checkpoint: {config.text.num_hidden_layers} decoder layers, hidden {config.text.hidden_size}, "
        f"vision depth {config.vision.depth}, DeepStack after vision blocks {list(config.vision.deepstack_visual_indexes)}"
    )
    pack = work / "pack"
    (pack / "onnx").mkdir(parents=True)
    # the cheap files first, so that their problems show before minutes of graph building
    tasks = load_tasks(args.tasks)
    special, tokenizer_source = write_tokenizer(checkpoint, args.tokenizer, pack)
    preprocessing = write_preprocessor_config(checkpoint, pack, args.min_pixels, args.max_pixels)
    generation = write_model_configs(checkpoint, pack)
    variants = {}
    for precision in args.variants:
        files = []
        for graph in GRAPHS:
            log(f"building {graph_file(graph, precision)}")
            files += build_graph(graph, checkpoint, pack / "onnx", precision, args.kv_cache)
        variants[precision] = {
            "graphs": {g: f"onnx/{graph_file(g, precision)}" for g in GRAPHS},
            "bytes": sum(f.stat().st_size for f in files),
        }
        if precision == "q4":
            variants[precision]["quantization"] = {
                "op": "com.microsoft.MatMulNBits",
                "bits": 4,
                "block_size": Q4_BLOCK,
                "accuracy_level": Q4_ACCURACY_LEVEL,
                "zero_points": True,
            }
    log(f"graphs written; {memory.summary()}")

    results = verify_pack(checkpoint, pack / "onnx", args.variants, args.threads, log)
    for precision, result in results.items():
        variants[precision]["verification"] = result

    log("hashing the source checkpoint and the pack")
    eos = generation.get("eos_token_id", special.get("im_end"))
    write_manifest(
        pack,
        {
            "id": args.id or args.out.name,
            "version": args.version,
            **contract_fields(args.kv_cache),
            "architecture": SUPPORTED_ARCHITECTURE,
            "source": {
                "checkpoint_sha256": checkpoint.sha256(),
                "random_init": {"shape": args.shape, "seed": args.seed} if args.random_init else None,
            },
            "deepstack": True,
            "num_deepstack_levels": config.num_deepstack,
            "rope_inv_freq_dtype": config.rope_dtype,
            "variants": variants,
            "tasks": tasks["tasks"],
            "box_format": tasks["box_format"],
            "image_preprocessing": preprocessing,
            "special_token_ids": {**special, "eos": eos if isinstance(eos, list) else [eos]},
            "licence": args.licence,
            "tokenizer_source": tokenizer_source,
            "intended_use": "demo-not-for-clinical-use" if args.random_init else args.intended_use,
        },
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    out = args.out
    if out.exists():
        print(f"error: output folder {out} already exists", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        with MemoryMonitor() as memory:
            export(args, work, memory)
        (work / "pack").rename(out)
    except ExportError as e:
        print(f"error: {str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log(f"wrote {out}; {memory.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
