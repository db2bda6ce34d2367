"""Where the shared exchange-format files live: `../shared` beside the clone (CI), or one level further
up for a checkout kept in a sub-folder. None when neither exists (then the packaged copies are used)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PACKAGED_SCHEMAS = ROOT / "qualitygov" / "assessments" / "schemas"


def shared_dir() -> Path | None:
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (candidate / "docs" / "assessment-scoring.md").is_file():
            return candidate
    return None
