"""The office's own indicators (自设指标): created, entered, reviewed and lit like imported ones; retired and
reinstated; never touched by a plan re-import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from qualitygov.core.audit import audit_verify
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import Indicator, IndicatorTarget, Observation, ReportingPeriod
from qualitygov.indicators.selectors import obligations
from qualitygov.indicators.services import (
    indicator_create,
    indicator_reinstate,
    indicator_retire,
    indicator_status_refresh,
    indicator_update,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.plans.tests.factories import plan_factory


def own(cast, plan=None, **extra):
    """区经信局 leads, 区住建局 co-operates: 规上企业质量管理体系认证率, ≥, 80 in 2024, yearly targets."""
    values = {"name": "规上企业质量管理体系认证率", "unit": "%", "comparator": ">=", "baseline_year": 2024,
              "baseline_value": "80", "frequency": "yearly", "plausible_min": "0", "plausible_max": "100",
              "targets": {2025: "85", 2026: "90", 2027: "95"}, "decision": "区质量强区办2025年第1次主任会议",
              "units": [(cast.dept_a, "lead"), (cast.dept_b, "co")]}
    values.update(extra)
    return indicator_create(actor=cast.office, plan=plan or plan_factory(), **values)


def test_created_with_its_definition_targets_units_and_calendar(cast):
    indicator = own(cast)
    assert (indicator.code, indicator.origin, indicator.state, indicator.scope) == ("Z01", "own", "active", "goals")
    # The final target is the last year's when none is given.
    assert (indicator.target_value, indicator.target_year) == (D("95"), 2027)
    assert (indicator.plausible_min, indicator.plausible_max, indicator.due_days, indicator.grace_days) == (
        D("0"), D("100"), 15, 5)
    assert [(t.year, t.value, t.decision, t.set_by) for t in indicator.targets.current()] == [
        (2025, D("85"), "区质量强区办2025年第1次主任会议", cast.office),
        (2026, D("90"), "区质量强区办2025年第1次主任会议", cast.office),
        (2027, D("95"), "区质量强区办2025年第1次主任会议", cast.office)]
    assert sorted(indicator.responsibilities.values_list("unit__short_name", "role")) == [
        ("区住建局", "co"), ("区经信局", "lead")]
    assert list(indicator.periods.values_list("label", flat=True))[:2] == ["2025", "2026"]
    event = AuditEvent.objects.get(action="indicator.create")
    assert (event.actor, event.object_id, event.changes["new"]["origin"], event.changes["targets"]) == (
        cast.office, str(indicator.pk), "own", [{}, {"2025": "85", "2026": "90", "2027": "95"}])
    assert own(cast, plan=indicator.plan, name="服务业质量满意度").code == "Z02"
    assert audit_verify().ok


def test_entry_review_and_light_against_its_target(cast):
    indicator = own(cast)
    period = indicator.periods.get(label="2025")
    # 15 working days after Wednesday 31 Dec 2025 (元旦 1–3 Jan off, Sunday 4 Jan worked): 4–9 Jan (6),
    # 12–16 Jan (11), 19–22 Jan (15): Thursday 22 Jan 2026; five grace working days: Thursday 29 Jan.
    assert (period.due_date, period.deadline) == (dt.date(2026, 1, 22), dt.date(2026, 1, 29))
    draft = observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="86",
                                   comment="认证机构年报")
    with pytest.raises(ServiceError) as refused:  # outside its plausible range
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="101")
    assert refused.value.code in ("out_of_range", "implausible")
    submitted = observation_submit(actor=cast.liaison_a, observation=draft)
    approved = observation_approve(actor=cast.office, observation=submitted)
    assert (approved.status, approved.value, approved.approved_by) == ("approved", D("86.0000"), cast.office)
    status = indicator_status_refresh(indicator=indicator, as_of=dt.date(2026, 3, 1))
    # 86 for 2025 is judged against that year's target 85: met.
    # 86 for 2025 against the path through that year's target 85: ahead by 1; the light shows the target
    # of the current year (2026: 90).
    assert (status.light, status.rule, status.latest_value, status.latest_period, status.expected_value,
            status.gap) == ("green", "on_schedule", D("86.0000"), "2025", D("85.0000"), D("-1.0000"))
    assert (status.target_value, status.target_year) == (D("90.0000"), 2026)
    low = own(cast, plan=indicator.plan, name="服务业质量满意度", targets={2025: "90", 2027: "95"})
    obs = observation_save_draft(actor=cast.liaison_a, period=low.periods.get(label="2025"), unit=cast.dept_a,
                                 value="81")
    observation_approve(actor=cast.office, observation=observation_submit(actor=cast.liaison_a, observation=obs))
    status = indicator_status_refresh(indicator=low, as_of=dt.date(2026, 3, 1))
    # 81 for 2025 against that year's target 90 on a path from 80: 9 behind, 90 % of the way: far behind.
    assert (status.light, status.rule, status.latest_value, status.expected_value, status.gap) == (
        "red", "far_behind", D("81.0000"), D("90.0000"), D("9.0000"))
    assert (status.target_value, status.target_year) == (D("95.0000"), 2027)


def test_validation_in_chinese_and_nothing_written(cast):
    plan = plan_factory()
    before = (Indicator.objects.count(), AuditEvent.objects.count())
    cases = [
        ({"plausible_min": "100", "plausible_max": "0"}, "plausible_min", "合理值下限不能高于上限。"),
        ({"name": " "}, "name", "该字段是必填项。"),
        ({"targets": {}}, "target_value", "请给出目标：最终目标或至少一个年度的目标。"),
        ({"baseline_year": 2030}, "baseline_year", "基期年份必须早于目标年份。"),
        ({"targets": {2020: "85", 2027: "95"}}, "targets.2020", "目标年份必须晚于基期年份。"),
        ({"targets": {2025: "120", 2027: "95"}}, "targets.2025", "百分比必须在 0 到 100 之间。"),
        ({"comparator": "bigger"}, "comparator", "请选择有效的选项。"),
    ]
    for extra, field, message in cases:
        with pytest.raises(ServiceError) as refused:
            own(cast, plan=plan, **extra)
        assert refused.value.fields.get(field) == [message], (extra, refused.value.fields)
    assert (Indicator.objects.count(), AuditEvent.objects.count()) == before
    own(cast, plan=plan)
    with pytest.raises(ServiceError) as refused:
        own(cast, plan=plan, code="Z01", name="另一个指标")
    assert refused.value.fields == {"code": ["本方案已有编号为“Z01”的指标。"]}
    with pytest.raises(ServiceError) as refused:
        own(cast, plan=plan)
    assert refused.value.fields == {"name": ["本方案已有名为“规上企业质量管理体系认证率”的指标。"]}


def test_only_the_district_office_creates_retires_and_reinstates(cast):
    plan = plan_factory()
    indicator = own(cast, plan=plan)
    before = (Indicator.objects.count(), AuditEvent.objects.count(), IndicatorTarget.objects.count())
    for actor in (cast.liaison_a, cast.leader, cast.town_liaison):
        with pytest.raises(NotFoundError):
            indicator_create(actor=actor, plan=plan, name="越权新增", comparator=">=", target_value="1")
        with pytest.raises(NotFoundError):
            indicator_retire(actor=actor, indicator=indicator, reason="越权")
    indicator.refresh_from_db()
    assert indicator.state == "active"
    assert (Indicator.objects.count(), AuditEvent.objects.count(), IndicatorTarget.objects.count()) == (
        before[0], before[1], before[2])


def test_retired_keeps_its_history_is_not_asked_for_data_and_can_be_reinstated(cast):
    indicator = own(cast)
    period = indicator.periods.get(label="2025")
    observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="86")
    with pytest.raises(ServiceError) as refused:
        indicator_retire(actor=cast.office, indicator=indicator, reason=" ")
    assert refused.value.fields == {"reason": ["请说明理由。"]}
    indicator = indicator_retire(actor=cast.office, indicator=indicator, reason="与I05重复，合并监测",
                                 version=indicator.version)
    assert (indicator.state, indicator.retired_reason, indicator.retired_on is not None) == (
        "retired", "与I05重复，合并监测", True)
    assert Observation.objects.filter(indicator=indicator).count() == 1  # its history stays
    with pytest.raises(ServiceError) as refused:
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="87")
    assert refused.value.message == "该指标已停用，不再报送数据。"
    assert [ob for ob in obligations() if ob.indicator.pk == indicator.pk] == []
    ReportingPeriod.objects.filter(indicator=indicator, label__gt="2025").delete()
    assert periods_generate(indicator=indicator, until=dt.date(2027, 3, 1)) == 0
    with pytest.raises(ConflictError):
        indicator_retire(actor=cast.office, indicator=indicator, reason="再次停用")
    indicator = indicator_reinstate(actor=cast.office, indicator=indicator, reason="重新纳入监测")
    assert (indicator.state, indicator.retired_on, indicator.retired_reason) == ("active", None, "")
    assert indicator.periods.filter(label="2026").exists()  # its calendar is extended again
    assert list(AuditEvent.objects.filter(object_id=str(indicator.pk), action__in=[
        "indicator.retire", "indicator.reinstate"]).order_by("seq").values_list("action", "changes__reason")) == [
        ("indicator.retire", "与I05重复，合并监测"), ("indicator.reinstate", "重新纳入监测")]


def test_edit_keeps_an_own_indicator_own_and_checks_duplicates(cast):
    plan = plan_factory()
    first = own(cast, plan=plan)
    second = own(cast, plan=plan, name="服务业质量满意度")
    with pytest.raises(ServiceError) as refused:
        indicator_update(actor=cast.office, indicator=second, code="Z01")
    assert refused.value.fields == {"code": ["本方案已有编号为“Z01”的指标。"]}
    indicator_update(actor=cast.office, indicator=second, name="服务业质量社会满意度", due_days=10)
    second.refresh_from_db()
    assert (second.name, second.origin, second.due_days, first.code) == ("服务业质量社会满意度", "own", 10, "Z01")


# Screens and API

def _form(plan, **extra) -> dict:
    data = {"plan": plan.pk, "code": "", "name": "规上企业质量管理体系认证率", "unit": "%", "comparator": ">=",
            "nature": "expected", "baseline_year": "2024", "baseline_value": "80", "target_value": "",
            "target_year": "", "frequency": "yearly", "aggregation": "latest", "data_source": "entered",
            "plausible_min": "0", "plausible_max": "100", "due_days": "10", "grace_days": "3",
            "target_2025": "85", "target_2027": "95", "decision": "主任会议"}
    data.update(extra)
    return data


def test_the_office_creates_one_on_the_form_and_it_shows_on_the_dashboard(cast, client_for):
    plan = plan_factory()
    office = client_for("office")
    page = office.get("/indicators/")
    assert 'data-testid="new-indicator"' in page.content.decode()
    assert "新增指标" in office.get("/indicators/new/").content.decode()
    response = office.post("/indicators/new/", _form(plan, lead_units=[cast.dept_a.pk], co_units=[cast.dept_b.pk]))
    indicator = Indicator.objects.get(name="规上企业质量管理体系认证率")
    assert response.status_code == 302 and response["Location"] == f"/indicators/{indicator.pk}/"
    assert (indicator.code, indicator.origin, indicator.due_days, indicator.grace_days, indicator.target_value) == (
        "Z01", "own", 10, 3, D("95"))
    assert dict(indicator.targets.current().values_list("year", "value")) == {2025: D("85"), 2027: D("95")}
    detail = office.get(f"/indicators/{indicator.pk}/").content.decode()
    assert "自设指标" in detail and "期末后 10 个工作日内报送，其后 3 个工作日内仍算按时" in detail
    body = client_for("liaison_a").get("/indicators/").content.decode()
    assert 'data-code="Z01"' in body and 'data-testid="own-badge"' in body
    assert 'data-testid="new-indicator"' not in body
    # The form names the refused field in Chinese and writes nothing.
    count = Indicator.objects.count()
    page = office.post("/indicators/new/", _form(plan, name="另一个", plausible_min="100", plausible_max="1"))
    assert page.status_code == 200 and "合理值下限不能高于上限。" in page.content.decode()
    page = office.post("/indicators/new/", _form(plan))
    assert "本方案已有名为“规上企业质量管理体系认证率”的指标。" in page.content.decode()
    assert Indicator.objects.count() == count


def test_retired_leaves_the_dashboard_unless_asked_for(cast, client_for):
    indicator = own(cast)
    office = client_for("office")
    response = office.post(f"/indicators/{indicator.pk}/retire/", {"reason": "合并监测", "version": indicator.version})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.state, indicator.retired_reason) == ("retired", "合并监测")
    assert 'data-code="Z01"' not in office.get("/indicators/").content.decode()
    listed = office.get("/indicators/", {"state": "retired"}).content.decode()
    assert 'data-code="Z01"' in listed and 'data-testid="retired-badge"' in listed
    assert 'data-code="Z01"' in office.get("/indicators/", {"state": "all", "origin": "own"}).content.decode()
    detail = office.get(f"/indicators/{indicator.pk}/").content.decode()
    assert "合并监测" in detail and "恢复使用该指标" in detail
    office.post(f"/indicators/{indicator.pk}/reinstate/", {"reason": "恢复监测"})
    indicator.refresh_from_db()
    assert indicator.state == "active"


def test_denied_requests_change_nothing(cast, client_for):
    from tests.dbstate import changed_tables, table_snapshot

    plan = plan_factory()
    indicator = own(cast, plan=plan)
    clients = {member: client_for(member) for member in ("leader", "liaison_a", "town_liaison")}
    before = table_snapshot()
    for client in clients.values():
        assert client.post("/indicators/new/", _form(plan, name="越权")).status_code in (403, 404)
        assert client.post(f"/indicators/{indicator.pk}/retire/", {"reason": "越权"}).status_code in (403, 404)
        assert client.post("/api/v1/indicators/create/", {"plan": plan.pk, "name": "越权", "comparator": ">=",
                                                          "target_value": "1"},
                           content_type="application/json").status_code in (403, 404)
        assert client.post(f"/api/v1/indicators/{indicator.pk}/retire/", {"reason": "越权"},
                           content_type="application/json").status_code in (403, 404)
    assert changed_tables(before, table_snapshot()) == []


def test_api_creates_retires_and_reinstates_through_the_services(cast, client_for):
    plan = plan_factory()
    api = client_for("office")
    response = api.post("/api/v1/indicators/create/", {
        "plan": plan.pk, "name": "服务业质量满意度", "unit_of_measure": "分", "comparator": ">=",
        "baseline_year": 2024, "baseline_value": "80", "targets": {"2025": "82", "2027": "85"},
        "units": [{"unit": cast.dept_a.pk, "role": "lead"}], "due_days": 10}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["origin"], body["origin_label"], body["state"], body["target_value"],
            body["target_year"], body["due_days"]) == ("Z01", "own", "自设指标", "active", "85.0000", 2027, 10)
    assert [r["unit"] for r in body["responsibilities"]] == [cast.dept_a.pk]
    refused = api.post("/api/v1/indicators/create/", {"plan": plan.pk, "name": "服务业质量满意度", "comparator": ">=",
                                                      "target_value": "1"}, content_type="application/json")
    assert (refused.status_code, refused.json()["fields"]) == (
        400, {"name": ["本方案已有名为“服务业质量满意度”的指标。"]})
    retired = api.post(f"/api/v1/indicators/{body['id']}/retire/", {"reason": "合并"}, content_type="application/json")
    assert (retired.status_code, retired.json()["state"], retired.json()["retired_reason"]) == (200, "retired", "合并")
    again = api.post(f"/api/v1/indicators/{body['id']}/retire/", {"reason": "合并"}, content_type="application/json")
    assert again.status_code == 409
    back = api.post(f"/api/v1/indicators/{body['id']}/reinstate/", {"reason": "恢复"}, content_type="application/json")
    assert (back.status_code, back.json()["state"]) == (200, "active")


def test_api_lists_filter_by_origin_and_state(cast, client_for):
    plan = plan_factory()
    kept = own(cast, plan=plan)
    gone = own(cast, plan=plan, name="服务业质量满意度")
    indicator_retire(actor=cast.office, indicator=gone, reason="合并")
    api = client_for("liaison_a")

    def codes(**params):
        return [row["code"] for row in api.get("/api/v1/indicators/", params).json()["results"]]

    assert codes(plan=plan.pk) == [kept.code, gone.code]
    assert codes(plan=plan.pk, state="retired") == [gone.code]
    assert codes(plan=plan.pk, origin="own", state="active") == [kept.code]
    assert codes(plan=plan.pk, origin="plan") == []
