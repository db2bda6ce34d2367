"""Feed files and figures as lists (core.lists): filters and the .xlsx export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec
from qualitygov.core.widgets import DateInput

from .choices import FileStatus
from .mappings import all_mappings


def _source_choices():
    return [(m.key, m.label) for m in all_mappings()]


def _measure_choices():
    return [(f"{m.key}.{name}", f"{m.label} · {label}") for m in all_mappings() for name, label in m.measures().items()]


class FileFilter(ListFilterSet):
    source = django_filters.ChoiceFilter(label=pgettext_lazy("feeds", "Source"), field_name="source__key", choices=_source_choices,
                                         empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FileStatus.choices, empty_label=_("All"))


class FigureFilter(ListFilterSet):
    source = django_filters.ChoiceFilter(label=pgettext_lazy("feeds", "Source"), field_name="source__key", choices=_source_choices,
                                         empty_label=_("All"))
    measure = django_filters.ChoiceFilter(label=pgettext_lazy("feeds", "Figure"), choices=_measure_choices, empty_label=_("All"),
                                          method="filter_measure")
    start = django_filters.DateFilter(label=_("Period from"), field_name="period_start", lookup_expr="gte",
                                      widget=DateInput())
    end = django_filters.DateFilter(label=_("Period to"), field_name="period_end", lookup_expr="lte",
                                    widget=DateInput())
    town = django_filters.ModelChoiceFilter(label=pgettext_lazy("feeds", "Town"), queryset=None, empty_label=_("All"))
    category = django_filters.CharFilter(label=_("Category"), field_name="category")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        from .selectors import town_choices

        self.filters["town"].queryset = town_choices(user=request.user) if request is not None else None
        self.form.fields["town"].queryset = self.filters["town"].queryset

    def filter_measure(self, queryset, name, value):
        source, _sep, measure = value.partition(".")
        return queryset.filter(source__key=source, measure=measure)


def _labels():
    from .selectors import measure_labels

    return measure_labels()


def _period(figure) -> str:
    if figure.period_start == figure.period_end:
        return figure.period_start.isoformat()
    return f"{figure.period_start:%Y-%m}"


def _number(value):
    """A number cell: whole numbers as int, others as float (spreadsheets hold no Decimal)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _figure_rows(figures):
    labels = _labels()
    for f in figures:
        yield [f.source.label, labels.get(f"{f.source.key}.{f.measure}", f.measure), _period(f),
               f.town.label if f.town else "", f.category, f.subject, _number(f.value), f.file.original_name, f.row]


def _file_rows(files):
    for f in files:
        yield [f.source.label, f.original_name, f.period_label, str(f.get_status_display()), f.row_count,
               f.uploaded_at, f.uploaded_by.display_name if f.uploaded_by else "", f.imported_at, f.sha256]


FILE_LIST = ListSpec(
    columns=[
        Column(_("Uploaded"), "uploaded", ("uploaded_at",)),
        Column(pgettext_lazy("feeds", "Source"), "source", ("source__key",)),
        Column(_("File")),
        Column(_("Months"), "period", ("period_start",)),
        Column(_("Status"), "status"),
        Column(_("Rows"), "rows", ("row_count",)),
        Column(_("Uploaded by")),
    ],
    default_sort="-uploaded",
    filterset=FileFilter,
    export=Export(filename="数据接入文件", sheet="文件",
                  header=["来源", "文件名", "期间", "状态", "行数", "上传时间", "上传人", "导入时间", "SHA-256"],
                  rows=_file_rows, widths=[24, 36, 18, 14, 8, 18, 16, 18, 66]),
)

FIGURE_LIST = ListSpec(
    columns=[
        Column(pgettext_lazy("feeds", "Source"), "source", ("source__key",)),
        Column(pgettext_lazy("feeds", "Figure"), "measure"),
        Column(pgettext_lazy("feeds", "Period"), "period", ("period_start", "town__sort_order")),
        Column(pgettext_lazy("feeds", "Town"), "town", ("town__sort_order",)),
        Column(_("Category"), "category"),
        Column(pgettext_lazy("feeds", "Item")),
        Column(_("Value"), "value"),
        Column(_("File and row")),
    ],
    default_sort="-period",
    filterset=FigureFilter,
    export=Export(filename="数据接入数据", sheet="数据",
                  header=["来源", "指标项", "期间", "镇街", "类别", "对象", "数值", "来源文件", "行号"],
                  rows=_figure_rows, widths=[24, 20, 12, 14, 12, 20, 12, 36, 8]),
)
