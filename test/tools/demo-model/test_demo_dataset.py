"""make_dataset: byte-identical output for a seed, different output for another seed, complete records."""

import json
from pathlib import Path

import make_dataset
import metrics
from pngio import read_png


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_same_seed_identical_other_seed_different(tmp_path):
    args = ["--count", "6", "--size", "128"]
    assert make_dataset.main(["--seed", "5", "--out", str(tmp_path / "a")] + args) == 0
    assert make_dataset.main(["--seed", "5", "--out", str(tmp_path / "b")] + args) == 0
    assert make_dataset.main(["--seed", "6", "--out", str(tmp_path / "c")] + args) == 0
    a, b, c = (_files(tmp_path / n) for n in "abc")
    assert len(a) == 6 * 2 + 1
    assert a == b
    images_a = [v for k, v in a.items() if k.startswith("images/")]
    images_c = [v for k, v in c.items() if k.startswith("images/")]
    assert not set(images_a) & set(images_c)

    for p in sorted((tmp_path / "a" / "samples").glob("*.json")):
        rec = json.loads(p.read_text())
        img = read_png(tmp_path / "a" / rec["image"])
        assert img.shape == (rec["height"], rec["width"]) and max(img.shape) == 128
        assert metrics.extract_labels(rec["report"]) == set(rec["labels"])
        tasks = {t["task"] for t in rec["tasks"]}
        assert "report_generation" in tasks
        for f in rec["findings"]:
            x1, y1, x2, y2 = f["box_xyxy"]
            assert 0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1
        if rec["findings"]:
            assert {"abnormality_grounding", "phrase_grounding"} <= tasks
            for t in rec["tasks"]:
                if t["task"] != "report_generation":
                    assert t["answer"].startswith("The ") and t["answer"].endswith(" on the image.")
                    assert metrics.parse_boxes(t["answer"])


def test_extending_a_set_gives_the_same_samples(tmp_path):
    make_dataset.main(["--seed", "9", "--count", "3", "--size", "96", "--out", str(tmp_path / "all")])
    make_dataset.main(["--seed", "9", "--count", "1", "--start", "2", "--size", "96", "--out", str(tmp_path / "one")])
    assert (tmp_path / "all/images/s9-000002.png").read_bytes() == (tmp_path / "one/images/s9-000002.png").read_bytes()
