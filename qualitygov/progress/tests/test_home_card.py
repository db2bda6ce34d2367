"""The progress cards of the home page: the office's plan at a glance and a liaison's own unit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from qualitygov.plans.tests.factories import plan_factory, task_factory
from qualitygov.progress.models import WorkItemLight
from qualitygov.progress.services import cycle_create, cycle_open, lights_recompute, work_item_create


def _value(html: str, testid: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(
        rf'data-testid="{testid}"[^>]*>(.*?)</(?:dd|span|ul|ol)>', html, re.S).group(1))).strip()


@pytest.fixture
def plan_with_items(cast):
    """Two work items over 200 days, half elapsed: 区经信局's on schedule, 区住建局's not yet reported;
    a monthly cycle due yesterday, opened (so both reports are overdue)."""
    today = timezone.localdate()
    plan = plan_factory()
    task = task_factory(plan=plan, title="推动产业质量升级", lead=[cast.dept_a], co=[cast.dept_b])
    span = {"start_date": today - dt.timedelta(days=100), "deadline": today + dt.timedelta(days=100)}
    on_track = work_item_create(actor=cast.office, task=task, lead_unit=cast.dept_a, title="建成数字化车间10个", **span)
    late = work_item_create(actor=cast.office, task=task, lead_unit=cast.dept_b, title="创建优质工程5项", **span)
    type(on_track).objects.filter(pk=on_track.pk).update(progress_pct=55)
    cycle = cycle_create(actor=cast.office, plan=plan, frequency="monthly", period_start=today.replace(day=1),
                         period_end=today + dt.timedelta(days=1), due_date=today - dt.timedelta(days=1), label="本月")
    cycle_open(actor=cast.office, cycle=cycle)
    return on_track, late


def test_the_office_sees_what_turned_red_and_why_and_who_is_behind(client_for, cast, plan_with_items):
    on_track, _late = plan_with_items
    today = timezone.localdate()
    lights_recompute(on=today - dt.timedelta(days=3))
    type(on_track).objects.filter(pk=on_track.pk).update(progress_pct=5)  # falls far behind
    lights_recompute(on=today)
    light = WorkItemLight.objects.get(work_item=on_track)
    assert (light.light, light.previous_light, light.changed_on) == ("red", "green", today)

    html = client_for("office").get(reverse("core:home")).content.decode()
    turned = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(
        r'data-testid="home-turned-red">(.*?)</ul>', html, re.S).group(1))).strip()
    assert turned == f"建成数字化车间10个 · 区经信局 · {today.isoformat()} · 严重落后于序时进度"
    units = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(
        r'data-testid="home-overdue-units">(.*?)</ol>', html, re.S).group(1))).strip()
    assert units == "区住建局 逾期 1 份 区经信局 逾期 1 份"  # equal counts: by full name
    assert _value(html, "home-month-rate") == "0%（0/2）"
    assert _value(html, "home-task-red") == "1"


def test_a_liaison_sees_its_own_unit(client_for, cast, plan_with_items):
    lights_recompute(on=timezone.localdate())
    html = client_for("liaison_b").get(reverse("core:home")).content.decode()
    assert "本单位工作" in html
    assert "任务亮灯概况" not in html
    assert (_value(html, "home-overdue-reports"), _value(html, "home-due"), _value(html, "home-returned")) == (
        "1", "0", "0")
    # 区住建局's own item (nothing reported, a report late) is yellow; it does not see 区经信局's.
    assert [_value(html, f"home-item-{c}") for c in ("red", "yellow", "green", "grey")] == ["0", "1", "0", "0"]
