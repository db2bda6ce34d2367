"""The demo's seed plan: the bundled policy text of 普陀区 2023—2027 (the plan import loads it)."""

from __future__ import annotations

from pathlib import Path

SEED = Path(__file__).parent / "seed" / "putuo-quality-plan-2023-2027.txt"
