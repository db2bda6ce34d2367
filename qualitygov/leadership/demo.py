"""Demo loader: the leading group of the demo district (names invented for the demo), one meeting
held six weeks before the demo is loaded with its attendance (one absence, one substitute) and two
decisions — one already overdue, one due next quarter. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import OrgUnit, User
from qualitygov.plans.models import Task

from .choices import Attendance, Post
from .models import GroupMember
from .services import decision_create, group_member_save, meeting_attendance_record, meeting_save

#: (name, position, post, unit short name or full name); "质量强区办" is the secretariat.
MEMBERS = [
    ("周建国", "区长", Post.LEADER, "舟山市普陀区"),
    ("李明", "副区长", Post.DEPUTY, "舟山市普陀区"),
    ("王海燕", "质量强区办主任", Post.SECRETARIAT, "质量强区办"),
    ("陈立", "局长", Post.MEMBER, "区市场监管分局"),
    ("张伟", "局长", Post.MEMBER, "区经信局"),
    ("刘洋", "局长", Post.MEMBER, "区住建局"),
    ("赵敏", "局长", Post.MEMBER, "区发改局"),
    ("孙涛", "主任", Post.MEMBER, "沈家门街道"),
]


def _unit(name: str) -> OrgUnit:
    return OrgUnit.objects.filter(short_name=name).first() or OrgUnit.objects.get(name=name)


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    if GroupMember.objects.exists():
        return {"members": 0, "meetings": 0, "decisions": 0}
    office = User.objects.get(username="office")
    members = [group_member_save(actor=office, name=name, position=position, post=post, unit=_unit(unit), order=i)
               for i, (name, position, post, unit) in enumerate(MEMBERS, start=1)]
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=42)
    meeting = meeting_save(actor=office, title=f"区质量强区工作领导小组{held_on.year}年第一次全体会议", held_on=held_on,
                           location="区行政中心3楼会议室",
                           agenda="一、通报质量强区建设年度进展；\n二、研究首席质量官制度推进和质量基础设施“一站式”服务；\n三、部署迎接市级质量工作考核。")
    rows = [(m, Attendance.PRESENT, "", "") for m in members]
    rows[4] = (members[4], Attendance.SUBSTITUTE, "外出招商", "区经信局副局长 吴刚")
    rows[6] = (members[6], Attendance.ABSENT, "参加市级会议", "")
    meeting_attendance_record(actor=office, meeting=meeting, rows=rows)
    tasks = list(Task.objects.order_by("pk")[:2])
    made = 0
    if tasks:
        decision_create(actor=office, meeting=meeting, task=tasks[0], lead_unit=_unit("区经信局"),
                        co_units=[_unit("区市场监管分局")], deadline=today - dt.timedelta(days=10),
                        text="在规上工业企业全面推行首席质量官制度，形成覆盖名单报区质量强区办")
        decision_create(actor=office, meeting=meeting, task=tasks[-1], lead_unit=_unit("区市场监管分局"),
                        deadline=today + dt.timedelta(days=75),
                        text="建成质量基础设施“一站式”服务站并在沈家门街道试点运行")
        made = 2
    return {"members": len(members), "meetings": 1, "decisions": made}
