"""export.py on inputs it cannot export: one clear line, a non-zero exit, and nothing left behind."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import CHECKPOINT, TOOL
from modelpack import safetensors_io


def export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL / "export.py"), *args], capture_output=True, text=True, timeout=300)


def assert_clean_failure(result: subprocess.CompletedProcess, out, message: str) -> None:
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name]


@pytest.fixture
def checkpoint_copy(tmp_path):
    copy = tmp_path / "checkpoint"
    shutil.copytree(CHECKPOINT, copy)
    return copy


def edit_config(checkpoint, change) -> None:
    path = checkpoint / "config.json"
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config))


def edit_tensors(checkpoint, change) -> None:
    path = checkpoint / "model.safetensors"
    tensors = safetensors_io.read_all(path)
    change(tensors)
    path.unlink()
    safetensors_io.write(path, tensors)


def test_other_architecture(checkpoint_copy, tmp_path):
    edit_config(
        checkpoint_copy, lambda c: c.update(architectures=["LlavaForConditionalGeneration"], model_type="llava")
    )
    out = tmp_path / "models" / "x"
    assert_clean_failure(
        export("--checkpoint", str(checkpoint_copy), "--out", str(out)), out, "unsupported architecture"
    )


def test_config_without_vision_settings(checkpoint_copy, tmp_path):
    edit_config(checkpoint_copy, lambda c: c.pop("vision_config"))
    out = tmp_path / "models" / "x"
    assert_clean_failure(export("--checkpoint", str(checkpoint_copy), "--out", str(out)), out, "no vision_config")


def test_missing_tensor(checkpoint_copy, tmp_path):
    edit_tensors(checkpoint_copy, lambda t: t.pop("model.visual.deepstack_merger_list.2.linear_fc2.weight"))
    out = tmp_path / "models" / "x"
    assert_clean_failure(
        export("--checkpoint", str(checkpoint_copy), "--out", str(out)),
        out,
        "lacks 1 tensor(s): model.visual.deepstack_merger_list.2.linear_fc2.weight",
    )


def test_mismatched_tensor(checkpoint_copy, tmp_path):
    name = "model.language_model.layers.1.self_attn.k_proj.weight"
    edit_tensors(checkpoint_copy, lambda t: t.update({name: np.zeros((48, 32), np.float16)}))
    out = tmp_path / "models" / "x"
    assert_clean_failure(
        export("--checkpoint", str(checkpoint_copy), "--out", str(out)),
        out,
        f"{name} has shape [48, 32], config.json implies [32, 32]",
    )


def test_no_weights(checkpoint_copy, tmp_path):
    (checkpoint_copy / "model.safetensors").unlink()
    out = tmp_path / "models" / "x"
    assert_clean_failure(export("--checkpoint", str(checkpoint_copy), "--out", str(out)), out, "no *.safetensors")


def test_existing_output_folder(tmp_path):
    out = tmp_path / "models" / "x"
    out.mkdir(parents=True)
    (out / "keep.txt").write_text("mine")
    result = export("--checkpoint", str(CHECKPOINT), "--out", str(out))
    assert result.returncode == 1 and result.stderr.strip() == f"error: output folder {out} already exists"
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_tokenizer_with_other_vision_token_ids(tmp_path):
    tokenizer_dir = tmp_path / "tokenizer"
    tokenizer_dir.mkdir()
    added = [
        {"id": 151652, "content": "<|vision_start|>"},
        {"id": 151653, "content": "<|vision_end|>"},
        {"id": 151654, "content": "<|image_pad|>"},
        {"id": 151656, "content": "<|video_pad|>"},
    ]
    (tokenizer_dir / "tokenizer.json").write_text(json.dumps({"added_tokens": added}))
    out = tmp_path / "models" / "x"
    result = export("--checkpoint", str(CHECKPOINT), "--out", str(out), "--tokenizer", str(tokenizer_dir))
    assert_clean_failure(result, out, "tokenizer gives <|image_pad|> id 151654, config.json expects 151655")


def test_failed_verification_leaves_nothing(tmp_path, monkeypatch, capsys):
    """Graphs and files are all written when verification runs: none of them may survive its failure."""
    import export as export_module
    from modelpack.verify import VerificationError

    def fail(*_args, **_kwargs):
        raise VerificationError("fp32 graphs differ from the reference: relative error 0.5 > 0.001")

    monkeypatch.setattr(export_module, "verify_pack", fail)
    out = tmp_path / "models" / "x"
    assert export_module.main(["--checkpoint", str(CHECKPOINT), "--out", str(out)]) == 1
    assert (
        capsys.readouterr().err.splitlines()[-1]
        == "error: fp32 graphs differ from the reference: relative error 0.5 > 0.001"
    )
    assert list(out.parent.iterdir()) == []
