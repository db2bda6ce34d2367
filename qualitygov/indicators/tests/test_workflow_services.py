"""The review workflow, entry validation, definitions and the stored status, at service level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.utils import timezone, translation

from qualitygov.accounts.choices import Role
from qualitygov.accounts.models import User
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core import notifications
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent, Notification
from qualitygov.indicators import registry
from qualitygov.indicators.models import (
    IndicatorStatus,
    IndicatorTarget,
    Observation,
    ObservationChangeRequest,
    StatusRuleSet,
)
from qualitygov.indicators.selectors import overdue_list, status_why, timeliness_by_unit
from qualitygov.indicators.services import (
    change_request_create,
    change_request_decide,
    computed_values_refresh,
    indicator_set_responsibilities,
    indicator_set_targets,
    indicator_status_refresh,
    indicator_update,
    observation_approve,
    observation_return,
    observation_save_draft,
    observation_submit,
    periods_generate,
    status_refresh_all,
)

from .engine_helpers import quarterly_indicator


@pytest.fixture
def indicator(cast):
    indicator = quarterly_indicator(cast)
    periods_generate(indicator=indicator, until=dt.date(2024, 12, 31))
    return indicator


def period(indicator, label):
    return indicator.periods.get(label=label)


def submitted(cast, indicator, label="2023-Q1", value="95"):
    obs = observation_save_draft(actor=cast.liaison_a, period=period(indicator, label), unit=cast.dept_a, value=value,
                                 comment="季度数据")
    return observation_submit(actor=cast.liaison_a, observation=obs)


def approved(cast, indicator, label, value, comment="季度数据"):
    obs = observation_save_draft(actor=cast.liaison_a, period=period(indicator, label), unit=cast.dept_a, value=value,
                                 comment=comment)
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    return observation_approve(actor=cast.office, observation=obs)


# The workflow

def test_draft_submit_return_resubmit_approve(cast, indicator):
    obs = observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a,
                                 value="95.5")
    assert (obs.status, obs.value, obs.first_submitted_value) == ("draft", D("95.5"), None)
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    assert (obs.status, obs.submitted_by, obs.first_submitted_value) == ("submitted", cast.liaison_a, D("95.5"))
    first_at = obs.first_submitted_at
    obs = observation_return(actor=cast.office, observation=obs, reason="请附抽检报告")
    assert (obs.status, obs.return_reason) == ("returned", "请附抽检报告")
    notice = Notification.objects.get(recipient=cast.liaison_a, kind="indicator_returned")
    assert notice.body.endswith("请附抽检报告")
    obs = observation_save_draft(actor=cast.liaison_a, period=obs.period, unit=cast.dept_a, value="95.8")
    assert (obs.status, obs.value) == ("returned", D("95.8"))
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    obs = observation_approve(actor=cast.office, observation=obs)
    obs.refresh_from_db()
    assert (obs.status, obs.value, obs.first_submitted_value, obs.first_submitted_at, obs.approved_by) == (
        "approved", D("95.8"), D("95.5"), first_at, cast.office)
    assert obs.return_reason == ""
    actions = list(AuditEvent.objects.filter(object_type="indicators.observation", object_id=str(obs.pk))
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["observation.save_draft", "observation.submit", "observation.return",
                       "observation.save_draft", "observation.submit", "observation.approve"]


def test_a_failing_mail_server_does_not_undo_the_return(cast, indicator, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    User.objects.filter(pk=cast.liaison_a.pk).update(email="liaison_a@example.org")
    obs = submitted(cast, indicator)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        observation_return(actor=cast.office, observation=obs, reason="请附抽检报告")
    assert len(callbacks) == 1
    obs.refresh_from_db()
    assert (obs.status, obs.return_reason) == ("returned", "请附抽检报告")
    assert AuditEvent.objects.filter(action="observation.return", object_id=str(obs.pk)).count() == 1
    notice = Notification.objects.get(recipient=cast.liaison_a, kind="indicator_returned")
    assert (notice.emailed, notice.email_pending, notice.email_attempts, notice.email_error) == (
        False, True, 1, "ConnectionRefusedError: SMTP server down")
    assert mail.outbox == []


def test_a_refused_return_sends_no_mail(cast, indicator, django_capture_on_commit_callbacks):
    User.objects.filter(pk=cast.liaison_a.pk).update(email="liaison_a@example.org")
    obs = submitted(cast, indicator)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ServiceError):
        observation_return(actor=cast.liaison_b, observation=obs, reason="x")
    assert callbacks == []
    assert (mail.outbox, Notification.objects.count()) == ([], 0)


def test_an_approved_value_is_locked(cast, indicator):
    obs = approved(cast, indicator, "2023-Q1", "95")
    with pytest.raises(ConflictError):
        observation_save_draft(actor=cast.liaison_a, period=obs.period, unit=cast.dept_a, value="96")
    with pytest.raises(ConflictError):
        observation_submit(actor=cast.liaison_a, observation=obs)
    with pytest.raises(ConflictError):
        observation_approve(actor=cast.office, observation=obs)
    obs.refresh_from_db()
    assert (obs.status, obs.value) == ("approved", D("95"))


def test_a_submitted_value_cannot_be_edited_until_reviewed(cast, indicator):
    obs = submitted(cast, indicator)
    with pytest.raises(ConflictError):
        observation_save_draft(actor=cast.liaison_a, period=obs.period, unit=cast.dept_a, value="97")
    obs.refresh_from_db()
    assert obs.value == D("95")


def test_return_needs_a_reason(cast, indicator):
    obs = submitted(cast, indicator)
    with pytest.raises(ServiceError) as info:
        observation_return(actor=cast.office, observation=obs, reason="  ")
    assert info.value.code == "reason_required"
    obs.refresh_from_db()
    assert obs.status == "submitted"


# Permission matrix

@pytest.mark.parametrize(("member", "outcome"), [
    ("office", "approved"), ("leader", "approved"), ("liaison_a", "forbidden"), ("liaison_b", "not_found"),
    ("town_liaison", "not_found"),
])
def test_who_may_approve(cast, indicator, member, outcome):
    obs = submitted(cast, indicator)
    actor = cast.members[member]
    if outcome == "approved":
        assert observation_approve(actor=actor, observation=obs).status == "approved"
        return
    with pytest.raises(NotFoundError if outcome == "not_found" else ServiceError) as info:
        observation_approve(actor=actor, observation=obs)
    assert info.value.code == outcome
    obs.refresh_from_db()
    assert (obs.status, obs.approved_by, obs.approved_at) == ("submitted", None, None)


@pytest.mark.parametrize(("member", "outcome"), [
    ("office", "draft"), ("liaison_a", "draft"), ("liaison_b", "not_found"), ("town_liaison", "not_found"),
    ("leader", "forbidden"),
])
def test_who_may_enter_a_units_value(cast, indicator, member, outcome):
    args = {"period": period(indicator, "2023-Q1"), "unit": cast.dept_a, "value": "95"}
    if outcome == "draft":
        assert observation_save_draft(actor=cast.members[member], **args).status == "draft"
        return
    with pytest.raises(NotFoundError if outcome == "not_found" else ServiceError) as info:
        observation_save_draft(actor=cast.members[member], **args)
    assert info.value.code == outcome
    assert Observation.objects.count() == 0


def test_a_liaison_cannot_see_or_touch_another_units_draft(cast, indicator):
    draft = observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a,
                                   value="95")
    assert list(Observation.objects.visible_to(cast.liaison_b)) == []
    assert list(Observation.objects.visible_to(cast.liaison_a)) == [draft]
    assert list(Observation.objects.visible_to(cast.office)) == [draft]
    with pytest.raises(NotFoundError):
        observation_submit(actor=cast.liaison_b, observation=draft)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_reviewer_who_also_reports_for_the_unit_cannot_approve_it(cast, indicator):
    both = user_create(actor=None, username="both", password=PASSWORD, unit=cast.dept_a,
                       grants=[(Role.REVIEWER, cast.district, True), (Role.DEPARTMENT_LIAISON, cast.dept_a, False)])
    obs = submitted(cast, indicator)
    with pytest.raises(ServiceError) as info:
        observation_approve(actor=both, observation=obs)
    assert info.value.code == "self_approval"
    with pytest.raises(ServiceError):
        observation_return(actor=both, observation=obs, reason="x")
    obs.refresh_from_db()
    assert obs.status == "submitted"


def test_nobody_approves_what_they_submitted(cast, indicator):
    obs = observation_save_draft(actor=cast.office, period=period(indicator, "2023-Q1"), unit=cast.dept_a, value="95")
    obs = observation_submit(actor=cast.office, observation=obs)
    with pytest.raises(ServiceError) as info:
        observation_approve(actor=cast.office, observation=obs)
    assert info.value.code == "self_approval"
    assert observation_approve(actor=cast.leader, observation=obs).status == "approved"


# Change requests

def test_correcting_an_approved_value_needs_a_request_a_reason_and_an_approver(cast, indicator):
    obs = approved(cast, indicator, "2023-Q1", "95")
    with pytest.raises(ServiceError) as info:
        change_request_create(actor=cast.liaison_a, observation=obs, new_value="96", reason="")
    assert info.value.code == "reason_required"
    with pytest.raises(NotFoundError):
        change_request_create(actor=cast.liaison_b, observation=obs, new_value="96", reason="统计口径调整")
    request = change_request_create(actor=cast.liaison_a, observation=obs, new_value="96.2", reason="统计口径调整")
    with pytest.raises(ConflictError):
        change_request_create(actor=cast.liaison_a, observation=obs, new_value="97", reason="再次")
    with pytest.raises(ServiceError) as info:
        change_request_decide(actor=cast.liaison_a, change_request=request, approve=True)
    assert info.value.code == "forbidden"
    obs.refresh_from_db()
    assert obs.value == D("95")
    change_request_decide(actor=cast.office, change_request=request, approve=True, note="同意")
    obs.refresh_from_db()
    request.refresh_from_db()
    assert (obs.value, obs.first_submitted_value, obs.status) == (D("96.2"), D("95"), "approved")
    assert (request.status, request.decided_by, request.decision_note) == ("approved", cast.office, "同意")
    event = AuditEvent.objects.get(action="observation.correct")
    assert event.changes["value"] == ["95.0000", "96.2000"]
    with pytest.raises(ConflictError):
        change_request_decide(actor=cast.office, change_request=request, approve=False)


def test_a_rejected_request_leaves_the_value(cast, indicator):
    obs = approved(cast, indicator, "2023-Q1", "95")
    request = change_request_create(actor=cast.liaison_a, observation=obs, new_value="96", reason="补报")
    change_request_decide(actor=cast.leader, change_request=request, approve=False, note="依据不足")
    obs.refresh_from_db()
    assert (obs.value, ObservationChangeRequest.objects.get().status) == (D("95"), "rejected")


def test_a_draft_is_not_corrected_through_a_request(cast, indicator):
    draft = observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a,
                                   value="95")
    with pytest.raises(ConflictError):
        change_request_create(actor=cast.liaison_a, observation=draft, new_value="96", reason="x")


# Entry validation

@pytest.mark.parametrize(("value", "code"), [
    ("abc", "invalid_number"), ("12.5%", "invalid_number"), ("", "invalid_number"), (None, "invalid_number"),
    ("NaN", "invalid_number"), ("Infinity", "invalid_number"), (True, "invalid_number"),
    ("95.12345", "invalid_number"), ("100.01", "out_of_range"), ("-0.5", "out_of_range"),
])
def test_values_must_be_numbers_in_range(cast, indicator, value, code):
    with pytest.raises(ServiceError) as info:
        observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a,
                               value=value)
    assert info.value.code == code
    assert list(info.value.fields) == ["value"]
    assert Observation.objects.count() == 0


@pytest.mark.parametrize(("value", "stored"), [
    ("100", D("100")), ("0", D("0")), (" 95.25 ", D("95.25")), (96, D("96")), (D("97.5"), D("97.5")),
    (97.25, D("97.25")),
])
def test_numbers_accepted(cast, indicator, value, stored):
    obs = observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a,
                                 value=value)
    obs.refresh_from_db()
    assert obs.value == stored


def test_physical_upper_limit(cast):
    indicator = quarterly_indicator(cast, unit="件", target="50", baseline="10", physical_max=D("60"))
    periods_generate(indicator=indicator, until=dt.date(2023, 3, 1))
    first = indicator.periods.get()
    with pytest.raises(ServiceError) as info:
        observation_save_draft(actor=cast.liaison_a, period=first, unit=cast.dept_a, value="60.5")
    assert info.value.code == "out_of_range"
    assert Observation.objects.count() == 0
    assert observation_save_draft(actor=cast.liaison_a, period=first, unit=cast.dept_a, value="60").value == D("60")


def test_a_big_change_needs_a_comment_with_a_configurable_factor(cast):
    indicator = quarterly_indicator(cast, unit="件", target="50", baseline="10")
    periods_generate(indicator=indicator, until=dt.date(2023, 6, 1))
    approved(cast, indicator, "2023-Q1", "10")
    q2 = period(indicator, "2023-Q2")
    with pytest.raises(ServiceError) as info:
        observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="31")
    assert (info.value.code, list(info.value.fields)) == ("comment_required", ["comment"])
    assert Observation.objects.filter(period=q2).count() == 0
    assert observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="30").value == D("30")
    assert observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="31",
                                  comment="新增重点企业").value == D("31")
    StatusRuleSet.objects.create(name="放宽", effective_from=dt.date(2024, 1, 1), params={"change_factor": 5})
    assert observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="45").value == D("45")
    with pytest.raises(ServiceError):
        observation_save_draft(actor=cast.liaison_a, period=q2, unit=cast.dept_a, value="51")


def test_only_responsible_units_enter_and_computed_indicators_take_no_entries(cast, indicator):
    with pytest.raises(ServiceError) as info:
        observation_save_draft(actor=cast.office, period=period(indicator, "2023-Q1"), unit=cast.dept_b, value="9")
    assert info.value.code == "not_responsible"
    registry.register("tests.constant")(lambda indicator, period: 97)
    try:
        indicator_update(actor=cast.office, indicator=indicator, data_source="computed", computed_by="tests.constant")
        with pytest.raises(ServiceError) as info:
            observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a,
                                   value="9")
        assert info.value.code == "computed"
    finally:
        registry.unregister("tests.constant")


def test_town_breakdown(cast):
    indicator = quarterly_indicator(cast, by_town=True)
    periods_generate(indicator=indicator, until=dt.date(2023, 3, 1))
    first = indicator.periods.get()
    with pytest.raises(ServiceError):
        observation_save_draft(actor=cast.liaison_a, period=first, unit=cast.dept_a, value="95")
    with pytest.raises(ServiceError):
        observation_save_draft(actor=cast.liaison_a, period=first, unit=cast.dept_a, value="95", town=cast.dept_b)
    obs = observation_save_draft(actor=cast.liaison_a, period=first, unit=cast.dept_a, value="95", town=cast.town)
    assert obs.town == cast.town


# Definitions

def test_a_target_change_needs_a_reason_and_is_audited(cast, indicator):
    with pytest.raises(ServiceError) as info:
        indicator_update(actor=cast.office, indicator=indicator, target_value="99.5")
    assert info.value.code == "reason_required"
    indicator.refresh_from_db()
    assert indicator.target_value == D("99")
    indicator_update(actor=cast.office, indicator=indicator, target_value="99.5", reason="省厅下达新目标")
    indicator.refresh_from_db()
    assert indicator.target_value == D("99.5")
    event = AuditEvent.objects.filter(action="indicator.update").latest("seq")
    assert event.changes == {"target_value": ["99.0000", "99.5"], "reason": "省厅下达新目标"}
    # Other fields change without a reason.
    indicator_update(actor=cast.office, indicator=indicator, name="新名称", grace_days=7)
    indicator.refresh_from_db()
    assert (indicator.name, indicator.grace_days) == ("新名称", 7)


def test_liaisons_do_not_edit_definitions(cast, indicator):
    with pytest.raises(NotFoundError):
        indicator_update(actor=cast.liaison_a, indicator=indicator, name="改名")
    with pytest.raises(NotFoundError):
        indicator_set_targets(actor=cast.liaison_a, indicator=indicator, targets={2024: D("97")}, reason="x")
    indicator.refresh_from_db()
    assert indicator.name == "Q1 抽检合格率"


def test_invalid_definitions_are_refused(cast, indicator):
    for fields, field in [({"comparator": "!="}, "comparator"), ({"frequency": "weekly"}, "frequency"),
                          ({"data_source": "computed", "computed_by": "nothing.registered"}, "computed_by"),
                          ({"baseline_value": "120"}, "baseline_value"), ({"baseline_year": 2026}, "baseline_year")]:
        with pytest.raises(ServiceError) as info:
            indicator_update(actor=cast.office, indicator=indicator, **fields)
        assert list(info.value.fields) == [field]
    indicator.refresh_from_db()
    assert (indicator.comparator, indicator.frequency, indicator.data_source) == (">=", "quarterly", "entered")


def test_targets_by_year_are_versioned_with_reason_and_decision(cast, indicator):
    with pytest.raises(ServiceError):
        indicator_set_targets(actor=cast.office, indicator=indicator, targets={2024: D("97")}, reason="")
    with pytest.raises(ServiceError):  # not before or in the baseline year
        indicator_set_targets(actor=cast.office, indicator=indicator, targets={2022: D("97")}, reason="年度分解")
    with pytest.raises(ServiceError):  # a person cannot put a target in force on a past day
        indicator_set_targets(actor=cast.office, indicator=indicator, targets={2024: D("97")}, reason="年度分解",
                              in_force_from=timezone.localdate() - dt.timedelta(days=1))
    assert IndicatorTarget.objects.count() == 0
    indicator_set_targets(actor=cast.office, indicator=indicator, targets={2023: D("95"), 2024: "97", 2026: "99"},
                          reason="年度分解", decision="区质量强区办主任会议纪要〔2024〕1号")
    assert list(IndicatorTarget.objects.current().values_list("year", "value", "decision")) == [
        (2023, D("95"), "区质量强区办主任会议纪要〔2024〕1号"), (2024, D("97"), "区质量强区办主任会议纪要〔2024〕1号"),
        (2026, D("99"), "区质量强区办主任会议纪要〔2024〕1号")]  # 2026 lies beyond the plan's target year
    indicator_set_targets(actor=cast.office, indicator=indicator, targets={2024: D("98"), 2026: "99"}, reason="调整",
                          decision="纪要2号")
    today = timezone.localdate()
    assert list(IndicatorTarget.objects.current().values_list("year", "value")) == [(2024, D("98")), (2026, D("99"))]
    # Nothing is deleted: the old rows are superseded today and stay for the lights judged before.
    assert list(IndicatorTarget.objects.filter(superseded_on=today).values_list("year", "value")) == [
        (2023, D("95")), (2024, D("97"))]
    assert IndicatorTarget.objects.get(year=2024, superseded_on__isnull=True).set_by == cast.office
    event = AuditEvent.objects.filter(action="indicator.set_targets").latest("seq")
    assert event.changes == {"targets": [{"2023": "95.0000", "2024": "97.0000", "2026": "99.0000"},
                                         {"2024": "98", "2026": "99"}],
                             "reason": "调整", "decision": "纪要2号", "in_force_from": today.isoformat()}


def test_responsibilities(cast, indicator):
    indicator_set_responsibilities(actor=cast.office, indicator=indicator,
                                   units=[(cast.dept_a, "lead"), (cast.dept_b, "co")])
    assert sorted(indicator.responsibilities.values_list("unit__short_name", "role")) == [
        ("区住建局", "co"), ("区经信局", "lead")]
    with pytest.raises(ServiceError):
        indicator_set_responsibilities(actor=cast.office, indicator=indicator,
                                       units=[(cast.dept_a, "lead"), (cast.dept_a, "co")])
    observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q1"), unit=cast.dept_a, value="95")
    with pytest.raises(ConflictError):
        indicator_set_responsibilities(actor=cast.office, indicator=indicator, units=[(cast.dept_b, "lead")])
    assert indicator.responsibilities.count() == 2


# The stored status

def test_status_refresh_stores_light_inputs_series_and_forecast(cast, indicator):
    for label, value in [("2023-Q4", "92.5"), ("2024-Q2", "94"), ("2024-Q4", "95")]:
        approved(cast, indicator, label, value)
    submitted(cast, indicator, "2024-Q3", "99")  # not approved: not counted
    stored = indicator_status_refresh(indicator=indicator, as_of=dt.date(2025, 1, 25))
    assert (stored.light, stored.rule, stored.latest_value, stored.latest_period) == (
        "yellow", "behind", D("95.0000"), "2024-Q4")
    assert (stored.expected_value, stored.gap) == (D("96.0000"), D("1.0000"))
    assert stored.inputs["series"] == [["2023-Q4", 92.5], ["2024-Q2", 94.0], ["2024-Q4", 95.0]]
    assert stored.inputs["series_end_dates"] == ["2023-12-31", "2024-06-30", "2024-12-31"]
    assert stored.inputs["gap_pct"] == 11.1111
    assert stored.inputs["rule_set"]["name"] == "默认规则"
    path = stored.inputs["expected_path"]
    assert [p["label"] for p in path][:3] == ["2023-Q1", "2023-Q2", "2023-Q3"]
    assert (path[3]["label"], path[3]["expected"], path[-1]["label"], path[-1]["expected"]) == (
        "2023-Q4", 93.0, "2025-Q4", 99.0)
    # points at 2023, 2023 + 182/366 and 2024 on the year axis: slope 2.4991 a year, 97.5842 at the end of 2025
    assert (stored.forecast_status, stored.forecast_value) == ("will_miss", D("97.5842"))
    assert stored.inputs["forecast"]["slope_per_year"] == 2.4991
    assert IndicatorStatus.objects.count() == 1


def test_an_approval_refreshes_the_status_and_a_light_change_is_audited(cast, indicator):
    approved(cast, indicator, "2023-Q1", "99.5")
    status = IndicatorStatus.objects.get(indicator=indicator)
    assert (status.light, status.rule, status.as_of) == ("green", "target_met", timezone.localdate())
    event = AuditEvent.objects.filter(action="indicator.status_change").latest("seq")
    assert event.changes["light"] == [None, "green"]


def test_several_reporters_and_towns_combine(cast):
    summed = quarterly_indicator(cast, code="S1", unit="件", target="400", baseline="100", aggregation="sum",
                                 reporters=[(cast.dept_a, "lead"), (cast.dept_b, "lead")])
    periods_generate(indicator=summed, until=dt.date(2023, 6, 1))
    for unit, liaison, value in [(cast.dept_a, cast.liaison_a, "30"), (cast.dept_b, cast.liaison_b, "20")]:
        obs = observation_save_draft(actor=liaison, period=period(summed, "2023-Q1"), unit=unit, value=value)
        observation_approve(actor=cast.office, observation=observation_submit(actor=liaison, observation=obs))
    stored = indicator_status_refresh(indicator=summed, as_of=dt.date(2023, 4, 30))
    assert stored.inputs["series"] == [["2023-Q1", 50.0]]
    # year to date 50 against 2023's path value 200 × 90/365
    assert (stored.latest_value, stored.expected_value, stored.inputs["year_share"]) == (
        D("50.0000"), D("49.3151"), 0.2466)
    assert stored.light == "green"


def test_no_data_is_grey_and_overdue_periods_are_counted(cast, indicator):
    stored = indicator_status_refresh(indicator=indicator, as_of=dt.date(2024, 5, 1))
    assert (stored.light, stored.rule, stored.latest_value, stored.forecast_status) == (
        "grey", "no_data", None, "insufficient")
    assert stored.inputs["series"] == []
    assert stored.inputs["overdue_missing"] == 5  # 2023-Q1 … 2024-Q1


def test_status_refresh_all_counts_lights(cast, indicator):
    other = quarterly_indicator(cast, plan=indicator.plan, code="Q2")
    periods_generate(indicator=other, until=dt.date(2023, 12, 31))
    approved(cast, indicator, "2023-Q4", "99.5")
    assert status_refresh_all(as_of=dt.date(2024, 1, 10)) == {"green": 1, "grey": 1}


# Computed indicators

def test_computed_values_are_stored_once_and_updated_when_the_source_changes(cast):
    source = {"value": D("97.5")}
    registry.register("tests.pass_rate")(lambda indicator, period: source["value"] if period.end.year == 2023 else None)
    try:
        indicator = quarterly_indicator(cast, code="C1")
        indicator_update(actor=cast.office, indicator=indicator, data_source="computed", computed_by="tests.pass_rate")
        as_of = dt.date(2024, 2, 1)
        assert computed_values_refresh(as_of=as_of) == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0}
        assert computed_values_refresh(as_of=as_of) == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
        source["value"] = D("98")
        assert computed_values_refresh(as_of=as_of) == {"created": 0, "updated": 4, "unchanged": 0, "skipped": 0}
        # Computed values go through review like entered ones: submitted by the system, not yet counted.
        values = set(Observation.objects.filter(indicator=indicator).values_list("status", "value", "unit_id",
                                                                                 "submitted_by"))
        assert values == {("submitted", D("98"), cast.dept_a.pk, None)}
    finally:
        registry.unregister("tests.pass_rate")


def test_registry_names_are_unique():
    def one(indicator, period):
        return 1

    registry.register("tests.unique")(one)
    try:
        with pytest.raises(ValueError):
            registry.register("tests.unique")(lambda indicator, period: 2)
        assert "tests.unique" in registry.registered_names()
    finally:
        registry.unregister("tests.unique")


# Timeliness

def test_timeliness_and_overdue(cast, indicator):
    q1, q2 = period(indicator, "2023-Q1"), period(indicator, "2023-Q2")
    on_time = submitted(cast, indicator, "2023-Q1")
    late = submitted(cast, indicator, "2023-Q2")
    Observation.objects.filter(pk=on_time.pk).update(first_submitted_at=timezone.make_aware(
        dt.datetime(2023, 4, 28, 23, 0)))  # on the last day of grace: due 21 Apr + 5 working days
    Observation.objects.filter(pk=late.pk).update(first_submitted_at=timezone.make_aware(dt.datetime(2023, 7, 31, 9)))
    observation_save_draft(actor=cast.liaison_a, period=period(indicator, "2023-Q3"), unit=cast.dept_a, value="96")
    as_of = dt.date(2024, 1, 27)  # Q4's deadline (26 Jan: due 19 Jan + 5 working days) has passed too
    (row,) = timeliness_by_unit(as_of=as_of)
    assert (row["unit"], row["due"], row["on_time"], row["late"], row["missing"], row["rate"]) == (
        cast.dept_a, 4, 1, 1, 2, D("25.0"))
    overdue = overdue_list(as_of=as_of)
    assert [(r["period"].label, r["state"], r["days_overdue"]) for r in overdue] == [
        ("2023-Q3", "draft", 92), ("2023-Q4", "missing", 1)]
    assert timeliness_by_unit(as_of=as_of, user=cast.liaison_b) == []
    assert len(overdue_list(as_of=as_of, user=cast.liaison_a)) == 2
    # 15 working days after 31 Mar and 30 Jun 2023 (both Fridays; 2023 has no shipped holiday notice).
    assert (q1.due_date, q2.due_date) == (dt.date(2023, 4, 21), dt.date(2023, 7, 21))
    assert mail.outbox == []


# Change targets (较2022年下降10%): the light holds the value against the level computed from the baseline

def test_change_target_is_judged_against_the_level_from_the_baseline_value(cast):
    indicator = quarterly_indicator(cast, code="C1", comparator="decrease_by", target="10", baseline="50")
    periods_generate(indicator=indicator, until=dt.date(2024, 12, 31))
    approved(cast, indicator, "2023-Q4", "47")
    stored = indicator_status_refresh(indicator=indicator, as_of=dt.date(2024, 1, 10))
    # level 50 × 0.9 = 45 in 2025; on the path from 50 (2022) the end of 2023 expects 48.3333
    assert (stored.light, stored.rule, stored.expected_value, stored.gap) == (
        "green", "on_schedule", D("48.3333"), D("-1.3333"))
    assert (stored.inputs["comparator"], stored.inputs["target"], stored.inputs["direction"]) == ("<=", 45.0, "down")
    assert (stored.inputs["change_comparator"], stored.inputs["change"]) == ("decrease_by", 10.0)
    with translation.override("zh-hans"):
        assert dict((k, v) for k, _label, v in status_why(stored))["change"] == "较基期下降 10，折算目标值 ≤ 45"


def test_change_target_without_baseline_value_is_grey_and_says_why(cast):
    indicator = quarterly_indicator(cast, code="C3", comparator="decrease_by", target="10", baseline_value=None)
    periods_generate(indicator=indicator, until=dt.date(2024, 12, 31))
    approved(cast, indicator, "2023-Q4", "47")
    stored = indicator_status_refresh(indicator=indicator, as_of=dt.date(2024, 1, 10))
    assert (stored.light, stored.rule, stored.expected_value, stored.forecast_status) == (
        "grey", "change_unresolved", None, "insufficient")
    # the first reported value (2023-Q4) is not a stand-in for the 2022 baseline of a change
    assert (stored.inputs["change_reason"], stored.inputs["baseline_source"], stored.inputs["forecast"]["reason"]) == (
        "no_baseline_value", "none", "no_baseline_value")
    with translation.override("zh-hans"):
        rows = {k: v for k, _label, v in status_why(stored)}
    assert (rows["rule"], rows["change"]) == ("变化量目标缺少基期值，无法判断",
                                              "缺少基期值：请在指标上填写基期年份的数值")
