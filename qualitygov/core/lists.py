"""One mechanism for every list page: filter, sort, page and export to .xlsx.

A view builds the scoped queryset through its app's selector (`visible_to` applied there), describes
the list once in a `ListSpec` and calls `list_page(request, queryset, spec)` (a page whose rows are
computed in memory, like the indicator dashboard, passes a list instead):

- **filters**: an optional django-filter `FilterSet`; an invalid value drops that filter only, so a
  hand-edited URL never fails the page;
- **sort**: `?sort=key` or `?sort=-key` over the spec's whitelisted column keys; anything else is
  the spec's default. The primary key always follows as the secondary order, so pages are stable;
- **pages**: `?page=` (a bad or out-of-range value gives page 1) and `?per_page=` from
  `PAGE_SIZES` (default 50); the pager keeps the filters and the sort in its links;
- **export**: `?format=xlsx` answers the filtered, sorted rows of all pages as a workbook written
  through `core.io` (formula-safe), under the spec's fixed Chinese header. More than
  `QUALITYGOV_LIST_EXPORT_MAX_ROWS` rows are refused with a message asking to narrow the filters.

Templates include `core/_list_filters.html`, `core/_list_head.html` and `core/_list_pager.html`
with the `ListPage` as `lst`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .io import xlsx_response

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
#: Query parameters the mechanism owns; everything else is a filter and is kept in every link.
OWN_PARAMS = ("page", "sort", "per_page", "format")


def export_max_rows() -> int:
    return int(getattr(settings, "QUALITYGOV_LIST_EXPORT_MAX_ROWS", 10_000))


@dataclass(frozen=True)
class Column:
    """A column of a list table. With `key` it is sortable by `?sort=key`; `order` names the model
    fields (or expressions) it sorts by, ascending (default: the key itself). A list computed in
    memory (a Python list rather than a queryset) sorts by `value(row)` instead (default: the
    attribute named `key`); empty values go last either way."""

    label: Any
    key: str = ""
    order: tuple = ()
    value: Callable[[Any], Any] | None = None  # for a list built in memory: the value it sorts by

    def order_by(self, descending: bool) -> list:
        fields = self.order or (self.key,)
        out = []
        for item in fields:
            if isinstance(item, str):
                out.append(item[1:] if descending and item.startswith("-") else
                           f"-{item}" if descending else item)
            else:
                out.append(item.desc(nulls_last=True) if descending else item.asc(nulls_last=True))
        return out


@dataclass(frozen=True)
class Export:
    """The .xlsx form of a list: a fixed header and `rows(objects) -> rows` over every filtered row."""

    filename: str
    sheet: str
    header: Sequence[str]
    rows: Callable[[Iterable[Any]], Iterable[Sequence[Any]]]
    widths: Sequence[int] = ()


@dataclass(frozen=True)
class ListSpec:
    """What a list page is: its columns, default sort, filters and export."""

    columns: Sequence[Column]
    default_sort: str
    export: Export | None = None
    filterset: type | None = None
    page_size: int = DEFAULT_PAGE_SIZE

    def sort_keys(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns if column.key}


@dataclass
class Header:
    label: Any
    url: str = ""
    arrow: str = ""
    aria_sort: str = ""


@dataclass
class ListPage:
    """What the templates get as `lst`."""

    page: Page
    sort: str
    per_page: int
    headers: list[Header]
    filterset: Any = None
    query: str = ""  # the filters and sort, without page (for pager links)
    filter_query: str = ""  # the filters only (for header links)
    export_query: str = ""
    has_export: bool = False
    sizes: list[tuple[int, str]] = field(default_factory=list)
    carry: list[tuple[str, str]] = field(default_factory=list)  # parameters the filter form must pass on

    @cached_property
    def rows(self) -> list:
        return list(self.page.object_list)

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def form(self):
        return self.filterset.form if self.filterset is not None else None


class ListFilterSet(django_filters.FilterSet):
    """A list page's filters: small Bootstrap widgets; the request is kept for scoped choices."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.form.fields.values():
            widget = form_field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


def _positive(value: str | None, default: int, allowed: Iterable[int] | None = None) -> int:
    if value and value.isdigit() and len(value) < 10:
        number = int(value)
        if number >= 1 and (allowed is None or number in allowed):
            return number
    return default


def _query(params: QueryDict, drop: Iterable[str], **extra: Any) -> str:
    out = params.copy()
    for key in drop:
        out.pop(key, None)
    for key, value in extra.items():
        if value not in ("", None):
            out[key] = str(value)
    return out.urlencode()


