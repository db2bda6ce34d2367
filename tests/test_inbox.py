"""The 待办 inbox gathers every app's work (indicator values come through the indicators' inbox
source, since progress does not import indicators), counts what it lists, and tells roles without
work so (issue 10, defect 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.indicators.services import (
    observation_return,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.plans.tests.factories import plan_factory, task_factory
from qualitygov.progress.models import EscalationEvent
from qualitygov.progress.services import work_item_create, work_item_propose


def _section(html: str, key: str) -> list[str]:
    """The visible lines (title · kind · detail) of one inbox section."""
    block = re.search(rf'data-testid="inbox-{key}".*?</section>', html, re.S)
    if block is None:
        return []
    items = re.findall(r'<li class="mb-2" data-testid="inbox-item">(.*?)</li>', block.group(0), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def _total(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'data-testid="inbox-total">(.*?)</p>', html, re.S).group(1)).strip()


def _nav_keys(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link[^"]*" href="([^"]*)"', html)


@pytest.fixture
def indicator(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2023, 12, 31))
    return indicator


def _submit(cast, indicator, label: str, value: str):
    observation = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label=label),
                                         unit=cast.dept_a, value=value)
    return observation_submit(actor=cast.liaison_a, observation=observation)


def test_the_office_inbox_counts_what_it_lists_including_indicator_values(client_for, cast, indicator):
    plan = plan_factory()
    task = task_factory(plan=plan, title="推动产业质量升级", lead=[cast.dept_a])
    today = timezone.localdate()
    work_item_propose(actor=cast.liaison_a, task=task, lead_unit=cast.dept_a, title="建设智能工厂3家",
                      start_date=today, deadline=today + dt.timedelta(days=90))
    _submit(cast, indicator, "2023-Q1", "96.5")

    html = client_for("office").get(reverse("progress:inbox")).content.decode()
    review = _section(html, "review")
    assert review == [
        "建设智能工厂3家 申报的工作事项 · 区经信局 申报的工作事项",
        "Q1 Q1 抽检合格率 · 2023-Q1 指标数据 · 区经信局 报送 96.5",
    ]
    assert _total(html) == "您有 2 项待办。"
    assert re.search(r'data-testid="inbox-review-count">(\d+)<', html).group(1) == "2"


def test_a_returned_indicator_value_is_under_returned_to_me_and_not_due(client_for, cast, indicator):
    _submit(cast, indicator, "2023-Q1", "96.5")
    returned = _submit(cast, indicator, "2023-Q2", "97")
    observation_return(actor=cast.office, observation=returned, reason="请附抽检报告")

    html = client_for("liaison_a").get(reverse("progress:inbox")).content.decode()
    assert _section(html, "returned") == ["Q1 Q1 抽检合格率 · 2023-Q2 指标数据 · 理由：请附抽检报告"]
    due = _section(html, "due")
    assert [line.split(" 指标数据")[0] for line in due] == ["Q1 Q1 抽检合格率 · 2023-Q3", "Q1 Q1 抽检合格率 · 2023-Q4"]
    # The office sees the submitted one to review, not the returned one.
    office = client_for("office").get(reverse("progress:inbox")).content.decode()
    assert _section(office, "review") == ["Q1 Q1 抽检合格率 · 2023-Q1 指标数据 · 区经信局 报送 96.5"]


def test_a_viewer_has_no_inbox_entry_and_is_told_why(client, cast):
    viewer = user_create(actor=None, username="viewer", password=PASSWORD, display_name="观察员", unit=cast.office_unit,
                         grants=[(Role.VIEWER, cast.district, True)])
    client.force_login(viewer)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("progress:inbox") not in _nav_keys(home)
    html = client.get(reverse("progress:inbox")).content.decode()
    assert 'data-testid="inbox-no-work"' in html
    assert "您的角色可查阅推进情况，无需填报或审批，因此这里没有待办事项。" in html
    assert 'data-testid="inbox-total"' not in html


def test_a_leader_reads_open_supervision_entries(client_for, cast):
    plan = plan_factory()
    task = task_factory(plan=plan, title="推动产业质量升级", lead=[cast.dept_a])
    today = timezone.localdate()
    item = work_item_create(actor=cast.office, task=task, lead_unit=cast.dept_a, title="建成数字化车间10个",
                            start_date=today - dt.timedelta(days=60), deadline=today + dt.timedelta(days=60))
    EscalationEvent.objects.create(
        work_item=item, unit=cast.dept_a, level="supervised", at=timezone.now(), on_date=today,
        due_date=today - dt.timedelta(days=10), days_overdue=10, reason="overdue_long", dedup_key="test-supervised")

    html = client_for("leader").get(reverse("progress:inbox")).content.decode()
    assert reverse("progress:inbox") in _nav_keys(html)
    assert _section(html, "read") == ["建成数字化车间10个 列入督办 · 区经信局 · 逾期时间较长"]
    assert _total(html) == "您有 0 项待办。 另有 1 项待阅。"
    # The office keeps the whole 督办 list on its own page; its inbox does not repeat it.
    assert _section(client_for("office").get(reverse("progress:inbox")).content.decode(), "read") == []


def test_a_liaisons_home_counts_its_indicator_values_to_enter_and_returned(client_for, cast, indicator):
    _submit(cast, indicator, "2023-Q1", "96.5")
    returned = _submit(cast, indicator, "2023-Q2", "97")
    observation_return(actor=cast.office, observation=returned, reason="请附抽检报告")

    html = client_for("liaison_a").get(reverse("core:home")).content.decode()
    values = {key: re.search(rf'data-testid="home-values-{key}">(\d+)<', html).group(1)
              for key in ("due", "overdue", "returned")}
    assert values == {"due": "2", "overdue": "2", "returned": "1"}  # 2023-Q3 and Q4, both past due
    assert 'data-testid="home-indicator-filing"' not in client_for("office").get(reverse("core:home")).content.decode()


def test_the_inbox_takes_the_same_queries_for_2_or_8_lines(client_for, cast, indicator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    task = task_factory(plan=plan_factory(), title="推动产业质量升级", lead=[cast.dept_a])
    today = timezone.localdate()

    def queries_with(n: int) -> int:
        for i in range(n):
            work_item_propose(actor=cast.liaison_a, task=task, lead_unit=cast.dept_a, title=f"事项{n}-{i}",
                              start_date=today, deadline=today + dt.timedelta(days=90))
        client = client_for("office")
        client.get(reverse("progress:inbox"))
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse("progress:inbox")).content.decode()
        return len(ctx.captured_queries), len(_section(html, "review"))

    small, lines_small = queries_with(2)
    large, lines_large = queries_with(6)
    assert (lines_small, lines_large) == (2, 8)
    assert small == large
