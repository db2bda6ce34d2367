"""The plan workspace: plan list, plan overview, task page, unit page — content and scoping."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualitygov.plans.models import Plan, Task

from .factories import plan_factory, task_factory, workspace_plan


def _text(response) -> str:
    """The page's visible text with tags dropped and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def _task_titles(response) -> list[str]:
    body = response.content.decode()
    return re.findall(r'<tr data-testid="task-row">\s*<td>\d+</td>\s*<td><a href="[^"]+">([^<]+)</a>', body)


@pytest.fixture
def plan(cast) -> Plan:
    return workspace_plan(cast)


# --- Plan list ----------------------------------------------------------------------------------

def test_plan_list_shows_counts_and_header_fields(client_for, plan):
    response = client_for("liaison_a").get(reverse("plans:list"))
    assert response.status_code == 200
    text = _text(response)
    assert plan.title in text
    row = re.search(r'<table class="table[^"]*" data-testid="plan-list">.*?</table>', response.content.decode(), re.S)
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
    assert cells == [f"{plan.title} 舟山市普陀区质量强区工作领导小组", "2023—2027", "普质强区发〔2023〕1号", "第 1 版", "4", "2"]


def test_plan_list_empty_state_points_office_to_import(client_for, cast):
    office = _text(client_for("office").get(reverse("plans:list")))
    liaison = _text(client_for("liaison_a").get(reverse("plans:list")))
    assert "尚未导入实施方案。" in office
    assert "导入方案文件" in office
    assert "尚未导入实施方案。" in liaison
    assert "导入方案文件" not in liaison
    assert "实施方案由质量强区办导入，导入后任务将显示在这里。" in liaison


def test_plan_list_links_to_my_unit(client_for, cast, plan):
    body = client_for("liaison_a").get(reverse("plans:list")).content.decode()
    assert f'href="{reverse("plans:unit_tasks", args=[cast.dept_a.pk])}" data-testid="my-unit-tasks"' in body


def test_plan_list_export(client_for, plan):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for("leader").get(reverse("plans:list_xlsx"))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows == [
        ("方案名称", "印发单位", "文号", "实施期", "版本", "任务数", "指标数"),
        (plan.title, "舟山市普陀区质量强区工作领导小组", "普质强区发〔2023〕1号", "2023—2027", 1, 4, 2),
    ]
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''" + quote("实施方案列表"))


def test_plan_list_export_follows_the_interface_language(client_for, plan):
    from io import BytesIO

    from django.conf import settings
    from openpyxl import load_workbook

    client = client_for("leader")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("plans:list_xlsx"))
    ws = load_workbook(BytesIO(response.content)).active
    assert ws.title == "Plans"
    assert next(ws.iter_rows(values_only=True)) == (
        "Plan name", "Issued by", "Document number", "Period", "Revision", "Tasks", "Indicators")


# --- Plan overview ------------------------------------------------------------------------------

@pytest.mark.parametrize(("member", "titles"), [
    ("office", ["坚持质量发展创新驱动", "提升建设工程品质", "提高全民质量素养", "打造街道质量示范"]),
    ("leader", ["坚持质量发展创新驱动", "提升建设工程品质", "提高全民质量素养", "打造街道质量示范"]),
    ("liaison_a", ["坚持质量发展创新驱动"]),
    ("liaison_b", ["坚持质量发展创新驱动", "提升建设工程品质"]),
    ("town_liaison", ["提高全民质量素养", "打造街道质量示范"]),
])
def test_plan_overview_lists_only_visible_tasks(client_for, plan, member, titles):
    response = client_for(member).get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert _task_titles(response) == titles


def test_plan_overview_notes_total_when_some_tasks_hidden(client_for, plan):
    assert "本方案共 4 项任务，其中 1 项与您的单位相关，列于下方。" in _text(
        client_for("liaison_a").get(reverse("plans:plan_detail", args=[plan.pk])))
    assert "本方案共 4 项任务。" in _text(client_for("office").get(reverse("plans:plan_detail", args=[plan.pk])))


