"""Demo loader: the office's half-year template and the half-year round of the year (2026 in the
demo), due 10 July. Every member unit filed on 8 July and was accepted, except: 区住建局 filed late
(15 July), 沈家门街道 has not filed (chased and recorded late), and 区经信局's summary was returned
for more figures, so its liaison (jxj) sees the form with the figures pulled again. The district
draft is generated from what was filed. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import User
from qualitygov.plans.models import Plan

from .chase import summaries_chase
from .choices import Figure, SummaryKind
from .models import SummaryTemplate, UnitSummary
from .services import (
    district_summary_generate,
    round_open,
    template_save,
    unit_summary_accept,
    unit_summary_return,
    unit_summary_save,
    unit_summary_submit,
)

SECTIONS = [
    {"heading": "一、主要工作成效", "guidance": "对照年度工作要点，写明完成的重点工作、取得的成效和亮点，引用本单位指标和工作事项数据"},
    {"heading": "二、存在的问题和不足", "guidance": "写明滞后的工作事项、未达序时目标的指标及原因"},
    {"heading": "三、下半年工作打算", "guidance": "针对问题提出措施和时间安排"},
]
RETURNED, LATE, MISSING = "区经信局", "区住建局", "沈家门街道"
#: The demo liaisons write their own unit's summary; the office enters the others'.
LIAISONS = {"区经信局": "jxj", "区住建局": "zjj", "沈家门街道": "sjm"}


def _texts(label: str, titles: list[str]) -> list[str]:
    work = "、".join(titles[:2]) or "质量强区各项工作"
    return [f"围绕{work}，{label}制定年度工作方案，明确责任科室和时间节点，上半年各项工作按计划推进。",
            "个别工作事项推进进度略慢于序时进度，基层质量工作力量仍显薄弱。",
            "对照年度目标逐项梳理，加快滞后事项推进，9月底前完成年度主要任务的80%以上。"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


@transaction.atomic
def load(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    plan = Plan.objects.order_by("pk").first()
    office = User.objects.filter(username="office").first()
    if plan is None or office is None or SummaryTemplate.objects.exists():
        return {"rounds": 0, "summaries": 0}
    template = template_save(actor=office, title="质量强区工作半年总结模板", sections=SECTIONS,
                             figures=[Figure.INDICATORS, Figure.WORK_ITEMS])
    year = today.year if today >= dt.date(today.year, 7, 20) else today.year - 1
    due = dt.date(year, 7, 10)
    rnd = round_open(actor=office, plan=plan, year=year, kind=SummaryKind.HALF_YEAR, half=1, due_date=due,
                     template=template)
    summaries = list(UnitSummary.objects.filter(round=rnd).select_related("unit"))
    summaries_chase(today=due - dt.timedelta(days=3))
    by_label = {s.unit.label: s for s in summaries}
    users = {u.username: u for u in User.objects.filter(username__in=LIAISONS.values())}

    def writer(label: str):
        return users.get(LIAISONS.get(label, ""), office)
    for summary in summaries:
        label = summary.unit.label
        if label in (LATE, MISSING):
            continue
        titles = list(summary.unit.led_work_items.filter(task__plan=plan).values_list("title", flat=True)[:2])
        unit_summary_submit(actor=writer(label), summary=summary, texts=_texts(label, titles), now=_at(due - dt.timedelta(days=2)))
    summaries_chase(today=due + dt.timedelta(days=1))
    if LATE in by_label:
        unit_summary_submit(actor=writer(LATE), summary=by_label[LATE], texts=_texts(LATE, []),
                            now=_at(due + dt.timedelta(days=5)))
    if MISSING in by_label:
        summary = by_label[MISSING]
        unit_summary_save(actor=writer(MISSING), summary=summary, texts=["上半年街道质量工作稳步推进（草稿）", "", ""])
    for summary in UnitSummary.objects.filter(round=rnd, status="submitted").select_related("unit"):
        if summary.unit.label == RETURNED:
            unit_summary_return(actor=office, summary=summary, reason="请补充规上工业企业首席质量官覆盖率等数据，并说明红灯事项原因。")
        elif summary.unit.label != LATE:
            unit_summary_accept(actor=office, summary=summary)
    district_summary_generate(actor=office, round=rnd, today=min(today, due + dt.timedelta(days=10)))
    return {"rounds": 1, "summaries": len(summaries)}
