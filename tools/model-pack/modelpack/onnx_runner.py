"""Runs exported graphs in onnxruntime-node through verify_onnx.mjs (Debian has no Python onnxruntime,
and onnxruntime-node is the runtime Lightbox ships, so this checks what the app will execute)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .errors import ExportError

SCRIPT = Path(__file__).resolve().parent.parent / "verify_onnx.mjs"


def run_pipeline(
    graphs: dict[str, Path],
    input_ids: np.ndarray,
    position_ids: np.ndarray,
    rope_delta: int,
    image_token_id: int,
    pixel_values: np.ndarray | None = None,
    image_grid_thw: np.ndarray | None = None,
    prefill_chunks: list[tuple[int, int]] | None = None,
    greedy_steps: int = 0,
    threads: int = 1,
    timeout: float = 3600,
) -> dict:
    """Returns image_features, deepstack_features, inputs_embeds, chunk_logits [chunks, V],
    step_logits [steps, V], greedy_ids (list) and stats (node's peak memory, seconds per phase)."""
    node = shutil.which("node")
    if node is None:
        raise ExportError("node is not on PATH: it is needed to run the graphs in onnxruntime-node")
    with tempfile.TemporaryDirectory(prefix="modelpack-ort-") as tmp:
        d = Path(tmp)
        np.save(d / "input_ids.npy", np.ascontiguousarray(input_ids, np.int64))
        np.save(d / "position_ids.npy", np.ascontiguousarray(position_ids, np.int64))
        if pixel_values is not None:
            np.save(d / "pixel_values.npy", np.ascontiguousarray(pixel_values, np.float32))
            np.save(d / "image_grid_thw.npy", np.ascontiguousarray(image_grid_thw, np.int64))
        job = {
            "dir": str(d),
            "graphs": {k: str(v) for k, v in graphs.items()},
            "has_image": pixel_values is not None,
            "image_token_id": image_token_id,
            "rope_delta": int(rope_delta),
            "prefill_chunks": [list(c) for c in prefill_chunks] if prefill_chunks else None,
            "greedy_steps": greedy_steps,
            "threads": threads,
        }
        (d / "job.json").write_text(json.dumps(job))
        proc = subprocess.run([node, str(SCRIPT), str(d / "job.json")], capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            raise ExportError(
                f"onnxruntime-node run failed: {last[-1] if last else 'exit ' + str(proc.returncode)}\n{proc.stderr}"
            )
        out = {
            p.stem: np.load(p)
            for p in d.glob("*.npy")
            if p.stem not in ("input_ids", "position_ids", "pixel_values", "image_grid_thw")
        }
        out["greedy_ids"] = json.loads((d / "greedy_ids.json").read_text())
        out["stats"] = json.loads((d / "stats.json").read_text())
        return out
