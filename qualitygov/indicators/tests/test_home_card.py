"""The indicators' home card answers "what turned red since last week and why": indicators whose light
turned red in the last seven days (read from the audited light changes), with the day and the rule and
numbers that made them red; a liaison sees only its own unit's indicators."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import IndicatorStatus
from qualitygov.indicators.selectors import indicators_turned_red_since
from qualitygov.indicators.services import (
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)

from .engine_helpers import engine_plan, quarterly_indicator

pytestmark = pytest.mark.django_db


def _quarters() -> tuple[str, str]:
    """The last two quarters ended before today (values of earlier quarters would be stale)."""
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3  # the last ended quarter, 0 meaning last year's Q4
    if quarter == 0:
        year, quarter = year - 1, 4
    before = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return f"{before[0]}-Q{before[1]}", f"{year}-Q{quarter}"


def _approve(indicator, unit, liaison, office, label: str, value: str) -> None:
    obs = observation_save_draft(actor=liaison, period=indicator.periods.get(label=label), unit=unit, value=value,
                                 comment="季度数据")
    observation_approve(actor=office, observation=observation_submit(actor=liaison, observation=obs))


@pytest.fixture
def lights(cast):
    """Q1 (区经信局) green, then red; Q2 (区住建局) green, then red; Q3 (区经信局) red from its first value."""
    plan = engine_plan()
    made = {}
    for code, unit, liaison in [("Q1", cast.dept_a, cast.liaison_a), ("Q2", cast.dept_b, cast.liaison_b),
                                ("Q3", cast.dept_a, cast.liaison_a)]:
        indicator = quarterly_indicator(cast, plan=plan, code=code, reporters=[(unit, "lead")])
        periods_generate(indicator=indicator, until=timezone.localdate())
        earlier, last = _quarters()
        if code != "Q3":
            _approve(indicator, unit, liaison, cast.office, earlier, "99.5")
        _approve(indicator, unit, liaison, cast.office, last, "91")
        made[code] = indicator
    return made


def _card(html: str) -> list[str]:
    rows = re.findall(r'data-testid="home-indicator-turned-red" data-code="(\w+)">(.*?)</li>', html, re.S)
    return [f"{code} " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body)).strip() for code, body in rows]


def test_the_lights_behind_the_card(cast, lights):
    statuses = {s.indicator.code: (s.light, s.rule) for s in IndicatorStatus.objects.select_related("indicator")}
    assert statuses == {"Q1": ("red", "far_behind"), "Q2": ("red", "far_behind"), "Q3": ("red", "far_behind")}
    changes = [e.changes["light"] for e in AuditEvent.objects.filter(action="indicator.status_change",
                                                                     object_id=str(lights["Q1"].pk)).order_by("seq")]
    assert changes == [[None, "green"], ["green", "red"]]


def test_the_office_reads_what_turned_red_this_week_and_why(client_for, cast, lights):
    html = client_for("office").get(reverse("core:home")).content.decode()
    today = f"{timezone.localdate():%Y-%m-%d}"
    why = f"严重落后于序时进度（实际值 91（{_quarters()[1]}），序时目标值 99，差距 8）"
    # Most recent first; Q3 was red from its first value: not a change.
    assert _card(html) == [f"Q2 Q2 Q2 抽检合格率 · {today} · {why}", f"Q1 Q1 Q1 抽检合格率 · {today} · {why}"]
    assert "近七天转为红灯的指标" in html


def test_a_liaison_reads_only_its_own_indicators(client_for, lights):
    html = client_for("liaison_a").get(reverse("core:home")).content.decode()
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert _card(html) == [
        f"Q1 Q1 Q1 抽检合格率 · {today} · 严重落后于序时进度（实际值 91（{_quarters()[1]}），序时目标值 99，差距 8）"]


def test_a_change_to_red_before_the_window_is_not_listed(cast, lights):
    red_ids = [lights["Q1"].pk, lights["Q2"].pk, lights["Q3"].pk]
    q2_red = AuditEvent.objects.filter(action="indicator.status_change", object_id=str(lights["Q2"].pk)).latest("seq")
    assert q2_red.changes["light"] == ["green", "red"]
    # From the moment Q2 turned red: Q1 turned red before it, so only Q2.
    found = indicators_turned_red_since(user=cast.office, since=q2_red.at, red_ids=red_ids)
    assert [(status.indicator.code, at) for status, at in found] == [("Q2", q2_red.at)]
    assert indicators_turned_red_since(user=cast.office, since=q2_red.at + dt.timedelta(microseconds=1),
                                       red_ids=red_ids) == []


def test_no_red_change_says_so(client_for, cast):
    plan = engine_plan()
    indicator = quarterly_indicator(cast, plan=plan, code="Q1")
    periods_generate(indicator=indicator, until=timezone.localdate())
    _approve(indicator, cast.dept_a, cast.liaison_a, cast.office, _quarters()[1], "99.5")
    html = client_for("office").get(reverse("core:home")).content.decode()
    assert 'data-testid="home-indicators-turned-red-none">近七天没有指标转为红灯。</p>' in html


@pytest.mark.parametrize("member", ["office", "liaison_a"])
def test_the_card_with_red_changes_keeps_its_query_budget(cast, lights, member, django_assert_max_num_queries):
    from django.test import RequestFactory

    from qualitygov.core import registry

    card = next(card for card in registry.home_cards() if card.key == "indicators")
    request = RequestFactory().get("/")
    request.user = cast.members[member]
    with django_assert_max_num_queries(card.query_budget):
        context = card.build(request)
    assert len(context["turned_red"]) == (2 if member == "office" else 1)
