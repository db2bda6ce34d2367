"""URL kwargs for the permission matrix: the summaries' pages.

Rounds and templates are district records: every signed-in user reads the rounds; only an office
holding the whole district writes (`district_wide`). A unit's summary belongs to 区经信局 (liaison_a):
its unit, the office and leaders read it; its unit and the office write it. The district draft is
read by those who approve across the whole district.
"""

from __future__ import annotations

import datetime as dt
import hashlib


def _round(cast):
    from qualitygov.plans.tests.factories import plan_factory
    from qualitygov.summaries.models import SummaryRound, SummaryTemplate
    from qualitygov.summaries.services import round_open, template_save

    found = SummaryRound.objects.filter(year=2026, kind="half_year").first()
    if found is not None:
        return found
    template = SummaryTemplate.objects.first() or template_save(
        actor=cast.office, title="矩阵样例模板", sections=[{"heading": "一、主要工作成效"}], figures=["work_items"])
    plan = plan_factory(title="矩阵样例工作总结方案")
    return round_open(actor=cast.office, plan=plan, year=2026, kind="half_year", half=1, due_date=dt.date(2026, 7, 10),
                      template=template, units=[cast.dept_a, cast.dept_b])


def _summary(cast):
    from qualitygov.summaries.models import UnitSummary

    return UnitSummary.objects.get(round=_round(cast), unit=cast.dept_a)


def _district(cast) -> int:
    from qualitygov.summaries.models import DistrictSummary
    from qualitygov.summaries.services import district_summary_generate

    rnd = _round(cast)
    if not DistrictSummary.objects.filter(round=rnd).exists():
        district_summary_generate(actor=cast.office, round=rnd, today=dt.date(2026, 7, 14))
    return rnd.pk


def _evidence(cast) -> dict:
    from qualitygov.core.models import Attachment
    from qualitygov.core.uploads import CheckedFile
    from qualitygov.summaries.services import unit_summary_evidence_attach

    summary = _summary(cast)
    found = Attachment.objects.filter(owner_type="summaries.unitsummary", owner_id=str(summary.pk)).first()
    if found is None:
        data = b"%PDF-1.4\n%%EOF\n"
        checked = CheckedFile(name="佐证.pdf", extension=".pdf", content_type="application/pdf", data=data,
                              sha256=hashlib.sha256(data).hexdigest())
        found = unit_summary_evidence_attach(actor=cast.liaison_a, summary=summary, checked=checked)
    return {"pk": summary.pk, "file_pk": found.pk, "owner": "liaison_a", "owner_action": "view"}


def _template(cast) -> int:
    from qualitygov.summaries.models import SummaryTemplate
    from qualitygov.summaries.services import template_save

    found = SummaryTemplate.objects.first() or template_save(
        actor=cast.office, title="矩阵样例模板", sections=[{"heading": "一、主要工作成效"}], figures=[])
    return found.pk


SAMPLES = {
    "summaries:round_new": lambda cast: {"district_wide": True},
    "summaries:templates": lambda cast: {"district_wide": True},
    "summaries:template_new": lambda cast: {"district_wide": True},
    "summaries:template_edit": lambda cast: {"pk": _template(cast), "district_wide": True},
    "summaries:round": lambda cast: {"pk": _round(cast).pk},
    "summaries:round_close": lambda cast: {"pk": _round(cast).pk, "district_wide": True, "get_status": 405},
    "summaries:district": lambda cast: {"pk": _district(cast), "district_wide": True},
    "summaries:district_docx": lambda cast: {"pk": _district(cast), "district_wide": True},
    "summaries:district_generate": lambda cast: {"pk": _round(cast).pk, "district_wide": True, "get_status": 405},
    "summaries:district_finalise": lambda cast: {"pk": _district(cast), "district_wide": True, "get_status": 405},
    "summaries:unit_summary": lambda cast: {"pk": _summary(cast).pk, "owner": "liaison_a", "owner_action": "view"},
    "summaries:unit_review": lambda cast: {"pk": _summary(cast).pk, "district_wide": True, "get_status": 405},
    "summaries:evidence_upload": lambda cast: {"pk": _summary(cast).pk, "owner": "liaison_a", "owner_action": "change",
                                               "get_status": 405},
    "summaries:evidence_download": _evidence,
}
