"""Demo loader: the office has published the plan, the indicators that have approved values (all but the
last two of them, which stay unpublished so a leak would show on the demo), the first two task groups and
last month's progress bulletin; a rule publishes the first indicator's values on the 5th of every month.
Everything through the real services. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import User
from qualitygov.indicators.choices import ObservationStatus
from qualitygov.indicators.models import Observation
from qualitygov.indicators.selectors import current_plan
from qualitygov.progress.bulletin import parse_period

from . import services
from .models import PublicationRule, PublishedItem


@transaction.atomic
def load(stdout=None, today: dt.date | None = None) -> dict[str, int]:
    plan = current_plan()
    office = User.objects.filter(username="office").first()
    if plan is None or office is None or PublishedItem.objects.exists():
        return {"items": 0, "rules": 0}
    today = today or timezone.localdate()
    published = [services.item_publish(actor=office, kind="plan", obj=plan, is_demo=True)]
    with_values = sorted({obs.indicator for obs in Observation.objects.filter(
        indicator__plan=plan, status=ObservationStatus.APPROVED).select_related("indicator")},
        key=lambda ind: (ind.order, ind.pk))
    # The last two indicators with approved values stay unpublished: the demo shows they do not leak.
    for indicator in with_values[:-2] if len(with_values) > 2 else with_values[:1]:
        published.append(services.item_publish(actor=office, kind="indicator", obj=indicator,
                                               options={"until": today.isoformat()}, is_demo=True))
    for group in plan.task_groups.order_by("order", "pk")[:2]:
        published.append(services.item_publish(actor=office, kind="taskgroup", obj=group, is_demo=True))
    month = (today.replace(day=1) - dt.timedelta(days=1))
    published.append(services.item_publish(actor=office, kind="bulletin",
                                           obj=parse_period(f"{month.year}-{month.month:02d}"), is_demo=True))
    rules = 0
    if with_values:
        services.rule_save(actor=office, name="每月5日公开上月末前审核通过的指标数据", kind="indicator",
                           keys=[with_values[0].pk], day_of_month=5, is_demo=True)
        rules = 1
    PublishedItem.objects.filter(pk__in=[i.pk for i in published]).update(is_demo=True)
    PublicationRule.objects.update(is_demo=True)
    return {"items": len(published), "rules": rules}
