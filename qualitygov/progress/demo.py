"""Demo loader for task progress: work items for the seed plan's tasks, two monthly cycles with
reports in every state (some late), lights, the escalation ladder, findings and an extension request.

Every task gets an item led by its first lead unit (the other lead units co-operate), and every
town gets its own item on tasks given to all towns. Dates follow the day the demo is loaded: the
cycles are last month and this month. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.plans.models import Plan, Task

from .choices import Frequency, ReportStatus
from .escalation import escalation_run
from .models import ProgressReport, ReportingCycle, WorkItem
from .services import (
    cycle_create,
    cycle_label,
    cycle_open,
    extension_request_create,
    finding_create,
    finding_plan,
    finding_submit,
    finding_verify,
    lights_recompute,
    report_approve,
    report_part_submit,
    report_return,
    report_submit,
    work_item_create,
    work_item_propose,
)

#: Demo users who act for their unit (accounts.demo); other units act as the system.
UNIT_USERS = {"区经信局": "jxj", "区住建局": "zjj", "沈家门街道": "sjm"}

FINDINGS = [
    ("office_supervision", "部分企业首席质量官制度落实不到位", "区经信局", 20, "open"),
    ("leader", "老旧小区改造工程质量巡查记录不全", "区住建局", 30, "rectifying"),
    ("inspection", "农贸市场计量器具未按期检定", "区市场监管分局", -5, "rectifying"),
    ("public_tip", "沈家门渔港小镇餐饮服务质量投诉集中", "沈家门街道", 15, "submitted"),
    ("office_supervision", "质量强区工作台账更新不及时", "区发改局", -10, "closed"),
]


def _score(*parts: object) -> int:
    """A stable pseudo-random number 0–99 from the parts (the demo is the same every time)."""
    return int(hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 100


def _month_start(day: dt.date, back: int) -> dt.date:
    months = day.year * 12 + day.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))


@transaction.atomic
def load(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    plan = Plan.objects.order_by("pk").first()
    if plan is None or WorkItem.objects.exists():
        return {"work_items": 0, "reports": 0, "findings": 0}
    users = {u.username: u for u in User.objects.filter(username__in=[*UNIT_USERS.values(), "office"])}
    office = users.get("office")

    def acting(unit: OrgUnit):
        return users.get(UNIT_USERS.get(unit.label, ""))

    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    towns = list(OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("path"))
    items: list[WorkItem] = []
    for task in Task.objects.filter(plan=plan).prefetch_related("responsibilities__unit").order_by("order"):
        leads = [r.unit for r in task.responsibilities.all() if r.role == "lead"]
        cos = [r.unit for r in task.responsibilities.all() if r.role == "co"]
        if leads:
            items.append(work_item_create(
                actor=office, task=task, lead_unit=leads[0], title=f"{task.title}年度重点工作",
                start_date=year_start, deadline=year_end, co_units=leads[1:] + cos,
                milestones=[("制定年度工作方案", dt.date(today.year, 3, 31)),
                            ("完成年度目标任务", dt.date(today.year, 11, 30))]))
        if task.all_towns:
            for town in towns:
                items.append(work_item_create(actor=office, task=task, lead_unit=town,
                                              title=f"{town.label}{task.title}属地工作", start_date=year_start,
                                              deadline=year_end))
    first_task = Task.objects.filter(plan=plan).order_by("order").first()
    if first_task and towns:
        work_item_propose(actor=acting(towns[0]), task=first_task, lead_unit=towns[0],
                          title=f"{towns[0].label}质量提升示范街区建设", start_date=year_start, deadline=year_end)

    cycles = []
    for back in (1, 0):
        start = _month_start(today, back)
        end = _month_start(today, back - 1) - dt.timedelta(days=1)
        cycle = (ReportingCycle.objects.filter(plan=plan, frequency=Frequency.MONTHLY, period_start=start).first()
                 or cycle_create(actor=office, plan=plan, frequency=Frequency.MONTHLY, period_start=start,
                                 period_end=end, due_date=start.replace(day=25), label=cycle_label("monthly", start)))
        cycle_open(actor=office, cycle=cycle)
        cycles.append(cycle)

    reports = 0
    for index, cycle in enumerate(cycles):
        elapsed = (min(cycle.period_end, today) - year_start).days / 365
        for report in (ProgressReport.objects.filter(cycle=cycle).select_related("unit", "work_item")
                       .prefetch_related("parts__unit").order_by("pk")):
            roll = _score(report.work_item_id, cycle.pk)
            if (cycle.due_date > today and roll < 60) or (cycle.due_date <= today and roll < 8):
                continue  # not filed (yet): late when past due
            late = roll >= 85
            day = cycle.due_date + dt.timedelta(days=3 if late else -2)
            if day > today:
                continue
            for part in report.parts.all():
                report_part_submit(actor=acting(part.unit), part=part, done_text=f"{part.unit.label}配合推进，完成阶段任务。")
            pct = max(0, min(100, round(elapsed * 100) - 35 + _score(report.work_item_id) // 2))
            report_submit(actor=acting(report.unit), report=report, progress_pct=pct,
                          done_text=f"{report.unit.label}按计划推进“{report.work_item.title}”，本月完成阶段性任务。",
                          problems="部分项目资金到位较慢。" if roll % 3 == 0 else "",
                          next_steps="下月继续推进，确保按期完成。", today=day)
            ProgressReport.objects.filter(pk=report.pk).update(submitted_at=_at(day))
            reports += 1
            if index == 0 and roll % 10 == 3:
                report_return(actor=office, report=report, reason="请补充佐证材料和量化数据。")
            elif index == 0 or roll % 2 == 0:
                report_approve(actor=office, report=report, today=min(day + dt.timedelta(days=2), today),
                               relight=False)

    lights_recompute(on=today)
    escalation_run(today=today)

    units = {u.label: u for u in OrgUnit.objects.filter(short_name__in=[f[2] for f in FINDINGS])}
    findings = 0
    for source, title, unit_label, days, state in FINDINGS:
        unit = units.get(unit_label)
        if unit is None:
            continue
        finding = finding_create(actor=office, source=source, title=title, unit=unit, found_on=today - dt.timedelta(days=40),
                                 deadline=today + dt.timedelta(days=days), task=first_task)
        findings += 1
        if state in {"rectifying", "submitted", "closed"}:
            finding = finding_plan(actor=acting(unit), finding=finding, rectification_plan="制定整改方案，明确责任人和完成时限。")
        if state in {"submitted", "closed"}:
            finding = finding_submit(actor=acting(unit), finding=finding, rectification_result="已完成整改，附佐证材料。")
        if state == "closed":
            finding_verify(actor=office, finding=finding, note="经核查，整改到位，予以销号。")

    pending = (ProgressReport.objects.filter(status__in=[ReportStatus.OPEN, ReportStatus.DRAFT], unit__short_name="区经信局")
               .order_by("-due_date").first())
    if pending is not None and acting(pending.unit) is not None:
        extension_request_create(actor=acting(pending.unit), report=pending,
                                 requested_due_date=pending.due_date + dt.timedelta(days=10),
                                 reason="统计数据需待市统计局发布后方可报送。")
    return {"work_items": len(items), "reports": reports, "findings": findings}
