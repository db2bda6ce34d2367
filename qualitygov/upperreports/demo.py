"""Demo loader: the city's quarterly indicator table for the seed plan's indicators, last quarter's report
generated, reviewed and sent (with its files) before its due date, and this quarter's report as a draft
(its values are not all in yet, so it shows 未报). Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import User
from qualitygov.indicators.selectors import current_plan

from .choices import DEFAULT_COLUMNS, PeriodKind
from .models import UpperReport, UpperReportTemplate
from .periods import due_date, period_containing, previous_period
from .services import report_create, report_review, report_submit, template_save

TITLE = "《普陀区质量强区指标完成情况表》"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def load(stdout=None, today: dt.date | None = None) -> dict[str, int]:
    plan = current_plan()
    if plan is None or UpperReportTemplate.objects.filter(title=TITLE).exists():
        return {"templates": 0, "reports": 0}
    indicators = list(plan.indicators.order_by("order", "pk"))
    if not indicators:
        return {"templates": 0, "reports": 0}
    office = User.objects.get(username="office")
    template = template_save(actor=office, title=TITLE, requested_by="市质量强市办", plan=plan, indicators=indicators,
                             columns=DEFAULT_COLUMNS, period_kind=PeriodKind.QUARTER, due_workdays=5,
                             include_progress=True, filing_unit="普陀区质量强区办",
                             notes="市质量强市办要求每季度结束后第5个工作日前通过浙政钉报送（演示数据）。")
    now = timezone.now() if today is None else min(timezone.now(), _at(today, 18))
    today = today or timezone.localdate()
    last = previous_period(PeriodKind.QUARTER, today)
    due = due_date(last, template.due_workdays)
    generated = min(_at(due - dt.timedelta(days=2), 9), now)
    sent = report_create(actor=office, template=template, year=last.year, number=last.number, now=generated)
    note = "已核对。" + ("部分指标数据尚未审核，按现状报送，下期补报。" if sent.missing_count else "")
    sent = report_review(actor=office, report=sent, note=note, now=min(_at(due - dt.timedelta(days=1), 15), now))
    sent = report_submit(actor=office, report=sent, channel="zhengding", recipient="市质量强市办 综合协调处",
                         submitted_at=min(_at(due - dt.timedelta(days=1), 16, 30), now),
                         receipt_note="已通过浙政钉发送，对方已读（演示数据）")
    current = period_containing(PeriodKind.QUARTER, today)
    draft = report_create(actor=office, template=template, year=current.year, number=current.number, now=now)
    UpperReport.objects.filter(pk__in=[sent.pk, draft.pk]).update(is_demo=True)
    return {"templates": 1, "reports": 2}
