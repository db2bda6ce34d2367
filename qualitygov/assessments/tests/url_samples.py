"""URL kwargs for the permission matrix: the assessment scheme pages.

Schemes are district documents every signed-in user reads; only an office holding the whole
district changes them (`district_wide`).
"""

from __future__ import annotations

from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "data" / "member-units-2026.json"


def _scheme(cast) -> int:
    from qualitygov.assessments.models import AssessmentScheme
    from qualitygov.assessments.services import scheme_import

    found = AssessmentScheme.objects.filter(year=2026).first()
    return (found or scheme_import(actor=cast.office, text=DEMO.read_text(encoding="utf-8"), year=2026)).pk


SAMPLES = {
    "assessments:scheme_import": lambda cast: {"district_wide": True, "get_status": 405},
    "assessments:scheme": lambda cast: {"pk": _scheme(cast)},
    "assessments:scheme_export": lambda cast: {"pk": _scheme(cast)},
    "assessments:scheme_edit": lambda cast: {"pk": _scheme(cast), "district_wide": True},
    "assessments:scheme_publish": lambda cast: {"pk": _scheme(cast), "district_wide": True, "get_status": 405},
    "assessments:scheme_new_version": lambda cast: {"pk": _scheme(cast), "district_wide": True, "get_status": 405},
}

SAMPLES.update({
    "assessments:rules_upload": lambda cast: {"district_wide": True},
    "assessments:rules_review": lambda cast: {"district_wide": True, "get_status": 302},
    "assessments:rules_cancel": lambda cast: {"district_wide": True, "get_status": 405},
})