def test_plan_overview_header_outline_units_and_indicators(client_for, cast, plan):
    response = client_for("office").get(reverse("plans:plan_detail", args=[plan.pk]))
    body = response.content.decode()
    text = _text(response)
    assert "印发单位 舟山市普陀区质量强区工作领导小组 文号 普质强区发〔2023〕1号 印发日期 2023-12-15 实施期 2023—2027" in text
    assert "一、总体要求 （一）指导思想 （二）主要目标 二、主要任务 （一）增强发展动能 （二）提升质量供给" in text
    assert "（一）增强发展动能" in text and "（二）提升质量供给" in text
    # Units link to their pages; the all-towns badge is shown on task 3 only.
    unit_a = reverse("plans:unit_tasks", args=[cast.dept_a.pk])
    assert f'<a href="{unit_a}">区经信局</a>' in body
    assert body.count('data-testid="all-towns"') == 1
    indicator_rows = re.findall(r"<tr>\s*(<td>G1</td>.*?|<td>T1-1</td>.*?)</tr>",
                                body.split('data-testid="indicator-table"')[1], re.S)
    cells = [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in indicator_rows]
    task1 = Task.objects.get(plan=plan, number="1")
    assert cells == [
        ["G1", "规上工业增加值占全区生产总值比重", "左右", "17", "%", "2025", "主要目标", ""],
        ["T1-1", "数字经济核心产业增加值增速", "≥", "8.5", "%", "2025", "任务内", "1. 坚持质量发展创新驱动"],
    ]
    assert f'<a href="{reverse("plans:task_detail", args=[task1.pk])}">1. 坚持质量发展创新驱动</a>' in body


def test_plan_overview_does_not_link_units_out_of_scope(client_for, cast, plan):
    body = client_for("liaison_a").get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert f'<a href="{reverse("plans:unit_tasks", args=[cast.dept_a.pk])}">区经信局</a>' in body
    assert reverse("plans:unit_tasks", args=[cast.dept_b.pk]) not in body
    assert "区住建局" in body


def test_plan_overview_missing_plan_is_404(client_for, plan):
    assert client_for("office").get(reverse("plans:plan_detail", args=[plan.pk + 100])).status_code == 404


def _plan_with_tasks(cast, n: int) -> Plan:
    plan = plan_factory(title=f"方案{n}")
    from .factories import group_factory, indicator_factory

    groups = [group_factory(plan=plan, number=str(i), title=f"任务组{i}") for i in range(1, 4)]
    for i in range(n):
        task = task_factory(plan=plan, group=groups[i % 3], lead=[cast.dept_a, cast.town], co=[cast.dept_b],
                            all_towns=i % 2 == 0)
        indicator_factory(plan=plan, code=f"T{i}", name=f"指标{i}", comparator=">=", value=i, task=task)
    return plan


@pytest.mark.parametrize("member", ["office", "liaison_a", "town_liaison"])
def test_plan_overview_query_count_does_not_grow_with_tasks(client_for, cast, member):
    small, large = _plan_with_tasks(cast, 5), _plan_with_tasks(cast, 20)
    client = client_for(member)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(_task_titles(response)) == 20
    assert counts[0] == counts[1]


# --- Task page ----------------------------------------------------------------------------------

def test_task_page_shows_group_text_units_indicators_deadline(client_for, cast, plan):
    task = Task.objects.get(plan=plan, number="1")
    response = client_for("liaison_a").get(reverse("plans:task_detail", args=[task.pk]))
    assert response.status_code == 200
    text = _text(response)
    body = response.content.decode()
    assert "（一）增强发展动能 1. 坚持质量发展创新驱动" in text
    assert "大力实施数字经济“一号发展工程”。" in text
    assert "牵头单位 区经信局 配合单位 区住建局 完成时限 2027年底前" in text
    assert f'<a href="{reverse("plans:unit_tasks", args=[cast.dept_a.pk])}">区经信局</a>' in body
    assert reverse("plans:unit_tasks", args=[cast.dept_b.pk]) not in body
    assert "T1-1 数字经济核心产业增加值增速 ≥ 8.5% 2025" in text
    assert 'data-testid="all-towns-note"' not in body


def test_task_page_all_towns_note_and_written_deadline(client_for, plan):
    task = Task.objects.get(plan=plan, number="3")
    text = _text(client_for("town_liaison").get(reverse("plans:task_detail", args=[task.pk])))
    assert "镇街 各镇（街道）、管委会 各镇（街道）、管委会均须落实本任务。 完成时限 2025年底前" in text
    assert "本任务未设定量化指标。" in text


def test_task_page_deadline_date(client_for, plan):
    task = Task.objects.get(plan=plan, number="4")
    assert "完成时限 2026年6月30日前" in _text(client_for("town_liaison").get(
        reverse("plans:task_detail", args=[task.pk])))


@pytest.mark.parametrize(("member", "number", "status"), [
    ("liaison_a", "1", 200), ("liaison_a", "2", 404), ("liaison_a", "3", 404), ("liaison_a", "4", 404),
    ("liaison_b", "1", 200), ("liaison_b", "2", 200), ("liaison_b", "3", 404),
    ("town_liaison", "1", 404), ("town_liaison", "3", 200), ("town_liaison", "4", 200),
    ("leader", "2", 200), ("office", "4", 200),
])
def test_task_page_scoping(client_for, plan, member, number, status):
    task = Task.objects.get(plan=plan, number=number)
    assert client_for(member).get(reverse("plans:task_detail", args=[task.pk])).status_code == status


# --- Unit page ----------------------------------------------------------------------------------

