"""Indicator screens: data entry by form, the review workflow over the cast, dashboards and the edit page."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.indicators.models import (
    Indicator,
    IndicatorResponsibility,
    IndicatorStatus,
    IndicatorTarget,
    Observation,
)
from qualitygov.indicators.services import indicator_status_refresh
from tests.dbstate import changed_tables, table_snapshot

from .url_samples import world

pytestmark = pytest.mark.django_db


def _entry_url(w, indicator, label, unit):
    return reverse("indicators:observation_entry", args=[w.period(indicator, label).pk, unit.pk])


# Data entry by form

def test_liaison_enters_a_value_as_draft_then_submits_it(cast, client_for):
    w = world(cast)
    client = client_for("liaison_a")
    response = client.post(_entry_url(w, w.a1, "2026", cast.dept_a), {"value": "27.5", "comment": "快报数",
                                                                       "action": "draft"})
    obs = Observation.objects.get(period=w.period(w.a1, "2026"), unit=cast.dept_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:observation_detail", args=[obs.pk])
    assert (obs.value, obs.comment, obs.status, obs.first_submitted_value) == (Decimal("27.5"), "快报数", "draft", None)

    response = client.post(reverse("indicators:observation_submit", args=[obs.pk]))
    obs.refresh_from_db()
    assert response.status_code == 302
    assert (obs.status, obs.first_submitted_value, obs.submitted_by) == ("submitted", Decimal("27.5"), cast.liaison_a)
    page = client.get(reverse("indicators:observation_detail", args=[obs.pk])).content.decode()
    assert 'data-status="submitted"' in page


def test_entry_with_evidence_stores_the_checked_file(cast, client_for):
    w = world(cast)
    pdf = SimpleUploadedFile("佐证.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = client_for("liaison_a").post(_entry_url(w, w.a1, "2026", cast.dept_a),
                                            {"value": "27", "action": "submit", "evidence": pdf})
    assert response.status_code == 302
    obs = Observation.objects.get(period=w.period(w.a1, "2026"), unit=cast.dept_a)
    assert obs.status == "submitted"
    assert list(Attachment.objects.filter(owner_type="indicators.observation", owner_id=str(obs.pk))
                .values_list("original_name", "size")) == [("佐证.pdf", 15)]


@pytest.mark.parametrize(("indicator", "label", "post", "field", "message"), [
    ("a1", "2026", {"value": "abc"}, "value", "请输入数字。"),
    ("a2", "2025-Q1", {"value": "100.5"}, "value", "百分比必须在 0 到 100 之间。"),
    ("a2", "2025-Q1", {"value": "-1"}, "value", "百分比必须在 0 到 100 之间。"),
    ("a1", "2026", {"value": "90"}, "comment", "数值由 26 变为 90，变化超过 3 倍，请在说明中写明原因。"),
])
def test_entry_refuses_bad_values_and_writes_nothing(cast, client_for, indicator, label, post, field, message):
    w = world(cast)
    client = client_for("liaison_a")
    before, events = table_snapshot(), AuditEvent.objects.count()
    response = client.post(_entry_url(w, getattr(w, indicator), label, cast.dept_a), {**post, "action": "submit"})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert changed_tables(before, table_snapshot()) == [] and AuditEvent.objects.count() == events


def test_evidence_of_the_wrong_type_is_refused(cast, client_for):
    w = world(cast)
    client = client_for("liaison_a")
    before = table_snapshot()
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(_entry_url(w, w.a1, "2026", cast.dept_a),
                                            {"value": "27", "action": "draft", "evidence": fake})
    assert response.context["form"].errors["evidence"] == ["“报告.pdf”实际上不是 .pdf 文件。"]
    body = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    assert re.sub(r"<[^>]+>", " ", body).count("实际上不是 .pdf 文件") == 1
    assert changed_tables(before, table_snapshot()) == []


def test_a_big_change_with_a_comment_is_accepted(cast, client_for):
    w = world(cast)
    response = client_for("liaison_a").post(_entry_url(w, w.a1, "2026", cast.dept_a),
                                            {"value": "90", "comment": "统计口径调整", "action": "draft"})
    assert response.status_code == 302
    assert Observation.objects.get(period=w.period(w.a1, "2026"), unit=cast.dept_a).value == Decimal("90")


# The workflow over the cast

@pytest.mark.parametrize(("member", "status"), [
    ("office", 200), ("leader", 200), ("liaison_a", 200), ("liaison_b", 404), ("town_liaison", 404),
])
def test_only_the_units_scope_sees_a_draft(cast, client_for, member, status):
    w = world(cast)
    draft = w.observation(w.a1, "2025", cast.dept_a)
    assert client_for(member).get(reverse("indicators:observation_detail", args=[draft.pk])).status_code == status


@pytest.mark.parametrize(("member", "status"), [("liaison_b", 404), ("town_liaison", 404), ("leader", 404)])
def test_outsiders_cannot_submit_or_enter_for_a_unit(cast, client_for, member, status):
    w = world(cast)
    draft = w.observation(w.a1, "2025", cast.dept_a)
    client = client_for(member)
    before = table_snapshot()
    assert client.post(reverse("indicators:observation_submit", args=[draft.pk])).status_code == status
    assert client.post(_entry_url(w, w.a1, "2026", cast.dept_a), {"value": "1"}).status_code == status
    assert changed_tables(before, table_snapshot()) == []


@pytest.mark.parametrize("member", ["liaison_a", "liaison_b", "town_liaison"])
def test_liaisons_cannot_approve_or_return(cast, client_for, member):
    w = world(cast)
    submitted = w.observation(w.a1, "2024", cast.dept_a)
    client = client_for(member)
    before, events = table_snapshot(), AuditEvent.objects.count()
    assert client.post(reverse("indicators:observation_approve", args=[submitted.pk])).status_code == 404
    assert client.post(reverse("indicators:observation_return", args=[submitted.pk]),
                       {"reason": "x"}).status_code == 404
    assert client.get(reverse("indicators:review")).status_code == 404
    assert changed_tables(before, table_snapshot()) == [] and AuditEvent.objects.count() == events


def test_office_cannot_approve_its_own_submission(cast, client_for):
    w = world(cast)
    client = client_for("office")
    client.post(_entry_url(w, w.a1, "2026", cast.dept_a), {"value": "27", "action": "submit"}, follow=True)
    obs = Observation.objects.get(period=w.period(w.a1, "2026"), unit=cast.dept_a)
    assert obs.status == "submitted"
    response = client.post(reverse("indicators:observation_approve", args=[obs.pk]), follow=True)
    obs.refresh_from_db()
    assert obs.status == "submitted"
    assert [str(m) for m in response.context["messages"]] == ["您不能审核自己提交的数据。"]


def test_office_returns_with_reason_then_approves_after_resubmission(cast, client_for):
    w = world(cast)
    obs = w.observation(w.a1, "2024", cast.dept_a)
    office = client_for("office")
    response = office.post(reverse("indicators:observation_return", args=[obs.pk]), {"reason": ""})
    obs.refresh_from_db()
    assert response.status_code == 400 and obs.status == "submitted"
    body = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
    assert (text.count("请填写退回理由。"), text.count("请填写理由。")) == (1, 0)
    assert [str(m) for m in response.context["messages"]] == []

    office.post(reverse("indicators:observation_return", args=[obs.pk]), {"reason": "请核对统计口径"})
    obs.refresh_from_db()
    assert (obs.status, obs.return_reason) == ("returned", "请核对统计口径")
    liaison = client_for("liaison_a")
    page = liaison.get(reverse("indicators:observation_entry", args=[obs.period_id, cast.dept_a.pk]))
    assert "请核对统计口径" in page.content.decode()
    liaison.post(reverse("indicators:observation_entry", args=[obs.period_id, cast.dept_a.pk]),
                 {"value": "24.5", "comment": "按新口径", "action": "submit"})
    obs.refresh_from_db()
    assert (obs.status, obs.value, obs.first_submitted_value) == ("submitted", Decimal("24.5"), Decimal("25"))

    office.post(reverse("indicators:observation_approve", args=[obs.pk]))
    obs.refresh_from_db()
    assert (obs.status, obs.approved_by) == ("approved", cast.office)
    page = office.get(reverse("indicators:observation_detail", args=[obs.pk])).content.decode()
    assert 'data-testid="first-submitted">25<' in page
    assert 'data-testid="value">24.5 万元/亩<' in page


def test_approved_values_are_locked_and_corrected_by_request(cast, client_for):
    w = world(cast)
    approved = w.observation(w.a1, "2023", cast.dept_a)
    liaison = client_for("liaison_a")
    # Locked: the entry page sends the liaison to the value's page.
    response = liaison.get(reverse("indicators:observation_entry", args=[approved.period_id, cast.dept_a.pk]))
    assert response.status_code == 302
    # A second pending request is refused with the engine's message.
    response = liaison.post(reverse("indicators:change_request_create", args=[approved.pk]),
                            {"new_value": "24", "reason": "再修正"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["该数值已有一项更正申请正在等待决定。"]
    pending = approved.change_requests.get(status="pending")
    # Liaisons cannot decide; the office can.
    assert liaison.post(reverse("indicators:change_request_decide", args=[pending.pk]),
                        {"decision": "approve"}).status_code == 404
    client_for("office").post(reverse("indicators:change_request_decide", args=[pending.pk]),
                              {"decision": "approve", "note": "同意"})
    approved.refresh_from_db()
    pending.refresh_from_db()
    assert (approved.value, approved.first_submitted_value, approved.status) == (Decimal("23"), Decimal("22"),
                                                                                 "approved")
    assert (pending.status, pending.decided_by, pending.decision_note) == ("approved", cast.office, "同意")


def test_review_queue_lists_what_the_user_may_approve(cast, client_for):
    world(cast)
    response = client_for("office").get(reverse("indicators:review"))
    assert [(o.indicator.code, o.period.label) for o in response.context["observations"]] == [("A1", "2024")]
    assert [(cr.observation.period.label, cr.new_value) for cr in response.context["change_requests"]] == [
        ("2023", Decimal("23.0000"))]
    export = client_for("office").get(reverse("indicators:review_xlsx"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


# Dashboards

def test_liaisons_see_only_their_units_indicators(cast, client_for):
    world(cast)
    codes = lambda member: [i.code for i in client_for(member).get(  # noqa: E731
        reverse("indicators:dashboard")).context["indicators"]]
    assert codes("office") == ["A1", "A2", "B1"]
    assert codes("leader") == ["A1", "A2", "B1"]
    assert codes("liaison_a") == ["A1", "A2"]
    assert codes("liaison_b") == ["B1"]
    assert codes("town_liaison") == []


def test_dashboard_filters_and_export(cast, client_for):
    w = world(cast)
    client = client_for("office")
    light = IndicatorStatus.objects.get(indicator=w.a1).light
    response = client.get(reverse("indicators:dashboard"), {"unit": cast.dept_b.pk})
    assert [i.code for i in response.context["indicators"]] == ["B1"]
    response = client.get(reverse("indicators:dashboard"), {"light": light})
    assert [i.code for i in response.context["indicators"]] == ["A1"]
    response = client.get(reverse("indicators:dashboard"), {"light": "grey"})
    assert [i.code for i in response.context["indicators"]] == ["A2", "B1"]
    response = client.get(reverse("indicators:dashboard"), {"q": "合格率"})
    assert [i.code for i in response.context["indicators"]] == ["A2"]
    export = client.get(reverse("indicators:dashboard_xlsx"), {"unit": cast.dept_a.pk})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["A1", "A2"]


def _many_indicators(cast, n: int):
    from qualitygov.plans.tests.factories import plan_factory

    plan = plan_factory(title=f"查询测试方案{n}")
    for i in range(n):
        indicator = Indicator.objects.create(plan=plan, code=f"Q{i}", name=f"指标{i}", unit="%", comparator=">=",
                                             target_value=Decimal(90), target_year=2027, scope="goals",
                                             baseline_year=2022, baseline_value=Decimal(80), order=i)
        IndicatorResponsibility.objects.create(indicator=indicator, unit=cast.dept_a if i % 2 else cast.dept_b)
        indicator_status_refresh(indicator=indicator, as_of=dt.date(2026, 11, 1))


@pytest.mark.parametrize("member", ["office", "liaison_a"])
def test_dashboard_query_count_does_not_grow_with_indicators(cast, client_for, member):
    client = client_for(member)
    client.get(reverse("indicators:dashboard"))  # warm the session
    counts, shown = [], []
    for n in (5, 25):
        _many_indicators(cast, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("indicators:dashboard"))
        assert response.status_code == 200
        counts.append(len(queries))
        shown.append(len(response.context["indicators"]))
    assert shown == {"office": [5, 30], "liaison_a": [2, 14]}[member]
    assert counts[0] == counts[1]


def test_indicator_page_shows_chart_data_why_and_history(cast, client_for):
    w = world(cast)
    response = client_for("liaison_a").get(reverse("indicators:indicator_detail", args=[w.a1.pk]))
    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart["target"] == 30.0
    assert chart["actual"][chart["labels"].index("2023")] == 22.0
    page = response.content.decode()
    assert 'id="indicator-chart-data"' in page and "vendor/echarts/echarts.min.js" in page
    assert 'data-why="expected"' in page and 'data-why="gap"' in page and 'data-why="rule"' in page
    actions = [e.action for e in response.context["history"]]
    assert "observation.approve" in actions and "observation.change_request" in actions
    # The change log reads in labels: event names, field verbose names, choice labels, "系统".
    history = page[page.index('data-testid="history"'):]
    assert ('<td data-action="observation.approve">审核通过指标数据</td>\n    <td>A1 2023 舟山市普陀区经济和信息化局: '
            '22.0000</td>\n    <td><div>状态: 已报送 → 已审核</div></td>') in history
    assert "<div>更正申请" not in history and "<div>数据记录: " in history and "<div>原因: 统计局年报修正</div>" in history
    assert "<td>系统</td>\n    <td data-action=\"indicator.status_change\">指标信号灯变化</td>" in history
    assert "<div>灯色: — → 黄灯</div><div>触发的规则: 数据逾期未报</div>" in history
    assert "<div>状态: — → 草稿</div><div>数值: — → 25</div>" in history and "说明: — → —" not in history
    for code in ("observation.", "indicator.", "status:", "light:", "as_of", "return_reason", ">system<"):
        assert code not in re.sub(r' data-action="[^"]*"', "", history), code
    # liaison_b sees neither the page nor A's history.
    assert client_for("liaison_b").get(reverse("indicators:indicator_detail", args=[w.a1.pk])).status_code == 404


def test_indicator_page_links_only_the_unit_pages_the_user_may_open(cast, client_for):
    from .engine_helpers import quarterly_indicator

    shared = quarterly_indicator(cast, code="S1", reporters=[(cast.dept_a, "lead"), (cast.dept_b, "co")])
    a_page = reverse("indicators:unit_page", args=[cast.dept_a.pk])
    b_page = reverse("indicators:unit_page", args=[cast.dept_b.pk])
    liaison_a = client_for("liaison_a")
    page = liaison_a.get(reverse("indicators:indicator_detail", args=[shared.pk])).content.decode()
    # Both units are named; only A's page, the one liaison A may open, is a link (B's answers 404).
    assert f'责任单位: {cast.dept_b.label}、<a href="{a_page}">{cast.dept_a.label}</a>' in page
    assert f'href="{b_page}"' not in page
    assert liaison_a.get(b_page).status_code == 404
    office = client_for("office").get(reverse("indicators:indicator_detail", args=[shared.pk])).content.decode()
    assert f'责任单位: <a href="{b_page}">{cast.dept_b.label}</a>、<a href="{a_page}">{cast.dept_a.label}</a>' in office


def test_unit_page_lists_what_is_due(cast, client_for):
    world(cast)
    response = client_for("liaison_a").get(reverse("indicators:unit_page", args=[cast.dept_a.pk]))
    due = [(d.indicator.code, d.period.label, d.observation.status if d.observation else None)
           for d in response.context["due"]]
    assert ("A1", "2025", "draft") in due and ("A2", "2025-Q1", None) in due
    assert ("A1", "2024", "submitted") not in due and all(code != "B1" for code, _l, _s in due)
    assert client_for("liaison_b").get(reverse("indicators:unit_page", args=[cast.dept_a.pk])).status_code == 404


# Editing a definition

def _edit_data(indicator, **overrides):
    data = {"code": indicator.code, "name": indicator.name, "unit": indicator.unit,
            "comparator": indicator.comparator, "nature": indicator.nature, "baseline_year": indicator.baseline_year,
            "baseline_value": str(indicator.baseline_value), "target_value": str(indicator.target_value),
            "target_year": indicator.target_year, "frequency": indicator.frequency,
            "aggregation": indicator.aggregation, "data_source": indicator.data_source,
            "lead_units": [r.unit_id for r in indicator.responsibilities.all()], "reason": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_target_change_needs_a_reason(cast, client_for):
    w = world(cast)
    client = client_for("office")
    url = reverse("indicators:indicator_edit", args=[w.a1.pk])
    client.get(url)
    before = table_snapshot()
    response = client.post(url, _edit_data(w.a1, target_value="32"))
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["目标已改变：请填写变更理由。"]
    assert changed_tables(before, table_snapshot()) == []

    response = client.post(url, _edit_data(w.a1, target_value="32", target_2025="26", reason="市里下达新目标"))
    assert response.status_code == 200  # a target by year needs the decision it rests on
    assert response.context["form"].errors["decision"] == ["分年度目标已改变：请填写所依据的决定。"]
    assert changed_tables(before, table_snapshot()) == []
    response = client.post(url, _edit_data(w.a1, target_value="32", target_2025="26", reason="市里下达新目标",
                                           decision="区领导小组2025年第2次会议"))
    assert response.status_code == 302
    w.a1.refresh_from_db()
    assert w.a1.target_value == Decimal("32")
    assert list(IndicatorTarget.objects.filter(indicator=w.a1).values_list("year", "value", "decision")) == [
        (2025, Decimal("26"), "区领导小组2025年第2次会议")]
    assert AuditEvent.objects.filter(object_type="indicators.indicator", object_id=str(w.a1.pk),
                                     action="indicator.update").count() == 1


def test_a_name_change_needs_no_reason_and_only_the_office_edits(cast, client_for):
    w = world(cast)
    url = reverse("indicators:indicator_edit", args=[w.a1.pk])
    assert client_for("liaison_a").post(url, _edit_data(w.a1, name="改名")).status_code == 404
    assert client_for("leader").get(url).status_code == 404
    response = client_for("office").post(url, _edit_data(w.a1, name="规上工业亩均税收（万元）",
                                                         lead_units=[cast.dept_a.pk, cast.dept_b.pk]))
    assert response.status_code == 302
    w.a1.refresh_from_db()
    assert w.a1.name == "规上工业亩均税收（万元）"
    assert sorted(w.a1.responsibilities.values_list("unit__short_name", "role")) == [("区住建局", "lead"),
                                                                                      ("区经信局", "lead")]


def test_a_value_submitted_by_no_signed_in_person_shows_system_not_none(cast, client_for):
    world(cast)
    observation = Observation.objects.get(indicator__code="A1", period__label="2024", status="submitted")
    Observation.objects.filter(pk=observation.pk).update(submitted_by=None)
    client = client_for("office")
    for url in (reverse("indicators:review"), reverse("indicators:observation_detail", args=[observation.pk])):
        body = re.sub(r"<script.*?</script>", "", client.get(url).content.decode(), flags=re.S)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
        assert "None" not in text
        assert "系统 · " in text
