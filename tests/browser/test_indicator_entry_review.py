"""Data entry to the light, end to end in Chromium: a large change must be explained; the liaison submits,
withdraws and resubmits; the office's 审核员 approves seeing the previous value, the target and the trend;
the dashboard light and the chart show the value (its half-year not yet over)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.indicators.models import Indicator, IndicatorResponsibility, Observation
from qualitygov.indicators.services import (
    indicator_set_targets,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.plans.tests.factories import plan_factory

pytestmark = pytest.mark.browser


def _world(cast):
    """A half-yearly share (≥ 60 % by 2025 from 52 % in 2022; 61 % for 2026) of 区经信局, with 2026-H1 approved
    at 50 % and a change of more than 20 % to be explained."""
    plan = plan_factory(title="浏览器测试方案（2023—2027年）")
    indicator = Indicator.objects.create(
        plan=plan, code="C14", name="规上制造业品牌销售占比", unit="%", comparator=">=", target_value=Decimal("60"),
        target_year=2025, scope="goals", baseline_year=2022, baseline_value=Decimal("52"), frequency="half_yearly",
        order=1, plausible_min=Decimal("0"), plausible_max=Decimal("100"), change_limit_pct=Decimal("20"))
    IndicatorResponsibility.objects.create(indicator=indicator, unit=cast.dept_a, role="lead")
    today = timezone.localdate()
    periods_generate(indicator=indicator, until=today)
    indicator_set_targets(actor=None, indicator=indicator, targets={2026: Decimal("61"), 2027: Decimal("62")},
                          reason="年度分解", decision="区质量强区办2026年第1次主任会议", in_force_from=dt.date(2026, 1, 15))
    first_half = indicator.periods.get(label=f"{today.year}-H1")
    obs = observation_save_draft(actor=cast.liaison_a, period=first_half, unit=cast.dept_a, value="50",
                                 comment="上半年快报")
    observation_approve(actor=cast.office, observation=observation_submit(actor=cast.liaison_a, observation=obs))
    reviewer = user_create(actor=None, username="reviewer_zhao", password=PASSWORD, display_name="审核员 赵",
                           unit=cast.office_unit, grants=[(Role.REVIEWER, cast.district, True)])
    return indicator, indicator.periods.get(label=f"{today.year}-H2"), reviewer


def _sign_in_as(page, username: str) -> None:
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(reverse("core:home")) + "$"))


def test_enter_explain_submit_withdraw_resubmit_review_and_the_light_shows_it(cast, new_page, sign_in):
    indicator, period, reviewer = _world(cast)
    label = period.label

    liaison = new_page()
    sign_in(liaison, "liaison_a")
    liaison.goto(reverse("indicators:observation_entry", args=[period.pk, cast.dept_a.pk]))
    liaison.locator("#id_value").fill("61.2")
    liaison.get_by_test_id("save-submit").click()
    # 50 → 61.2 is +22.4 %: more than the indicator's 20 %, so the liaison must explain it.
    error = liaison.locator("#id_comment ~ .invalid-feedback")
    assert error.inner_text() == "数值由 50 变为 61.2，变动超过 20%，请在说明中解释原因。"
    assert not Observation.objects.filter(period=period).exists()

    liaison.locator("#id_comment").fill("新增品牌企业3家")
    liaison.get_by_test_id("save-submit").click()
    liaison.wait_for_selector("[data-testid=status][data-status=submitted]")

    # Before review the liaison takes it back, corrects it and submits again.
    liaison.get_by_test_id("withdraw").click()
    liaison.wait_for_selector("[data-testid=status][data-status=draft]")
    assert "数值已撤回，现为草稿，可修改后重新报送。" in liaison.locator("main").inner_text()
    liaison.get_by_test_id("edit").click()
    liaison.locator("#id_value").fill("61.5")
    liaison.get_by_test_id("save-submit").click()
    liaison.wait_for_selector("[data-testid=status][data-status=submitted]")
    obs = Observation.objects.get(period=period, unit=cast.dept_a)
    assert (obs.value, obs.first_submitted_value, obs.comment) == (Decimal("61.5"), Decimal("61.2"), "新增品牌企业3家")

    # The office's reviewer (审核员) reviews, with what to weigh beside the value.
    review = new_page()
    _sign_in_as(review, reviewer.username)
    review.goto(reverse("indicators:review"))
    row = review.locator("[data-testid=review-row][data-code=C14]")
    row.get_by_role("link").click()
    facts = review.get_by_test_id("review-facts")
    assert facts.locator("[data-fact=previous]").inner_text() == f"50%（{period.start.year}-H1）"
    assert facts.locator("[data-fact=change]").inner_text() == "+23%"
    assert facts.locator("[data-fact=target]").inner_text() == f"≥ 61%（{period.start.year}）"
    assert facts.locator("[data-fact=trend]").inner_text() == f"{period.start.year}-H1：50"
    assert facts.locator("[data-fact=plausible]").inner_text() == "0 ～ 100"
    assert facts.locator("[data-fact=big-change]").inner_text() == "数值由 50 变为 61.5，变动超过 20%，请在说明中解释原因。"
    review.get_by_test_id("approve").click()
    review.wait_for_selector("[data-testid=status][data-status=approved]")

    # The approved value counts at once (its half-year is not over): light, target of the year, chart.
    review.goto(reverse("indicators:dashboard"))
    dash_row = review.locator("[data-testid=indicator-row][data-code=C14]")
    assert dash_row.get_by_test_id("light-label").get_attribute("data-light") == "green"
    cells = dash_row.locator("td")
    assert cells.nth(2).inner_text().split("\n") == ["61.5 %", label]
    assert cells.nth(3).inner_text().split("\n") == ["≥ 61%", str(period.start.year)]
    review.goto(reverse("indicators:indicator_detail", args=[indicator.pk]))
    review.wait_for_selector("#indicator-chart canvas")
    chart = json.loads(review.locator("#indicator-chart-data").text_content())
    assert chart["actual"][chart["labels"].index(label)] == 61.5
    assert (chart["target"], chart["target_year"]) == (61.0, period.start.year)
    assert review.get_by_test_id("not-counted").count() == 0
    assert review.get_by_test_id("judged-target").inner_text() == f"评判所用目标：61%（{period.start.year}）"