def _unit_rows(response) -> list[list[str]]:
    body = response.content.decode()
    rows = re.findall(r'<tr data-testid="unit-task-row">(.*?)</tr>', body, re.S)
    return [[re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_unit_page_department(client_for, cast, plan):
    response = client_for("liaison_b").get(reverse("plans:unit_tasks", args=[cast.dept_b.pk]))
    assert response.status_code == 200
    assert "共 2 项任务：牵头 1 项，配合 1 项" in _text(response)
    assert _unit_rows(response) == [
        ["1", "坚持质量发展创新驱动", "配合", "区经信局", "区住建局"],
        ["2", "提升建设工程品质", "牵头", "区住建局", ""],
    ]


def test_unit_page_town_gets_all_towns_tasks(client_for, cast, plan):
    response = client_for("town_liaison").get(reverse("plans:unit_tasks", args=[cast.town.pk]))
    assert "共 2 项任务：牵头 1 项，配合 0 项，另有 1 项由各镇（街道）落实" in _text(response)
    assert _unit_rows(response) == [
        ["3", "提高全民质量素养", "各镇（街道）、管委会", "质量强区办 各镇（街道）、管委会", ""],
        ["4", "打造街道质量示范", "牵头", "沈家门街道", ""],
    ]


def test_unit_page_department_does_not_get_all_towns_tasks(client_for, cast, plan):
    response = client_for("office").get(reverse("plans:unit_tasks", args=[cast.dept_a.pk]))
    assert [row[1] for row in _unit_rows(response)] == ["坚持质量发展创新驱动"]


@pytest.mark.parametrize(("member", "unit", "status"), [
    ("liaison_a", "dept_a", 200), ("liaison_a", "dept_b", 404), ("liaison_a", "town", 404),
    ("liaison_b", "dept_a", 404), ("town_liaison", "dept_a", 404), ("town_liaison", "town", 200),
    ("office", "dept_b", 200), ("leader", "town", 200),
])
def test_unit_page_scoping(client_for, cast, plan, member, unit, status):
    pk = getattr(cast, unit).pk
    assert client_for(member).get(reverse("plans:unit_tasks", args=[pk])).status_code == status
    assert client_for(member).get(reverse("plans:unit_tasks_xlsx", args=[pk])).status_code == status


def test_unit_page_empty_state(client_for, cast):
    response = client_for("liaison_a").get(reverse("plans:unit_tasks", args=[cast.dept_a.pk]))
    assert "尚无方案任务指派给本单位。" in _text(response)


def test_unit_tasks_export(client_for, cast, plan):
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import load_workbook

    response = client_for("town_liaison").get(reverse("plans:unit_tasks_xlsx", args=[cast.town.pk]))
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('沈家门街道任务清单.xlsx')}"
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [
        ("方案", "序号", "任务名称", "本单位职责", "牵头单位", "配合单位", "完成时限"),
        (plan.title, "3", "提高全民质量素养", "各镇（街道）落实", "质量强区办、各镇（街道）、管委会", None, "2025年底前"),
        (plan.title, "4", "打造街道质量示范", "牵头", "沈家门街道", None, "2026年6月30日前"),
    ]


# --- Permission-matrix samples ------------------------------------------------------------------

WORKSPACE_URLS = ["plans:plan_detail", "plans:export_xlsx", "plans:export_docx", "plans:task_detail",
                  "plans:unit_tasks", "plans:unit_tasks_xlsx"]


@pytest.mark.parametrize("name", WORKSPACE_URLS)
def test_url_samples_open_for_office_and_owner(client_for, cast, name):
    from .url_samples import SAMPLES

    kwargs = SAMPLES[name](cast)
    owner = kwargs.pop("owner", None)
    url = reverse(name, kwargs=kwargs)
    assert client_for("office").get(url).status_code == 200
    if owner:
        assert client_for(owner).get(url).status_code == 200
        assert client_for("town_liaison").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302


@pytest.mark.parametrize("member", ["office", "town_liaison"])
def test_unit_page_query_count_does_not_grow_with_tasks(client_for, cast, member):
    client = client_for(member)
    counts = []
    for n in (5, 20):
        _plan_with_tasks(cast, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("plans:unit_tasks", args=[cast.town.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(_unit_rows(response)) == 25
    assert counts[0] == counts[1]


def test_pages_in_english(client_for, plan):
    client = client_for("liaison_b")
    client.cookies["qualitygov_language"] = "en"
    text = _text(client.get(reverse("plans:plan_detail", args=[plan.pk])))
    assert "The plan has 4 tasks; 2 of them concern your units and are listed here." in text
    task = Task.objects.get(plan=plan, number="1")
    assert "Lead units 区经信局 Co-operating units 区住建局 Time limit 2027年底前" in _text(
        client.get(reverse("plans:task_detail", args=[task.pk])))
