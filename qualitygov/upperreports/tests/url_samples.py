"""URL kwargs for the permission matrix: reports to the level above.

The reports are district records: only users reading the whole district (office, leaders) open the
pages (`district_wide`: a liaison, or an office admin granted on one department, gets 404); only an
office holding the whole district writes.
"""

from __future__ import annotations


def _template(cast):
    from qualitygov.plans.tests.factories import indicator_factory, plan_factory
    from qualitygov.upperreports.models import UpperReportTemplate
    from qualitygov.upperreports.services import template_save

    found = UpperReportTemplate.objects.filter(title="矩阵样例报表").first()
    if found is not None:
        return found
    plan = plan_factory(title="矩阵样例方案")
    indicator = indicator_factory(plan=plan, code="M1", name="矩阵样例指标", comparator=">=", value="90", unit="%")
    return template_save(actor=cast.office, title="矩阵样例报表", requested_by="市质量强市办", plan=plan,
                         indicators=[indicator], columns=["name", "value"])


def _report(cast, *, submitted: bool = False):
    from django.utils import timezone

    from qualitygov.upperreports.models import UpperReport
    from qualitygov.upperreports.services import report_create, report_review, report_submit

    template = _template(cast)
    number = 2 if submitted else 1
    found = UpperReport.objects.filter(template=template, year=2026, number=number).first()
    if found is None:
        found = report_create(actor=cast.office, template=template, year=2026, number=number)
        if submitted:
            found = report_review(actor=cast.office, report=found, note="样例")
            found = report_submit(actor=cast.office, report=found, channel="email", recipient="市质量强市办",
                                  submitted_at=timezone.now())
    return found


def _sent_file(cast) -> dict:
    from qualitygov.upperreports.selectors import sent_files

    report = _report(cast, submitted=True)
    return {"pk": report.pk, "file_pk": sent_files(report)[0].pk, "district_wide": True}


def _reviewed(cast) -> int:
    from qualitygov.upperreports.services import report_review

    report = _report(cast)
    if report.status == "draft":
        report = report_review(actor=cast.office, report=report, note="样例")
    return report.pk


SAMPLES = {
    "upperreports:template_edit": lambda cast: {"pk": _template(cast).pk, "district_wide": True},
    "upperreports:report_new": lambda cast: {"pk": _template(cast).pk, "district_wide": True},
    "upperreports:detail": lambda cast: {"pk": _report(cast).pk, "district_wide": True},
    "upperreports:regenerate": lambda cast: {"pk": _report(cast).pk, "district_wide": True, "get_status": 405},
    "upperreports:review": lambda cast: {"pk": _report(cast).pk, "district_wide": True, "get_status": 405,
                                         "post": {"note": "x"}},
    "upperreports:reopen": lambda cast: {"pk": _reviewed(cast), "district_wide": True, "get_status": 405,
                                         "post": {"reason": "x"}},
    "upperreports:submit": lambda cast: {"pk": _reviewed(cast), "district_wide": True},
    "upperreports:correct": lambda cast: {"pk": _report(cast, submitted=True).pk, "district_wide": True,
                                          "get_status": 405, "post": {"reason": "x"}},
    "upperreports:download": lambda cast: {"pk": _report(cast).pk, "fmt": "xlsx", "district_wide": True},
    "upperreports:sent_file": _sent_file,
    "upperreports:list": lambda cast: {"district_wide": True},
    "upperreports:history": lambda cast: {"district_wide": True},
    "upperreports:templates": lambda cast: {"district_wide": True},
    "upperreports:template_new": lambda cast: {"district_wide": True},
}
