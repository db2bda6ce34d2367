"""The batch list and the plan list (core.lists): filters, sorting and the .xlsx exports."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec
from qualitygov.core.widgets import DateInput

from .choices import Category, ClockState, Verdict
from .models import SamplingPlan
from .selectors import clock_filter, clock_state


class BatchFilter(ListFilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("Sampling plan"), queryset=SamplingPlan.objects.none(),
                                            empty_label=_("All"))
    town = django_filters.ModelChoiceFilter(label=pgettext_lazy("sampling ledger", "Town"), queryset=OrgUnit.objects.filter(kind__in=TOWN_KINDS)
                                            .order_by("sort_order", "pk"), empty_label=_("All"))
    verdict = django_filters.ChoiceFilter(label=_("Verdict"), choices=Verdict.choices, empty_label=_("All"))
    product = django_filters.CharFilter(label=_("Product"), lookup_expr="icontains")
    entity = django_filters.CharFilter(label=_("Entity"), method="filter_entity")
    clock = django_filters.ChoiceFilter(label=pgettext_lazy("sampling ledger", "Follow-up"), choices=ClockState.choices, empty_label=_("All"),
                                        method="filter_clock")
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="plan__category",
                                           choices=Category.choices, empty_label=_("All"))
    sampled_from = django_filters.DateFilter(label=_("Sampled from"), field_name="sampled_on", lookup_expr="gte",
                                             widget=DateInput())
    sampled_to = django_filters.DateFilter(label=_("Sampled until"), field_name="sampled_on", lookup_expr="lte",
                                           widget=DateInput())

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plans is not None:
            self.filters["plan"].queryset = plans
            self.form.fields["plan"].queryset = plans
        self.form.fields["town"].label_from_instance = lambda obj: obj.label

    def filter_entity(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(Q(entity__name__icontains=value) | Q(entity__uscc__icontains=value)) if value else queryset

    def filter_clock(self, queryset, name, value):
        return queryset.filter(clock_filter(value, timezone.localdate())) if value else queryset


def _batch_rows(batches):
    today = timezone.localdate()
    for b in batches:
        f = getattr(b, "followup", None)
        yield [b.plan.title, b.entity.name, b.entity.uscc, b.town.label if b.town_id else "", b.product,
               b.industry_name, b.sampled_on, b.lab, b.report_no, str(b.get_verdict_display()), b.failed_items,
               str(f.get_stage_display()) if f else "", str(f.get_clock_display()) if f and f.clock else "",
               f.clock_due if f else None, str(ClockState(clock_state(f, today)).label), b.published_on]


BATCH_LIST = ListSpec(
    columns=[
        Column(_("Sampling date"), "sampled", ("sampled_on",)),
        Column(_("Entity"), "entity", ("entity__name",)),
        Column(pgettext_lazy("sampling ledger", "Town"), "town", ("town__sort_order",)),
        Column(_("Product"), "product"),
        Column(_("Report number"), "report", ("report_no",)),
        Column(_("Verdict"), "verdict"),
        Column(pgettext_lazy("sampling ledger", "Follow-up")),
        Column(pgettext_lazy("sampling ledger", "Due on"), "due", ("followup__clock_due",)),
    ],
    default_sort="-sampled",
    filterset=BatchFilter,
    page_size=50,
    export=Export(filename="监督抽查批次", sheet="抽查批次",
                  header=["抽查计划", "受检单位", "统一社会信用代码", "镇街", "产品名称", "行业", "抽样日期", "检验机构",
                          "报告编号", "检验结论", "不合格项目", "后处置阶段", "当前期限", "到期日", "期限状态", "公布日期"],
                  rows=_batch_rows, widths=[24, 28, 22, 12, 16, 16, 12, 20, 16, 8, 30, 16, 16, 12, 12, 12]),
)


class PlanFilter(ListFilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=9999)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices, empty_label=_("All"))


def _plan_rows(plans):
    for p in plans:
        yield [p.year, p.title, p.product, str(p.get_category_display()), p.standard, p.batches_planned,
               p.batch_count, p.lab, p.window_start, p.window_end, p.owning_unit.label]


PLAN_LIST = ListSpec(
    columns=[
        Column(_("Year"), "year", ("year",)),
        Column(_("Plan title"), "title"),
        Column(_("Product"), "product"),
        Column(_("Batches planned"), "planned", ("batches_planned",)),
        Column(_("Batches sampled"), "count", ("batch_count",)),
        Column(_("Owning unit")),
    ],
    default_sort="-year",
    filterset=PlanFilter,
    export=Export(filename="监督抽查计划", sheet="抽查计划",
                  header=["年度", "计划名称", "产品", "类别", "标准", "计划批次", "已抽批次", "检验机构", "抽样开始",
                          "抽样结束", "负责单位"],
                  rows=_plan_rows, widths=[8, 30, 16, 10, 24, 10, 10, 20, 12, 12, 16]),
)
