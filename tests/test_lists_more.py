"""The other lists on the shared mechanism (qualitygov.core.lists): the indicator dashboard, users, the
audit trail, notifications, reporting cycles, extension requests, the 督办 list and plan imports."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from qualitygov.core.models import AuditEvent, Notification
from qualitygov.indicators.tests.url_samples import world
from qualitygov.progress.tests.factories import make_plan, make_task

from .test_lists import _pager, _sheet


def _codes(response) -> list[str]:
    return [i.code for i in response.context["lst"].rows]


def test_the_dashboard_sorts_filters_pages_and_exports(cast, client_for):
    world(cast)
    office, url = client_for("office"), reverse("indicators:dashboard")
    assert _codes(office.get(url)) == ["A1", "A2", "B1"]
    assert _codes(office.get(url, {"sort": "-code"})) == ["B1", "A2", "A1"]
    assert _codes(office.get(url, {"sort": "name"})) == sorted(["A1", "A2", "B1"], key={
        "A1": "规上工业亩均税收", "A2": "产品质量监督抽查合格率", "B1": "新开工装配式建筑占比"}.get)
    assert _pager(office.get(url, {"sort": "bogus", "page": "x"})) == "第 1/1 页 共 3 条"
    rows = _sheet(office.get(url, {"format": "xlsx", "unit": cast.dept_a.pk, "sort": "-code"}))
    assert rows[0][:3] == ("编号", "指标名称", "实施方案")
    assert [row[0] for row in rows[1:]] == ["A2", "A1"]
    assert [row[0] for row in _sheet(client_for("liaison_b").get(url, {"format": "xlsx"}))[1:]] == ["B1"]


def test_the_user_list_sorts_and_exports_the_same_order(cast, client_for):
    office, url = client_for("office"), reverse("accounts:user_list")
    names = [u.username for u in office.get(url, {"sort": "-username"}).context["lst"].rows]
    assert names == sorted(names, reverse=True) and len(names) == len(cast.members) - 1  # the cast but anonymous
    rows = _sheet(office.get(url, {"format": "xlsx", "sort": "-username"}))
    assert [row[0] for row in rows[1:]] == names
    assert [row[0] for row in _sheet(office.get(url, {"format": "xlsx", "q": "liaison_"}))[1:]] == [
        "liaison_a", "liaison_b"]


def test_the_audit_trail_sorts_both_ways(cast, client_for):
    office, url = client_for("office"), reverse("audit:list")
    newest = [e.seq for e in office.get(url).context["lst"].rows]
    oldest = [e.seq for e in office.get(url, {"sort": "seq"}).context["lst"].rows]
    assert newest == sorted(newest, reverse=True) and oldest[:3] == [1, 2, 3]
    total = AuditEvent.objects.count()
    assert _pager(office.get(url, {"per_page": 20, "page": 2})) == f"第 1/1 页 共 {total} 条"  # one page: page 1


def test_notifications_export_only_ones_own(cast, client_for):
    for i in range(3):
        Notification.objects.create(recipient=cast.liaison_a, kind="test", subject=f"通知{i}", dedup_key=f"a{i}")
    Notification.objects.create(recipient=cast.liaison_b, kind="test", subject="别人的通知", dedup_key="b")
    rows = _sheet(client_for("liaison_a").get(reverse("core:notification_list"), {"format": "xlsx", "sort": "-created"}))
    assert rows[0] == ("标题", "内容", "时间", "已读", "阅读时间")
    assert [row[0] for row in rows[1:]] == ["通知2", "通知1", "通知0"]


def test_reporting_cycles_filter_and_export(cast, client_for):
    from qualitygov.progress.services import cycles_schedule

    plan, _group = make_plan()
    make_task(cast, plan)
    cycles_schedule(actor=cast.office, plan=plan, year=2026, frequency="quarterly", due_day=25)
    cycles_schedule(actor=cast.office, plan=plan, year=2026, frequency="monthly", due_day=25)
    office, url = client_for("office"), reverse("progress:cycle_list")
    page = office.get(url, {"plan": plan.pk, "frequency": "quarterly"})
    assert _pager(page) == "第 1/1 页 共 4 条"
    assert f'name="plan" value="{plan.pk}"' in page.content.decode()  # the filter form keeps the plan
    rows = _sheet(office.get(url, {"plan": plan.pk, "frequency": "quarterly", "sort": "due", "format": "xlsx"}))
    assert [row[1] for row in rows[1:]] == ["按季度"] * 4
    assert [row[4].date() for row in rows[1:]] == [dt.date(2026, m, 25) for m in (3, 6, 9, 12)]
    assert _pager(office.get(url, {"plan": plan.pk})) == "第 1/1 页 共 16 条"


def test_the_import_history_and_the_supervised_list_answer_an_empty_export(client_for, cast):
    assert len(_sheet(client_for("office").get(reverse("planimport:import_list"), {"format": "xlsx"}))) == 1
    rows = _sheet(client_for("office").get(reverse("progress:supervised_list"), {"format": "xlsx"}))
    assert rows == [("单位", "任务", "工作事项", "报送周期", "应报日期", "逾期天数", "列入督办时间", "原因")]


@pytest.mark.parametrize("url_name", [
    "plans:list", "plans:task_list", "progress:work_item_list", "progress:finding_list", "progress:extension_list",
    "progress:supervised_list", "progress:cycle_list", "indicators:dashboard", "accounts:user_list", "audit:list",
    "core:notification_list", "planimport:import_list",
])
def test_every_list_survives_bad_values(client_for, cast, url_name):
    response = client_for("office").get(reverse(url_name), {
        "sort": "-nope", "page": "99999999999999999999", "per_page": "-3", "unit": "x", "status": "?", "q": "x" * 500})
    assert response.status_code == 200
    assert re.search(r'data-testid="(pager-text|empty|plans-empty|indicators-empty|imports-empty)"', response.content.decode())


def test_the_organisation_tree_sorts_pages_and_exports(cast, client_for):
    office, url = client_for("office"), reverse("accounts:org_tree")
    tree = [row.name for row in office.get(url).context["lst"].rows]
    assert tree[0] == "舟山市普陀区" and len(tree) == 6
    assert [row.name for row in office.get(url, {"sort": "-tree"}).context["lst"].rows] == tree[::-1]
    rows = _sheet(office.get(url, {"format": "xlsx", "kind": "department", "sort": "-tree"}))
    assert [row[1].strip("\u3000") for row in rows[1:]] == [name for name in tree[::-1] if name.endswith("局")]
    liaison = _sheet(client_for("liaison_b").get(url, {"format": "xlsx"}))
    assert [row[1].strip("\u3000") for row in liaison[1:]] == ["舟山市普陀区住房和城乡建设局"]
