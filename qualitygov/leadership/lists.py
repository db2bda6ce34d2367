"""The leading group's meetings as a list (core.lists): filters, sort columns and the .xlsx export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from qualitygov.core.lists import Column, Export, ListFilterSet, ListSpec

from .choices import MeetingStatus


class MeetingFilter(ListFilterSet):
    """Meetings: the year they were held in, their status."""

    year = django_filters.NumberFilter(label=_("Year"), field_name="held_on", lookup_expr="year", min_value=1900,
                                       max_value=9999)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MeetingStatus.choices, empty_label=_("All"))


def _meeting_rows(meetings):
    for meeting in meetings:
        yield [meeting.held_on, meeting.title, meeting.location, str(meeting.get_status_display()),
               meeting.decision_count, meeting.absent_count]


MEETING_LIST = ListSpec(
    columns=[
        Column(_("Date"), "held", ("held_on",)),
        Column(_("Meeting"), "title"),
        Column(_("Status"), "status"),
        Column(_("Decisions"), "decisions", ("decision_count",)),
        Column(_("Absent"), "absent", ("absent_count",)),
    ],
    default_sort="-held",
    filterset=MeetingFilter,
    page_size=20,
    export=Export(filename="领导小组会议", sheet="会议", header=["日期", "会议名称", "地点", "状态", "决定事项数", "缺席人数"],
                  rows=_meeting_rows, widths=[12, 40, 20, 8, 10, 10]),
)
