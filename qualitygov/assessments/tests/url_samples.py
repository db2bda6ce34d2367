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


# Rounds: one round of the cast's three units, approved (its result frozen), with an objection.
# A round page, its results and a sheet's score are read by every signed-in user (units, results
# limited by scope); a sheet, its entries and files are the unit's (`owner`); office steps need the
# whole district; approval and the exports a district-wide approver.

def _round(cast):
    from qualitygov.assessments import services_rounds as S
    from qualitygov.assessments.models import AssessmentRound
    from qualitygov.assessments.tests.rounds_setup import fill, make_round, published_scheme

    found = AssessmentRound.objects.filter(title="矩阵样例考核").first()
    if found is None:
        scheme = _published_scheme(cast) or published_scheme(cast)
        found = make_round(cast, title="矩阵样例考核", scheme=scheme)
        units = fill(cast, found)
        for ru in units.values():
            for e in ru.entries.all():
                if e.effective is not None:
                    S.entry_review(actor=cast.office, entry=e, decision="accept")
        S.round_transition(actor=cast.office, round_=found, name="submit")
        S.round_approve(actor=cast.leader, round_=found)
    return found


def _published_scheme(cast):
    from qualitygov.assessments.models import AssessmentScheme

    return AssessmentScheme.objects.filter(year=2026, status="published").first()


def _unit_sheet(cast):
    round_ = _round(cast)
    return round_.units.get(unit=cast.dept_a)


def _entry(cast, code="B2", kind="leaf"):
    return _unit_sheet(cast).entries.get(kind=kind, code=code)


def _file(cast):
    from qualitygov.core.models import Attachment

    entry = _entry(cast)
    found = Attachment.objects.filter(owner_type="assessments.itementry", owner_id=str(entry.pk)).first()
    return {"pk": entry.pk, "file_pk": found.pk, "owner": "liaison_a"}


def _objection(cast):
    from qualitygov.assessments.models import Objection

    ru = _unit_sheet(cast)
    found = Objection.objects.filter(round_unit=ru).first()
    if found is None:
        found = Objection.objects.create(round_unit=ru, text="矩阵样例异议", filed_by=cast.liaison_a)
    return found.pk


SAMPLES.update({
    "assessments:round_new": lambda cast: {"district_wide": True},
    "assessments:round": lambda cast: {"pk": _round(cast).pk},
    "assessments:round_edit": lambda cast: {"pk": _round(cast).pk, "district_wide": True},
    "assessments:round_step": lambda cast: {"pk": _round(cast).pk, "name": "publish", "district_wide": True,
                                            "get_status": 405},
    "assessments:round_collect": lambda cast: {"pk": _round(cast).pk, "district_wide": True, "get_status": 405},
    "assessments:round_approve": lambda cast: {"pk": _round(cast).pk, "district_wide": True},
    "assessments:round_results": lambda cast: {"pk": _round(cast).pk},
    "assessments:round_results_xlsx": lambda cast: {"pk": _round(cast).pk, "district_wide": True},
    "assessments:round_bulletin": lambda cast: {"pk": _round(cast).pk, "district_wide": True},
    "assessments:sheet": lambda cast: {"pk": _unit_sheet(cast).pk, "owner": "liaison_a"},
    "assessments:sheet_group": lambda cast: {"pk": _unit_sheet(cast).pk, "district_wide": True, "get_status": 405},
    "assessments:sheet_submit": lambda cast: {"pk": _unit_sheet(cast).pk, "owner": "liaison_a", "get_status": 405},
    "assessments:sheet_result": lambda cast: {"pk": _unit_sheet(cast).pk, "owner": "liaison_a"},
    "assessments:objection_new": lambda cast: {"pk": _unit_sheet(cast).pk, "owner": "liaison_a"},
    "assessments:entry_fill": lambda cast: {"pk": _entry(cast).pk, "owner": "liaison_a"},
    "assessments:entry_review": lambda cast: {"pk": _entry(cast).pk, "district_wide": True},
    "assessments:entry_file": _file,
    "assessments:objection_answer": lambda cast: {"pk": _objection(cast), "district_wide": True},
})

SAMPLES.update({
    "assessments:rules_upload": lambda cast: {"district_wide": True},
    "assessments:rules_review": lambda cast: {"district_wide": True, "get_status": 302},
    "assessments:rules_cancel": lambda cast: {"district_wide": True, "get_status": 405},
})


# The tree editor of a draft scheme (office holding the whole district only).

def _draft(cast) -> int:
    from qualitygov.assessments.models import AssessmentScheme
    from qualitygov.assessments.services import scheme_import

    found = AssessmentScheme.objects.filter(year=2025, status="draft").first()
    return (found or scheme_import(actor=cast.office, text=DEMO.read_text(encoding="utf-8"), year=2025)).pk


SAMPLES.update({
    "assessments:scheme_new": lambda cast: {"district_wide": True},
    "assessments:scheme_header": lambda cast: {"pk": _draft(cast), "district_wide": True},
    "assessments:item_new": lambda cast: {"pk": _draft(cast), "district_wide": True},
    "assessments:item_edit": lambda cast: {"pk": _draft(cast), "code": "A1", "district_wide": True},
    "assessments:item_delete": lambda cast: {"pk": _draft(cast), "code": "A2", "district_wide": True,
                                             "get_status": 405},
    "assessments:item_move": lambda cast: {"pk": _draft(cast), "code": "A2", "direction": "up",
                                           "district_wide": True, "get_status": 405},
})
