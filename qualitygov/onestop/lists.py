"""The requests as a list (core.lists): filters by type, status, time-limit state, town, dates; .xlsx export."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec
from qualitygov.core.widgets import DateInput

from .choices import RequestStatus, ServiceKind, SlaState


def _sla(queryset, name, value):
    today = timezone.localdate()
    done = Q(done_on__isnull=False)
    return {
        SlaState.OPEN: queryset.filter(done_on__isnull=True, due_on__gte=today),
        SlaState.OVERDUE: queryset.filter(done_on__isnull=True, due_on__lt=today),
        SlaState.WITHIN: queryset.filter(done, done_on__lte=F("due_on")),
        SlaState.LATE: queryset.filter(done, done_on__gt=F("due_on")),
    }.get(value, queryset)


def _search(queryset, name, value):
    value = (value or "").strip()[:100]
    if not value:
        return queryset
    return queryset.filter(Q(entity__name__icontains=value) | Q(entity__uscc__icontains=value)
                           | Q(subject__icontains=value) | Q(assigned_to__icontains=value))


class RequestFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method=_search)
    kind = django_filters.ChoiceFilter(label=_("Service type"), choices=ServiceKind.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices, empty_label=_("All"))
    sla = django_filters.ChoiceFilter(label=_("Time limit"), choices=SlaState.choices, empty_label=_("All"),
                                      method=_sla)
    town = django_filters.ModelChoiceFilter(label=_("Town"), field_name="entity__town", empty_label=_("All"),
                                            queryset=OrgUnit.objects.filter(kind__in=TOWN_KINDS)
                                            .order_by("sort_order", "path"))
    received_from = django_filters.DateFilter(label=_("Received from"), field_name="received_on", lookup_expr="gte",
                                              widget=DateInput())
    received_to = django_filters.DateFilter(label=_("Received to"), field_name="received_on", lookup_expr="lte",
                                            widget=DateInput())
    done_from = django_filters.DateFilter(label=_("Done from"), field_name="done_on", lookup_expr="gte",
                                          widget=DateInput())
    done_to = django_filters.DateFilter(label=_("Done to"), field_name="done_on", lookup_expr="lte", widget=DateInput())


SLA_LABELS = {"open": "办理中（未超时）", "overdue": "已超时", "within": "按时办结", "late": "超时办结"}


def _rows(requests):
    today = timezone.localdate()
    for r in requests:
        yield [r.received_on, r.entity.name, r.entity.uscc, r.entity.industry_code, r.entity.industry_name,
               r.entity.town.label if r.entity.town_id else "", str(dict(ServiceKind.choices)[r.kind]), r.subject,
               str(r.get_status_display()), r.assigned_to, r.sla_workdays, r.due_on, r.done_on,
               SLA_LABELS[r.sla_state(today)], "" if r.solved is None else ("是" if r.solved else "否"),
               r.rating, r.outcome]


REQUEST_LIST = ListSpec(
    columns=[
        Column(_("Received on"), "received", ("received_on",)),
        Column(_("Firm"), "firm", ("entity__name",)),
        Column(_("Service type"), "kind"),
        Column(_("Handled by"), "assigned", ("assigned_to",)),
        Column(_("Due by"), "due", ("due_on",)),
        Column(_("Done on"), "done", ("done_on",)),
        Column(_("Time limit")),
        Column(_("Rating"), "rating"),
    ],
    default_sort="-received",
    filterset=RequestFilter,
    export=Export(filename="一站式服务台账", sheet="一站式服务",
                  header=["受理日期", "企业名称", "统一社会信用代码", "行业代码", "行业名称", "镇街", "服务类型", "服务事项",
                          "状态", "承办机构", "时限（工作日）", "应办结日期", "办结日期", "时限情况", "问题是否解决",
                          "企业评价", "办理结果"],
                  rows=_rows, widths=[12, 30, 20, 8, 20, 10, 12, 30, 8, 20, 8, 12, 12, 12, 8, 8, 30]),
)