def filtered(request, queryset: QuerySet | list, spec: ListSpec, **filterset_kwargs) -> tuple[Any, QuerySet, str]:
    """The filterset, the filtered and sorted queryset, and the sort key in force."""
    filterset = None
    if spec.filterset is not None:
        data = request.GET.copy()
        for key in OWN_PARAMS:
            data.pop(key, None)
        filterset = spec.filterset(data or None, queryset=queryset, request=request, **filterset_kwargs)
        queryset = filterset.qs  # invalid fields are left out of cleaned_data, so they filter nothing
    keys = spec.sort_keys()
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") not in keys:
        sort = spec.default_sort
    descending = sort.startswith("-")
    column = keys[sort.removeprefix("-")]
    if isinstance(queryset, QuerySet):
        queryset = queryset.order_by(*column.order_by(descending), "-pk" if descending else "pk")
    else:
        queryset = _sorted_rows(queryset, column, descending)
    return filterset, queryset, sort


def _sorted_rows(rows: Sequence, column: Column, descending: bool) -> list:
    getter = column.value or (lambda row: getattr(row, column.key))
    keyed = [(getter(row), row) for row in rows]
    present = sorted(((value, row) for value, row in keyed if value not in (None, "")),
                     key=lambda pair: (pair[0], pair[1].pk), reverse=descending)
    return [row for _value, row in present] + [row for value, row in keyed if value in (None, "")]


def export_response(request, queryset: QuerySet, spec: ListSpec) -> HttpResponse:
    """The whole filtered, sorted list as .xlsx, or back to the list with a message above the cap."""
    assert spec.export is not None
    total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    limit = export_max_rows()
    if total > limit:
        messages.error(request, _("The list has %(total)d rows, more than the %(limit)d an export may hold. "
                                  "Narrow it with the filters and export again.") % {"total": total, "limit": limit})
        return redirect(f"{request.path}?{_query(request.GET, ('format',))}")
    export = spec.export
    sheet = str(export.sheet)
    return xlsx_response(f"{export.filename}{timezone.localdate():%Y%m%d}.xlsx",
                         [(sheet, [str(name) for name in export.header],
                           export.rows(queryset.iterator(chunk_size=2000)
                                       if isinstance(queryset, QuerySet) else queryset))],
                         widths={sheet: list(export.widths)} if export.widths else None)


def list_export(request, queryset: QuerySet, spec: ListSpec, **filterset_kwargs) -> HttpResponse:
    """The list's export under a separate address (an older `…/export.xlsx`): same filters and sort."""
    _filterset, queryset, _sort = filtered(request, queryset, spec, **filterset_kwargs)
    return export_response(request, queryset, spec)


def list_page(request, queryset: QuerySet, spec: ListSpec, **filterset_kwargs) -> ListPage | HttpResponse:
    """Filter, sort and page `queryset` (already scoped by its selector) for `request`; with
    `?format=xlsx` (and an export in the spec) the whole list as a workbook instead."""
    filterset, queryset, sort = filtered(request, queryset, spec, **filterset_kwargs)
    if request.GET.get("format") == "xlsx" and spec.export is not None:
        return export_response(request, queryset, spec)
    per_page = _positive(request.GET.get("per_page"), spec.page_size, PAGE_SIZES)
    paginator = Paginator(queryset, per_page)
    number = _positive(request.GET.get("page"), 1)
    page = paginator.page(number if number <= paginator.num_pages else 1)
    size_param = per_page if per_page != spec.page_size else None
    headers = []
    for column in spec.columns:
        if not column.key:
            headers.append(Header(column.label))
            continue
        current = sort.removeprefix("-") == column.key
        descending = current and sort.startswith("-")
        next_sort = column.key if not current or descending else f"-{column.key}"
        headers.append(Header(
            column.label,
            url="?" + _query(request.GET, OWN_PARAMS, sort=next_sort, per_page=size_param),
            arrow=("▼" if descending else "▲") if current else "",
            aria_sort=("descending" if descending else "ascending") if current else "",
        ))
    fields = set(filterset.form.fields) if filterset is not None else set()
    carry = [(key, value) for key, values in request.GET.lists() if key not in fields and key not in OWN_PARAMS
             for value in values]
    return ListPage(
        carry=carry,
        page=page, sort=sort, per_page=per_page, headers=headers, filterset=filterset,
        query=_query(request.GET, OWN_PARAMS, sort=sort if sort != spec.default_sort else None,
                     per_page=size_param),
        filter_query=_query(request.GET, OWN_PARAMS),
        export_query=_query(request.GET, ("page", "per_page", "format"), format="xlsx"),
        has_export=spec.export is not None,
        sizes=[(size, "?" + _query(request.GET, ("page", "per_page", "format"), per_page=size))
               for size in PAGE_SIZES],
    )
