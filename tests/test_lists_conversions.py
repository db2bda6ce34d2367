"""The last lists on the shared mechanism (qualitygov.core.lists): the indicator review queue, the
background jobs, the leading group's meetings and the assessment schemes. Each pages, sorts, filters
and exports the filtered rows; a bad ?sort= or ?page= gives page 1."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.choices import JobKind, JobStatus
from qualitygov.core.models import JobRun

from .test_lists import _pager, _sheet

SCHEME = Path(__file__).resolve().parents[1] / "qualitygov" / "assessments" / "data" / "member-units-2026.json"


def _review_world(cast):
    """A quarterly indicator of 区经信局 with 22 submitted values (2021-Q1 … 2026-Q2) and a yearly one of
    区住建局 with 2 (2024, 2025)."""
    from qualitygov.indicators.models import Indicator, IndicatorResponsibility
    from qualitygov.indicators.services import observation_save_draft, observation_submit, periods_generate
    from qualitygov.plans.tests.factories import plan_factory

    plan = plan_factory(title="审核队列测试方案")
    made = {}
    for code, name, frequency, unit in (("Q1", "季度指标", "quarterly", cast.dept_a), ("Y1", "年度指标", "yearly", cast.dept_b)):
        indicator = Indicator.objects.create(
            plan=plan, code=code, name=name, unit="%", comparator=">=", target_value=Decimal(90), target_year=2027,
            scope="goals", baseline_year=2020, baseline_value=Decimal(80), frequency=frequency, order=len(made) + 1)
        IndicatorResponsibility.objects.create(indicator=indicator, unit=unit, role="lead")
        periods_generate(indicator=indicator, until=dt.date(2026, 6, 30))
        made[code] = indicator
    quarters = list(made["Q1"].periods.filter(start__year__gte=2021).order_by("start"))[:22]
    for index, period in enumerate(quarters):
        observation_submit(actor=cast.liaison_a, observation=observation_save_draft(
            actor=cast.liaison_a, period=period, unit=cast.dept_a, value=Decimal(50 + index)))
    for year, value in (("2024", 45), ("2025", 75)):
        observation_submit(actor=cast.liaison_b, observation=observation_save_draft(
            actor=cast.liaison_b, period=made["Y1"].periods.get(label=year), unit=cast.dept_b, value=Decimal(value)))
    return [p.label for p in quarters]


def _labels(response) -> list[str]:
    return [f"{o.indicator.code} {o.period.label}" for o in response.context["lst"].rows]


def test_the_review_queue_pages_sorts_filters_and_exports(cast, client_for):
    quarters = _review_world(cast)
    office, url = client_for("office"), reverse("indicators:review")
    first = office.get(url, {"per_page": 20})
    assert _pager(first) == "第 1/2 页 共 24 条"
    assert _labels(first) == [f"Q1 {label}" for label in quarters[:20]]  # oldest submission first
    assert _labels(office.get(url, {"per_page": 20, "page": 2})) == [f"Q1 {q}" for q in quarters[20:]] + [
        "Y1 2024", "Y1 2025"]
    assert _labels(office.get(url, {"sort": "-value"}))[:3] == ["Y1 2025", f"Q1 {quarters[21]}", f"Q1 {quarters[20]}"]
    assert _labels(office.get(url, {"sort": "value"}))[:2] == ["Y1 2024", f"Q1 {quarters[0]}"]
    assert _labels(office.get(url, {"sort": "-period", "unit": cast.dept_b.pk})) == ["Y1 2025", "Y1 2024"]
    assert _labels(office.get(url, {"q": "年度"})) == ["Y1 2024", "Y1 2025"]
    page = office.get(url, {"per_page": 20}).content.decode()
    assert page.count('data-testid="previous"') == 20 and page.count('data-testid="target"') == 20
    assert _pager(office.get(url, {"sort": "nope", "page": "x"})) == "第 1/1 页 共 24 条"
    assert _labels(office.get(url, {"sort": "nope", "page": "x"}))[0] == f"Q1 {quarters[0]}"
    # The page's export and the older address answer the same filtered, sorted rows.
    for export in (office.get(url, {"format": "xlsx", "unit": cast.dept_b.pk, "sort": "-period"}),
                   office.get(reverse("indicators:review_xlsx"), {"unit": cast.dept_b.pk, "sort": "-period"})):
        rows = _sheet(export)
        assert rows[0] == ("编号", "指标名称", "填报期", "报送单位", "镇街", "数值", "计量单位", "说明", "报送人", "报送时间")
        assert [row[:6] for row in rows[1:]] == [("Y1", "年度指标", "2025", "区住建局", None, "75"),
                                                 ("Y1", "年度指标", "2024", "区住建局", None, "45")]
    assert len(_sheet(office.get(reverse("indicators:review_xlsx")))) == 25


def test_a_unit_reviewer_sees_and_exports_only_its_units_values(cast, client_for):
    from django.test import Client

    _review_world(cast)
    reviewer = user_create(actor=None, username="reviewer_b", password=PASSWORD, display_name="审核员乙",
                           unit=cast.dept_b, grants=[(Role.REVIEWER, cast.dept_b, False)])
    client = Client()
    client.force_login(reviewer)
    url = reverse("indicators:review")
    assert _labels(client.get(url)) == ["Y1 2024", "Y1 2025"]
    assert _labels(client.get(url, {"unit": cast.dept_a.pk})) == ["Y1 2024", "Y1 2025"]  # not its unit: no filter
    assert [row[0:3] for row in _sheet(client.get(url, {"format": "xlsx"}))[1:]] == [
        ("Y1", "年度指标", "2024"), ("Y1", "年度指标", "2025")]
    assert client_for("liaison_a").get(url).status_code == 404


def _jobs(cast) -> None:
    """21 jobs of the office (任务00–任务20; even ones failed exports, odd ones succeeded imports) and 2 of liaison_a."""
    for index in range(21):
        JobRun.objects.create(kind=JobKind.EXPORT if index % 2 == 0 else JobKind.IMPORT, label=f"任务{index:02d}",
                              func_path="qualitygov.core.jobs.job_enqueue", actor=cast.office,
                              status=JobStatus.FAILED if index % 2 == 0 else JobStatus.SUCCEEDED)
    for index in range(2):
        JobRun.objects.create(kind=JobKind.EXPORT, label=f"联络员任务{index}", func_path="qualitygov.core.jobs.job_enqueue",
                              actor=cast.liaison_a, status=JobStatus.SUCCEEDED)


def _job_labels(response) -> list[str]:
    return [job.label for job in response.context["lst"].rows]


def test_the_job_list_pages_sorts_filters_and_exports(cast, client_for):
    _jobs(cast)
    office, url = client_for("office"), reverse("core:job_list")
    newest = [f"联络员任务{i}" for i in (1, 0)] + [f"任务{i:02d}" for i in range(20, -1, -1)]
    assert _pager(office.get(url)) == "第 1/2 页 共 23 条"
    assert _job_labels(office.get(url)) == newest[:20]
    assert _job_labels(office.get(url, {"page": 2})) == newest[20:]
    assert _job_labels(office.get(url, {"sort": "label"}))[:3] == ["任务00", "任务01", "任务02"]
    failed = office.get(url, {"status": "failed", "kind": "export", "sort": "label"})
    assert _job_labels(failed) == [f"任务{i:02d}" for i in range(0, 21, 2)]
    assert _job_labels(office.get(url, {"sort": "-x", "page": "99"})) == newest[:20]
    rows = _sheet(office.get(url, {"format": "xlsx", "status": "failed", "sort": "-label"}))
    assert rows[0] == ("任务", "类型", "状态", "进度", "发起人", "创建时间", "完成时间", "错误")
    assert [row[:3] for row in rows[1:]] == [(f"任务{i:02d}", "导出", "失败") for i in range(20, -1, -2)]
    # The polled rows keep the page's filters, sort and page.
    assert [job.label for job in office.get(reverse("core:job_rows"), {
        "status": "failed", "sort": "label", "page": 1}).context["lst"].rows] == [f"任务{i:02d}" for i in range(0, 21, 2)]
    assert [job.label for job in office.get(reverse("core:job_rows"), {"page": 2}).context["lst"].rows] == newest[20:]


def test_a_liaison_lists_and_exports_only_its_own_jobs(cast, client_for):
    _jobs(cast)
    liaison, url = client_for("liaison_a"), reverse("core:job_list")
    assert _job_labels(liaison.get(url)) == ["联络员任务1", "联络员任务0"]
    assert [row[0] for row in _sheet(liaison.get(url, {"format": "xlsx"}))[1:]] == ["联络员任务1", "联络员任务0"]
    assert _job_labels(client_for("liaison_b").get(url)) == []


def test_a_running_job_keeps_polling_with_the_lists_query(cast, client_for):
    JobRun.objects.create(kind=JobKind.EXPORT, label="进行中", func_path="qualitygov.core.jobs.job_enqueue",
                          actor=cast.office, status=JobStatus.RUNNING)
    page = client_for("office").get(reverse("core:job_list"), {"status": "running", "sort": "label"}).content.decode()
    assert f'hx-get="{reverse("core:job_rows")}?status=running&amp;sort=label"' in page


def _meetings(cast) -> None:
    from qualitygov.leadership.choices import MeetingStatus
    from qualitygov.leadership.models import Meeting
    from qualitygov.leadership.services import meeting_save

    for index in range(22):  # 2025-01-10 … 2026-10-10, every month; 2025's are held
        held_on = dt.date(2025 + index // 12, index % 12 + 1, 10)
        meeting = meeting_save(actor=cast.office, title=f"会议{index:02d}", held_on=held_on, location=f"会议室{index}")
        if held_on.year == 2025:
            Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)


def _meeting_titles(response) -> list[str]:
    return [meeting.title for meeting in response.context["lst"].rows]


def test_the_groups_meetings_page_sort_filter_and_export(cast, client_for):
    _meetings(cast)
    url = reverse("leadership:group")
    for member in ("office", "liaison_b"):  # the group's meetings are district records: everyone reads them
        client = client_for(member)
        assert _pager(client.get(url)) == "第 1/2 页 共 22 条"
        assert _meeting_titles(client.get(url)) == [f"会议{i:02d}" for i in range(21, 1, -1)]
        assert _meeting_titles(client.get(url, {"page": 2})) == ["会议01", "会议00"]
    office = client_for("office")
    assert _meeting_titles(office.get(url, {"sort": "title"}))[:2] == ["会议00", "会议01"]
    assert _meeting_titles(office.get(url, {"year": 2026, "sort": "held"})) == [f"会议{i:02d}" for i in range(12, 22)]
    assert _meeting_titles(office.get(url, {"status": "held", "year": 2025})) == [f"会议{i:02d}" for i in range(11, -1, -1)]
    assert _meeting_titles(office.get(url, {"status": "held", "year": 2026})) == []
    assert _meeting_titles(office.get(url, {"year": "二〇二六", "sort": "?", "page": "-1"})) == [
        f"会议{i:02d}" for i in range(21, 1, -1)]
    rows = _sheet(office.get(url, {"format": "xlsx", "year": 2026, "status": "planned", "sort": "held"}))
    assert rows[0] == ("日期", "会议名称", "地点", "状态", "决定事项数", "缺席人数")
    assert [row[1:] for row in rows[1:3]] == [("会议12", "会议室12", "待召开", 0, 0), ("会议13", "会议室13", "待召开", 0, 0)]
    assert [row[0].date() for row in rows[1:]] == [dt.date(2026, m, 10) for m in range(1, 11)]


def _schemes(cast) -> None:
    from qualitygov.assessments.services import scheme_import, scheme_publish

    data = json.loads(SCHEME.read_text(encoding="utf-8"))
    for index in range(21):  # 方案00–方案20 over 2006–2026; the even years' are published
        data["title"] = f"方案{index:02d}"
        scheme = scheme_import(actor=cast.office, text=json.dumps(data, ensure_ascii=False), year=2006 + index)
        if index % 2 == 0:
            scheme_publish(actor=cast.office, scheme=scheme)


def _scheme_titles(response) -> list[str]:
    return [scheme.title for scheme in response.context["lst"].rows]


def test_the_scheme_list_pages_sorts_filters_and_exports(cast, client_for):
    _schemes(cast)
    url = reverse("assessments:schemes")
    for member in ("office", "liaison_a"):
        client = client_for(member)
        assert _pager(client.get(url)) == "第 1/2 页 共 21 条"
        assert _scheme_titles(client.get(url)) == [f"方案{i:02d}" for i in range(20, 0, -1)]
        assert _scheme_titles(client.get(url, {"page": 2})) == ["方案00"]
    office = client_for("office")
    assert _scheme_titles(office.get(url, {"sort": "title"}))[:2] == ["方案00", "方案01"]
    assert _scheme_titles(office.get(url, {"year": 2016})) == ["方案10"]
    assert _scheme_titles(office.get(url, {"status": "draft", "sort": "year"})) == [f"方案{i:02d}" for i in range(1, 21, 2)]
    assert _scheme_titles(office.get(url, {"sort": "-bogus", "page": "abc"}))[0] == "方案20"
    rows = _sheet(office.get(url, {"format": "xlsx", "status": "published", "sort": "-year"}))
    assert rows[0] == ("年度", "方案名称", "版本", "状态", "发布时间", "发布人", "创建人")
    assert [row[:4] for row in rows[1:]] == [(2006 + i, f"方案{i:02d}", "v1", "已发布") for i in range(20, -1, -2)]
    assert {row[5] for row in rows[1:]} == {"office"}


@pytest.mark.parametrize("url_name", ["indicators:review", "core:job_list", "leadership:group", "assessments:schemes"])
def test_each_list_survives_bad_values(client_for, cast, url_name):
    response = client_for("office").get(reverse(url_name), {
        "sort": "-nope", "page": "99999999999999999999", "per_page": "-3", "unit": "x", "status": "?", "year": "x",
        "kind": "?", "q": "x" * 500})
    assert response.status_code == 200
