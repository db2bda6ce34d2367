"""The assessment schemes as a list (core.lists): filters, sort columns and the .xlsx export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec

from .choices import SchemeStatus


class SchemeFilter(ListFilterSet):
    """Schemes: their year, their status."""

    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=1900, max_value=9999)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SchemeStatus.choices, empty_label=_("All"))


def _scheme_rows(schemes):
    for scheme in schemes:
        yield [scheme.year, scheme.title, f"v{scheme.version}", str(scheme.get_status_display()),
               scheme.published_at, str(scheme.published_by) if scheme.published_by else "",
               str(scheme.created_by) if scheme.created_by else gettext_now("System")]


SCHEME_LIST = ListSpec(
    columns=[
        Column(_("Year"), "year"),
        Column(_("Scheme"), "title"),
        Column(_("Version"), "version"),
        Column(_("Status"), "status"),
        Column(_("Published"), "published", ("published_at",)),
    ],
    default_sort="-year",
    filterset=SchemeFilter,
    page_size=20,
    export=Export(filename="考核方案", sheet="考核方案", header=["年度", "方案名称", "版本", "状态", "发布时间", "发布人", "创建人"],
                  rows=_scheme_rows, widths=[8, 40, 8, 8, 18, 14, 14]),
)
