"""A liaison submits a value, the office approves it, the dashboard light changes and says why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qualitygov.indicators.models import Indicator, IndicatorResponsibility, IndicatorStatus
from qualitygov.indicators.services import indicator_status_refresh, periods_generate
from qualitygov.plans.tests.factories import plan_factory

pytestmark = pytest.mark.browser

#: 2.7 is ahead of the expected 2.6 (baseline 2 in 2022 → 3 in 2027, end of 2025): no warning rule fires.
RULE_TEXT = "符合序时进度"


def _indicator(cast) -> Indicator:
    plan = plan_factory(title="浏览器测试方案（2023—2027年）")
    indicator = Indicator.objects.create(
        plan=plan, code="C1", name="规上工业企业研发费用占营业收入比重", unit="%", comparator=">=",
        target_value=Decimal("3"), target_year=2027, scope="goals", baseline_year=2022,
        baseline_value=Decimal("2"), frequency="yearly", order=1)
    IndicatorResponsibility.objects.create(indicator=indicator, unit=cast.dept_a, role="lead")
    periods_generate(indicator=indicator, until=dt.date(2025, 12, 31))
    indicator_status_refresh(indicator=indicator, as_of=timezone.localdate())
    return indicator


def test_submit_approve_and_the_light_changes_with_its_why(cast, new_page, sign_in):
    indicator = _indicator(cast)
    assert IndicatorStatus.objects.get(indicator=indicator).light == "grey"

    liaison = new_page()
    sign_in(liaison, "liaison_a")
    liaison.goto(reverse("indicators:unit_page", args=[cast.dept_a.pk]))
    row = liaison.locator('[data-testid=due-row][data-code=C1][data-period="2025"]')
    row.get_by_test_id("enter-link").click()
    liaison.locator("#id_value").fill("2.7")
    liaison.get_by_test_id("save-submit").click()
    liaison.wait_for_selector('[data-testid=status][data-status=submitted]')
    assert "数值已报送审核。" in liaison.locator("main").inner_text()

    office = new_page()
    sign_in(office, "office")
    office.goto(reverse("indicators:dashboard"))
    office_row = office.locator("[data-testid=indicator-row][data-code=C1]")
    assert office_row.get_by_test_id("light-label").get_attribute("data-light") == "grey"
    office.get_by_test_id("review-link").click()
    office.locator("[data-testid=review-row][data-code=C1]").get_by_role("link").click()
    office.get_by_test_id("approve").click()
    office.wait_for_selector('[data-testid=status][data-status=approved]')

    office.goto(reverse("indicators:dashboard"))
    office_row = office.locator("[data-testid=indicator-row][data-code=C1]")
    assert office_row.get_by_test_id("light-label").get_attribute("data-light") == "green"
    assert office_row.get_by_test_id("light-label").inner_text() == "绿灯"
    office_row.locator("summary").click()
    why = office_row.get_by_test_id("why")
    assert why.locator("[data-why=actual]").inner_text() == "2.7（2025）"
    assert why.locator("[data-why=expected]").inner_text() == "2.6"
    assert why.locator("[data-why=gap]").inner_text() == "-0.1"
    assert why.locator("[data-why=rule]").inner_text() == RULE_TEXT

    # The indicator page draws the chart from the embedded JSON (bundled ECharts, no network).
    office.goto(reverse("indicators:indicator_detail", args=[indicator.pk]))
    office.wait_for_selector("#indicator-chart canvas")
    assert office.evaluate("typeof echarts") == "object"
