"""`/api/v1/` for indicators: definitions, targets, observations and lights scoped like the pages; a unit's values
saved and submitted through the entry services, refused writes changing nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qualitygov.accounts.tokens import api_token_create
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import IndicatorStatus, Observation
from qualitygov.indicators.tests.url_samples import WORLD_TITLE, _target, world
from tests.dbstate import changed_tables, table_snapshot

INDICATORS = "/api/v1/indicators/"
TARGETS = "/api/v1/targets/"
OBSERVATIONS = "/api/v1/observations/"
STATUSES = "/api/v1/indicator-statuses/"
DRAFT = "/api/v1/observations/draft/"
NOT_FOUND = {"code": "not_found", "message": "未找到。", "fields": {}}


@pytest.fixture
def w(cast):
    return world(cast)


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _codes(response) -> list[str]:
    return [row["code"] for row in _rows(response)]


def _submit_url(observation) -> str:
    return f"{OBSERVATIONS}{observation.pk}/submit/"


def test_indicator_reads_with_labels_units_light_and_periods(client_for, cast, w):
    body = client_for("liaison_a").get(f"{INDICATORS}{w.a2.pk}/").json()
    periods = body.pop("periods")
    assert body == {
        "id": w.a2.pk, "plan": w.plan.pk, "plan_title": WORLD_TITLE, "task": None, "task_number": None, "code": "A2",
        "name": "产品质量监督抽查合格率", "unit_of_measure": "%", "comparator": ">=", "comparator_label": "≥",
        "target_value": "98.0000", "target_year": 2027, "nature": "expected", "nature_label": "预期性",
        "scope": "goals", "scope_label": "主要目标", "source": "产品质量监督抽查合格率达到98%", "baseline_year": 2022,
        "baseline_value": "95.0000", "frequency": "quarterly", "frequency_label": "按季度", "aggregation": "latest",
        "aggregation_label": "最新值", "data_source": "entered", "data_source_label": "责任单位填报",
        "by_town": False, "physical_max": None, "due_days": 15, "grace_days": 5, "order": 2,
        "origin": "plan", "origin_label": "方案原文", "state": "active", "state_label": "使用中", "retired_on": None,
        "retired_reason": "",
        "responsibilities": [{"unit": cast.dept_a.pk, "unit_name": "舟山市普陀区经济和信息化局", "role": "lead",
                              "role_label": "牵头单位"}],
        "light": "grey", "light_label": "无数据", "value_source": "typed", "formula": "", "reference_formula": "",
    }
    first = w.period(w.a2, "2023-Q1")
    assert (len(periods), periods[0]) == (16, {"id": first.pk, "label": "2023-Q1", "start": "2023-01-01",
                                              "end": "2023-03-31", "due_date": "2023-04-21", "grace_days": 5,
                                              "deadline": "2023-04-28"})
    listed = _rows(client_for("liaison_a").get(INDICATORS))
    assert "periods" not in listed[0]
    assert listed[0]["light"] == IndicatorStatus.objects.get(indicator=w.a1).light


@pytest.mark.parametrize(("member", "codes"), [
    ("office", ["A1", "A2", "B1"]), ("leader", ["A1", "A2", "B1"]), ("liaison_a", ["A1", "A2"]),
    ("liaison_b", ["B1"]), ("town_liaison", []),
])
def test_each_member_lists_the_indicators_of_their_units(client_for, cast, w, member, codes):
    assert _codes(client_for(member).get(INDICATORS)) == codes


def test_another_units_objects_are_not_found(client_for, cast, w):
    client = client_for("liaison_b")
    draft = w.observation(w.a1, "2025", cast.dept_a)
    for url in (f"{INDICATORS}{w.a1.pk}/", f"{OBSERVATIONS}{draft.pk}/", f"{STATUSES}{w.a1.status.pk}/",
                f"{TARGETS}{_target(cast).pk}/"):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_indicator_filters(client_for, cast, w):
    client = client_for("office")
    assert _codes(client.get(INDICATORS, {"unit": cast.dept_b.pk})) == ["B1"]
    assert _codes(client.get(INDICATORS, {"plan": w.plan.pk, "frequency": "quarterly"})) == ["A2"]
    assert _codes(client.get(INDICATORS, {"light": "grey"})) == ["A2", "B1"]
    assert _codes(client.get(INDICATORS, {"light": w.a1.status.light})) == ["A1"]
    assert _codes(client.get(INDICATORS, {"q": "合格率"})) == ["A2"]
    bad = client.get(INDICATORS, {"light": "purple", "plan": "x"})
    assert bad.status_code == 400
    assert sorted(bad.json()["fields"]) == ["light", "plan"]


def test_targets(client_for, cast, w):
    target = _target(cast)
    rows = _rows(client_for("liaison_a").get(TARGETS))
    assert rows == [{"id": target.pk, "indicator": w.a1.pk, "indicator_code": "A1", "indicator_name": "规上工业亩均税收",
                     "year": 2025, "value": "26.0000"}]
    assert _rows(client_for("liaison_b").get(TARGETS)) == []
    assert _rows(client_for("office").get(TARGETS, {"year": 2026})) == []
    assert client_for("office").get(TARGETS, {"year": 99999}).json()["fields"] == {
        "year": ["确保该值小于或等于2999。"]}


def test_observation_reads_exactly(client_for, cast, w):
    obs = w.observation(w.a1, "2024", cast.dept_a)
    body = client_for("liaison_a").get(f"{OBSERVATIONS}{obs.pk}/").json()
    period = obs.period
    assert body == {
        "id": obs.pk, "indicator": w.a1.pk, "indicator_code": "A1", "indicator_name": "规上工业亩均税收",
        "period": period.pk, "period_label": "2024", "period_start": "2024-01-01", "period_end": "2024-12-31",
        "due_date": "2025-01-22", "unit": cast.dept_a.pk, "unit_name": "舟山市普陀区经济和信息化局", "town": None,
        "town_name": None, "value": "25.0000", "comment": "", "status": "submitted", "status_label": "已报送",
        "return_reason": "", "first_submitted_value": "25.0000", "submitted_by": cast.liaison_a.pk,
        "submitted_by_name": "liaison_a", "submitted_at": body["submitted_at"],
        "first_submitted_at": body["submitted_at"], "approved_by": None, "approved_by_name": None,
        "approved_at": None, "updated_at": body["updated_at"], "version": 2, "provenance": {},
    }


def test_observation_scope_and_filters(client_for, cast, w):
    def labels(member, **params):
        return [(r["indicator_code"], r["period_label"], r["status"])
                for r in _rows(client_for(member).get(OBSERVATIONS, params))]

    assert labels("liaison_a") == [("A1", "2023", "approved"), ("A1", "2024", "submitted"), ("A1", "2025", "draft")]
    assert labels("liaison_b") == [("B1", "2024", "draft")]
    assert labels("town_liaison") == []
    assert labels("office", status="draft") == [("A1", "2025", "draft"), ("B1", "2024", "draft")]
    assert labels("office", unit=cast.dept_b.pk) == [("B1", "2024", "draft")]
    assert labels("office", period=w.period(w.a1, "2023").pk) == [("A1", "2023", "approved")]
    assert labels("office", indicator=w.a2.pk) == []
    assert client_for("office").get(OBSERVATIONS, {"unit": "99999999999999999999"}).status_code == 400


def test_statuses(client_for, cast, w):
    stored = w.a1.status
    rows = _rows(client_for("liaison_a").get(STATUSES))
    assert rows == [{
        "id": stored.pk, "indicator": w.a1.pk, "indicator_code": "A1", "indicator_name": "规上工业亩均税收",
        "as_of": stored.as_of.isoformat(), "light": stored.light, "light_label": str(stored.get_light_display()),
        "latest_value": "22.0000", "latest_period": "2023", "expected_value": f"{stored.expected_value:.4f}",
        "gap": f"{stored.gap:.4f}", "rule": stored.rule, "rule_label": rows[0]["rule_label"],
        "forecast_value": None, "forecast_status": "insufficient", "forecast_status_label": "数据不足",
        "computed_at": rows[0]["computed_at"],
    }]
    detail = client_for("liaison_a").get(f"{STATUSES}{stored.pk}/").json()
    assert detail["inputs"]["series"] == [["2023", 22.0]]
    assert _rows(client_for("liaison_b").get(STATUSES)) == []
    assert [r["indicator_code"] for r in _rows(client_for("office").get(STATUSES, {"light": stored.light}))] == ["A1"]
    assert _rows(client_for("office").get(STATUSES, {"unit": cast.dept_b.pk})) == []


# Writes: a unit's script saves a draft, corrects it, submits it.


def test_draft_then_correct_then_submit(client_for, cast, w):
    client = client_for("liaison_a")
    period = w.period(w.a1, "2026")
    created = client.post(DRAFT, {"period": period.pk, "unit": cast.dept_a.pk, "value": 27},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    obs = Observation.objects.get(period=period, unit=cast.dept_a)
    body = created.json()
    assert (body["id"], body["value"], body["status"], body["status_label"], body["period_label"]) == (
        obs.pk, "27.0000", "draft", "草稿", "2026")
    event = AuditEvent.objects.filter(action="observation.save_draft").latest("seq")
    assert (event.actor_id, event.object_id, event.unit_ref) == (cast.liaison_a.pk, str(obs.pk), cast.dept_a.pk)

    changed = client.post(DRAFT, {"period": period.pk, "unit": cast.dept_a.pk, "value": "27.5", "comment": "修正"},
                          content_type="application/json")
    assert (changed.status_code, changed.json()["value"], changed.json()["comment"]) == (200, "27.5000", "修正")

    submitted = client.post(_submit_url(obs), content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    obs.refresh_from_db()
    assert (obs.status, obs.value, obs.first_submitted_value, obs.submitted_by_id) == (
        "submitted", Decimal("27.5"), Decimal("27.5"), cast.liaison_a.pk)
    assert (submitted.json()["status"], submitted.json()["first_submitted_value"]) == ("submitted", "27.5000")
    assert AuditEvent.objects.filter(action="observation.submit", object_id=str(obs.pk)).count() == 1


def test_a_script_with_a_token_does_the_same(cast, w):
    key = api_token_create(actor=None, user=cast.liaison_a, name="script", scope="write")[1]
    machine = Client(headers={"Authorization": f"Token {key}"})
    draft = w.observation(w.a1, "2025", cast.dept_a)
    response = machine.post(_submit_url(draft), content_type="application/json")
    assert (response.status_code, response.json()["status"]) == (200, "submitted")


def test_a_read_only_token_reads_but_cannot_write(cast, w):
    key = api_token_create(actor=None, user=cast.liaison_a, name="dashboard")[1]
    reader = Client(headers={"Authorization": f"Token {key}"})
    draft = w.observation(w.a1, "2025", cast.dept_a)
    assert reader.get("/api/v1/me/").status_code == 200
    refused = _unchanged(lambda: reader.post(_submit_url(draft), content_type="application/json"))
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    draft.refresh_from_db()
    assert draft.status == "draft"


def _unchanged(request):
    """Send `request()`; assert nothing in the database (audit trail included) changed; return the response."""
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = request()
    assert changed_tables(before, table_snapshot()) == []
    assert AuditEvent.objects.count() == events
    return response


@pytest.mark.parametrize("member", ["liaison_b", "town_liaison", "leader"])
def test_other_units_cannot_draft_or_submit_and_nothing_changes(client_for, cast, w, member):
    client = client_for(member)
    period = w.period(w.a1, "2026")
    draft = w.observation(w.a1, "2025", cast.dept_a)
    for url, body in ((DRAFT, {"period": period.pk, "unit": cast.dept_a.pk, "value": "1"}), (_submit_url(draft), {})):
        response = _unchanged(lambda: client.post(url, body, content_type="application/json"))  # noqa: B023
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_a_submitted_value_cannot_be_drafted_again(client_for, cast, w):
    submitted = w.observation(w.a1, "2024", cast.dept_a)
    client = client_for("liaison_a")
    response = _unchanged(lambda: client.post(DRAFT, {"period": submitted.period_id, "unit": cast.dept_a.pk,
                                                      "value": "30"}, content_type="application/json"))
    assert (response.status_code, response.json()) == (409, {
        "code": "conflict", "message": "该数值已报送、正在等待审核，现在不能修改。", "fields": {}})
    again = _unchanged(lambda: client.post(_submit_url(submitted), content_type="application/json"))
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


@pytest.mark.parametrize(("body", "code", "fields"), [
    ({"value": "abc"}, "invalid_number", {"value": ["请输入数字。"]}),
    ({"value": "101"}, "out_of_range", {"value": ["百分比必须在 0 到 100 之间。"]}),
    ({"value": "50", "town": 1}, "invalid", {"town": ["请选择镇、街道或管委会。"]}),
    ({"value": ""}, "invalid", {"value": ["该字段不能为空。"]}),
    ({"period": None}, "invalid", {"period": ["该字段不能为 null。"]}),
    ({"unit": "99999999999999999999"}, "invalid", {"unit": ["请确保该值小于或者等于 9223372036854775807。"]}),
])
def test_bad_drafts_are_400_naming_the_field(client_for, cast, w, body, code, fields):
    period = w.period(w.a2, "2026-Q1")
    data = {"period": period.pk, "unit": cast.dept_a.pk, "value": "97", **body}
    client = client_for("liaison_a")
    response = _unchanged(lambda: client.post(DRAFT, data, content_type="application/json"))
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["fields"]) == (code, fields)


def test_malformed_json_changes_nothing(client_for, cast, w):
    client = client_for("liaison_a")
    response = _unchanged(lambda: client.post(DRAFT, '{"period": ', content_type="application/json"))
    assert response.json() == {"code": "malformed", "message": "请求正文不是有效的 JSON。", "fields": {}}


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(client_for, cast, w, django_assert_max_num_queries):
    from qualitygov.indicators.services import observation_save_draft

    client = client_for("liaison_a")
    urls = (INDICATORS, TARGETS, OBSERVATIONS, STATUSES)
    few = {url: _count(client, url) for url in urls}
    for period in w.a2.periods.all()[:12]:
        observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a, value="97")
    assert {url: _count(client, url) for url in urls} == few
    for url in urls:
        with django_assert_max_num_queries(8):
            client.get(url)


def test_submit_refuses_a_body_that_is_not_an_object(client_for, cast, w):
    draft = w.observation(w.a1, "2025", cast.dept_a)
    client = client_for("liaison_a")
    response = _unchanged(lambda: client.post(_submit_url(draft), "[1]", content_type="application/json"))
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    malformed = _unchanged(lambda: client.post(_submit_url(draft), "{", content_type="application/json"))
    assert malformed.json()["code"] == "malformed"


def test_a_stale_value_is_a_409_and_changes_nothing(client_for, cast, w):
    client = client_for("liaison_a")
    period = w.period(w.a1, "2026")
    body = {"period": period.pk, "unit": cast.dept_a.pk}
    created = client.post(DRAFT, {**body, "value": 27, "version": 0}, content_type="application/json")
    assert (created.status_code, created.json()["version"], created["ETag"]) == (201, 1, '"1"')
    assert client.post(DRAFT, {**body, "value": 28, "version": 1}, content_type="application/json").status_code == 200
    stale = client.post(DRAFT, {**body, "value": 29, "version": 1}, content_type="application/json")
    assert (stale.status_code, stale.json()["code"]) == (409, "stale")
    assert "与您填写的不同之处：数值。" in stale.json()["message"]
    again = client.post(DRAFT, {**body, "value": 30, "version": 0}, content_type="application/json")
    assert again.status_code == 409  # someone entered it first
    obs = Observation.objects.get(period=period, unit=cast.dept_a)
    assert (obs.value, obs.version) == (Decimal("28"), 2)
    assert client.post(_submit_url(obs), content_type="application/json", HTTP_IF_MATCH='"1"').status_code == 409
    submitted = client.post(_submit_url(obs), content_type="application/json", HTTP_IF_MATCH='"2"')
    assert (submitted.status_code, submitted.json()["status"], submitted["ETag"]) == (200, "submitted", '"3"')
