"""Data-entry safeguards and review (issue: weak safeguards, reviewers, values that do not count yet).

Uses the shared indicator world (`url_samples.world`): A1 (万元/亩, ≥ 30 by 2027 from 20 in 2022),
2023 approved 22, 2024 submitted 25, 2025 draft 26; A2 a quarterly percentage with nothing entered.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.errors import ConflictError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import Observation
from qualitygov.indicators.services import (
    indicator_status_refresh,
    indicator_update,
    observation_approve,
    observation_save_draft,
    observation_submit,
    observation_withdraw,
)
from tests.dbstate import changed_tables, table_snapshot

from .url_samples import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(cast):
    """The office's 审核员: view and review over the district, no approve, no change."""
    return user_create(actor=None, username="reviewer", password=PASSWORD, display_name="审核员 赵",
                       unit=cast.office_unit, grants=[(Role.REVIEWER, cast.district, True)])


def test_plausible_range_refuses_a_negative_output_even_with_a_comment(cast):
    w = world(cast)
    indicator_update(actor=cast.office, indicator=w.a1, plausible_min="0", plausible_max="500")
    period = w.period(w.a1, "2026")
    with pytest.raises(ServiceError) as info:
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="-3",
                               comment="统计口径调整")
    assert (info.value.code, list(info.value.fields)) == ("implausible", ["value"])
    assert info.value.message == "-3 超出本指标的合理范围（0 至 500），请核实数值。"
    with pytest.raises(ServiceError):
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="501", comment="x")
    assert not Observation.objects.filter(period=period).exists()
    assert observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="27").value == 27
    event = AuditEvent.objects.filter(action="indicator.update", object_id=str(w.a1.pk)).latest("seq")
    assert event.changes["plausible_min"] == [None, "0"]


def test_the_indicator_change_threshold_asks_to_explain_16_6_to_35(cast):
    """16.6 → 35 is +111 %: within the old 3× factor, beyond the indicator's 20 %."""
    w = world(cast)
    a2 = w.a2
    approve = lambda label, value: observation_approve(  # noqa: E731
        actor=cast.office, observation=observation_submit(actor=cast.liaison_a, observation=observation_save_draft(
            actor=cast.liaison_a, period=w.period(a2, label), unit=cast.dept_a, value=value)))
    approve("2023-Q1", "16.6")
    q2 = w.period(a2, "2023-Q2")
    # Without a threshold on the indicator the status rules' factor (3×) lets it through...
    assert observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="35").value == 35
    Observation.objects.filter(period=q2).delete()
    indicator_update(actor=cast.office, indicator=a2, change_limit_pct="20")
    with pytest.raises(ServiceError) as info:
        observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="35")
    assert (info.value.code, info.value.message) == (
        "comment_required", "数值由 16.6 变为 35，变动超过 20%，请在说明中解释原因。")
    assert not Observation.objects.filter(period=q2).exists()
    assert observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="19.9").value == Decimal(
        "19.9")  # +19.9 %: no explanation needed
    assert observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="35",
                                  comment="新增统计企业12家").comment == "新增统计企业12家"


