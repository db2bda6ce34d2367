"""Reads of reports to the level above, always through `visible_to`: users reading the whole district
(office, leaders) see every template and report; anyone else sees none (the pages answer 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from qualitygov.core.models import Attachment
from qualitygov.core.permissions import Action
from qualitygov.indicators.models import Indicator
from qualitygov.plans.models import Plan

from .choices import ReportStatus
from .models import UpperReport, UpperReportTemplate


def template_list_visible(*, user) -> QuerySet[UpperReportTemplate]:
    return UpperReportTemplate.objects.visible_to(user, Action.VIEW).select_related("plan")


def template_get_visible(*, user, pk: int) -> UpperReportTemplate:
    return template_list_visible(user=user).get(pk=pk)


def template_indicators(template: UpperReportTemplate) -> list[Indicator]:
    return [row.indicator for row in template.rows.select_related("indicator").order_by("order", "pk")]


def report_list_visible(*, user) -> QuerySet[UpperReport]:
    return (UpperReport.objects.visible_to(user, Action.VIEW)
            .select_related("template", "submitted_by", "reviewed_by", "generated_by", "corrects"))


def report_get_visible(*, user, pk: int) -> UpperReport:
    return report_list_visible(user=user).get(pk=pk)


def submitted_list_visible(*, user) -> QuerySet[UpperReport]:
    """What was sent, most recent first: the district's record of what it reported."""
    return report_list_visible(user=user).filter(status=ReportStatus.SUBMITTED).order_by("-submitted_at", "-pk")


def sent_files(report: UpperReport) -> list[Attachment]:
    """The files stored when the report was sent (empty before)."""
    return list(Attachment.objects.filter(owner_type=report._meta.label_lower, owner_id=str(report.pk))
                .order_by("pk"))


def sent_file_get(*, report: UpperReport, pk: int) -> Attachment:
    return Attachment.objects.get(pk=pk, owner_type=report._meta.label_lower, owner_id=str(report.pk))


def editions(report: UpperReport) -> list[UpperReport]:
    """Every edition of the report's template and period, first to last."""
    return list(UpperReport.objects.filter(template_id=report.template_id, year=report.year, number=report.number)
                .select_related("submitted_by").order_by("edition"))


def plan_choices() -> QuerySet[Plan]:
    return Plan.objects.order_by("-period_start", "-pk")


def indicator_choices(plan: Plan | None = None) -> QuerySet[Indicator]:
    qs = Indicator.objects.select_related("plan").order_by("plan_id", "order", "pk")
    return qs.filter(plan=plan) if plan is not None else qs
