"""Shared fixtures: the tiny Qwen3-VL reference (test/fixtures/qwen3vl/tiny-qwen3vl-a) and one export of it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
TOOL = REPO / "tools" / "model-pack"
FIXTURE = REPO / "test" / "fixtures" / "qwen3vl" / "tiny-qwen3vl-a"
CHECKPOINT = FIXTURE / "checkpoint"
sys.path.insert(0, str(TOOL))

from modelpack.safetensors_io import read_all  # noqa: E402


@pytest.fixture(scope="session")
def golden() -> dict:
    return read_all(FIXTURE / "golden" / "golden.safetensors")


@pytest.fixture(scope="session")
def golden_meta() -> dict:
    return json.loads((FIXTURE / "golden" / "golden.json").read_text())


@pytest.fixture(scope="session")
def pack(tmp_path_factory) -> Path:
    """The tiny checkpoint exported once, in all three variants, through the command-line entry."""
    import export

    out = tmp_path_factory.mktemp("packs") / "tiny-qwen3vl-a"
    assert (
        export.main(
            ["--checkpoint", str(CHECKPOINT), "--out", str(out), "--variants", "fp32,fp16,q4", "--threads", "2"]
        )
        == 0
    )
    return out
