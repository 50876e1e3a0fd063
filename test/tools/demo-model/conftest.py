"""Puts tools/demo-model on the import path (its modules are plain scripts, not a package)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TOOL = REPO / "tools" / "demo-model"
sys.path.insert(0, str(TOOL))