def test_the_entry_form_shows_the_threshold_message_on_the_comment(cast, client_for):
    w = world(cast)
    indicator_update(actor=cast.office, indicator=w.a1, change_limit_pct="10")
    url = reverse("indicators:observation_entry", args=[w.period(w.a1, "2026").pk, cast.dept_a.pk])
    liaison = client_for("liaison_a")
    before = table_snapshot()
    response = liaison.post(url, {"value": "40", "comment": "", "action": "submit", "version": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == ["数值由 26 变为 40，变动超过 10%，请在说明中解释原因。"]
    assert changed_tables(before, table_snapshot()) == []


def test_a_liaison_withdraws_a_submitted_value_before_review_and_resubmits(cast, client_for):
    w = world(cast)
    obs = w.observation(w.a1, "2024", cast.dept_a)  # submitted 25
    first_at = obs.first_submitted_at
    other, leader, liaison = client_for("liaison_b"), client_for("leader"), client_for("liaison_a")
    before = table_snapshot()
    assert other.post(reverse("indicators:observation_withdraw", args=[obs.pk])).status_code == 404
    assert leader.post(reverse("indicators:observation_withdraw", args=[obs.pk])).status_code == 404
    assert changed_tables(before, table_snapshot()) == []

    response = liaison.post(reverse("indicators:observation_withdraw", args=[obs.pk]))
    assert response.status_code == 302
    obs.refresh_from_db()
    assert (obs.status, obs.first_submitted_value, obs.first_submitted_at) == ("draft", Decimal("25"), first_at)
    assert AuditEvent.objects.filter(action="observation.withdraw", object_id=str(obs.pk)).count() == 1
    assert obs not in list(Observation.objects.filter(status="submitted"))
    with pytest.raises(ConflictError):  # a draft is not withdrawn again
        observation_withdraw(actor=cast.liaison_a, observation=obs)

    obs = observation_save_draft(actor=cast.liaison_a, period=obs.period, unit=cast.dept_a, value="24.5")
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    assert (obs.status, obs.value, obs.first_submitted_value) == ("submitted", Decimal("24.5"), Decimal("25"))
    observation_approve(actor=cast.office, observation=obs)
    with pytest.raises(ConflictError):  # once reviewed it stays
        observation_withdraw(actor=cast.liaison_a, observation=obs)


def test_the_reviewer_role_reviews_indicator_data_and_sees_what_to_weigh(cast, reviewer, client):
    w = world(cast)
    obs = w.observation(w.a1, "2024", cast.dept_a)  # submitted 25; 2023 approved 22
    indicator_status_refresh(indicator=w.a1, as_of=obs.period.end)
    client.force_login(reviewer)
    page = client.get(reverse("indicators:review"))
    assert page.status_code == 200
    assert [o.pk for o in page.context["observations"]] == [obs.pk]
    listed = page.content.decode()
    cells = {key: re.sub(r"\s+", "", value) for key, value in
             re.findall(r'<td[^>]*data-testid="(previous|target)">(.*?)</td>', listed, re.S)}
    assert cells == {"previous": "22万元/亩", "target": "≥30万元/亩（2027）"}
    detail = client.get(reverse("indicators:observation_detail", args=[obs.pk])).content.decode()
    facts = {key: re.sub(r"\s+", "", value) for key, value in
             re.findall(r'data-fact="([a-z-]+)">(.*?)</dd>', detail, re.S)}
    assert facts == {"previous": "22万元/亩（2023）", "change": "+13.6%", "target": "≥30万元/亩（2027）",
                     "expected": "24", "trend": "2023：22", "plausible": "—～—"}
    assert 'data-testid="approve"' in detail and 'data-testid="withdraw"' not in detail
    response = client.post(reverse("indicators:observation_approve", args=[obs.pk]))
    assert response.status_code == 302
    obs.refresh_from_db()
    assert (obs.status, obs.approved_by) == ("approved", reviewer)


def test_the_reviewer_returns_a_value_with_a_reason(cast, reviewer, client):
    w = world(cast)
    obs = w.observation(w.a1, "2024", cast.dept_a)
    client.force_login(reviewer)
    response = client.post(reverse("indicators:observation_return", args=[obs.pk]), {"reason": "请附统计年报"})
    assert response.status_code == 302
    obs.refresh_from_db()
    assert (obs.status, obs.return_reason) == ("returned", "请附统计年报")


def test_the_indicator_page_says_which_values_do_not_count_yet_and_why(cast, client_for):
    w = world(cast)
    indicator_status_refresh(indicator=w.a1, as_of=w.period(w.a1, "2026").end)
    page = client_for("office").get(reverse("indicators:indicator_detail", args=[w.a1.pk])).content.decode()
    note = re.search(r'data-testid="not-counted">(.*?)</div>', page, re.S).group(1)
    items = [re.sub(r"<[^>]+>|\s+", "", item) for item in re.findall(r"<li[^>]*>(.*?)</li>", note, re.S)]
    assert items == ["2024·区经信局：25万元/亩，待审核：审核通过后计入。",
                     "2025·区经信局：26万元/亩，草稿：尚未报送，报送并审核通过后计入。"]
    # Another unit's liaison sees none of 区经信局's values.
    page = client_for("liaison_b").get(reverse("indicators:indicator_detail", args=[w.a1.pk]))
    assert page.status_code == 404


def test_derived_numbers_are_rounded_for_display_and_the_forecast_label_is_not_doubled(cast, client_for):
    w = world(cast)
    stored = indicator_status_refresh(indicator=w.a1, as_of=w.period(w.a1, "2023").end)
    # Stored inputs keep 4 decimals (as a computed rate would); the page shows them rounded.
    stored.inputs.update({"gap_pct": 22.2222, "expected": 76.6667})
    stored.save()
    page = client_for("office").get(reverse("indicators:indicator_detail", args=[w.a1.pk])).content.decode()
    why = dict(re.findall(r'data-why="([a-z_]+)">(.*?)</dd>', page))
    assert (why["gap_pct"], why["expected"]) == ("22.2%", "76.67")
    assert "22.2222" not in page and "76.6667" not in page
    forecast = re.sub(r"<[^>]+>", "", re.search(r'data-testid="forecast">(.*?)</p>', page, re.S).group(1))
    assert forecast == "预测：数据不足"  # the label of a real forecast carries the word itself: "预测：能达标"
    stored.forecast_status = "on_track"
    stored.save()
    page = client_for("office").get(reverse("indicators:indicator_detail", args=[w.a1.pk])).content.decode()
    forecast = re.sub(r"<[^>]+>", "", re.search(r'data-testid="forecast">(.*?)</p>', page, re.S).group(1))
    assert forecast.startswith("预测：能达标")



