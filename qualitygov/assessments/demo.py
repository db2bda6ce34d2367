"""Demo loader: the district's member-unit assessment scheme for 2026 (demo data modelled on the seed
plan's 保障措施(四)), imported and published by the office. Runs once."""

from __future__ import annotations

from pathlib import Path

from qualitygov.accounts.models import User

from .models import AssessmentScheme
from .services import scheme_import, scheme_publish

SCHEME = Path(__file__).resolve().parent / "data" / "member-units-2026.json"


def load(stdout=None) -> dict[str, int]:
    if AssessmentScheme.objects.exists():
        return {"schemes": 0}
    office = User.objects.get(username="office")
    scheme = scheme_import(actor=office, text=SCHEME.read_text(encoding="utf-8"), year=2026, source_name=SCHEME.name)
    scheme_publish(actor=office, scheme=scheme)
    return {"schemes": 1}
