"""The office board (tasks × units with stored lights), its export, and the bulletin button."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.plans.tests.factories import group_factory, plan_factory, task_factory
from qualitygov.progress.models import WorkItemLight
from qualitygov.progress.services import lights_recompute, work_item_create


def _add_units(cast, n: int, start: int = 0) -> list[OrgUnit]:
    units = []
    for i in range(start, start + n):
        unit = OrgUnit.objects.create(parent=cast.district, kind=OrgUnitKind.DEPARTMENT, name=f"测试局{i:03d}",
                                      short_name=f"测试局{i:03d}")
        unit.path = cast.district.child_path(unit.pk)
        unit.depth = cast.district.depth + 1
        unit.save(update_fields=["path", "depth"])
        units.append(unit)
    return units


@pytest.fixture
def board_plan(cast):
    """Two groups; task 1 led by 区经信局 (co 区住建局) far behind schedule, task 2 led by 区住建局 on schedule."""
    today = timezone.localdate()
    plan = plan_factory()
    g1 = group_factory(plan=plan, number="一", title="增强发展动能")
    g2 = group_factory(plan=plan, number="二", title="提升质量供给")
    t1 = task_factory(plan=plan, group=g1, title="坚持质量发展创新驱动", lead=[cast.dept_a], co=[cast.dept_b])
    t2 = task_factory(plan=plan, group=g2, title="提升建设工程品质", lead=[cast.dept_b])
    span = {"start_date": today - dt.timedelta(days=100), "deadline": today + dt.timedelta(days=100)}
    behind = work_item_create(actor=cast.office, task=t1, lead_unit=cast.dept_a, title="建成数字化车间10个",
                              co_units=[cast.dept_b], **span)
    on_track = work_item_create(actor=cast.office, task=t2, lead_unit=cast.dept_b, title="创建优质工程5项", **span)
    type(behind).objects.filter(pk=behind.pk).update(progress_pct=5)
    type(on_track).objects.filter(pk=on_track.pk).update(progress_pct=60)
    lights_recompute(on=today)
    return plan, t1, t2


def _cells(html: str) -> dict[str, list[str]]:
    """task number → the lights of its row: task light first, then one per unit column ('' for none)."""
    rows = {}
    for row in re.findall(r'<tr data-testid="board-row".*?</tr>', html, re.S):
        number = re.search(r'">(\d+)\. ', row).group(1)
        task_light = re.search(r'data-testid="task-light" data-light="(\w+)"', row).group(1)
        cells = re.findall(r'<td class="text-center"(?: data-light="(\w+)")?', row)
        rows[number] = [task_light, *cells]
    return rows


def _units(html: str) -> list[str]:
    return re.findall(r'data-unit="\d+"[^>]*>([^<]+)</th>', html)


def test_the_board_shows_stored_lights_per_task_and_unit(client_for, cast, board_plan):
    plan, _t1, _t2 = board_plan
    assert dict(WorkItemLight.objects.values_list("work_item__title", "light")) == {
        "建成数字化车间10个": "red", "创建优质工程5项": "green"}
    html = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    assert _units(html) == ["区经信局", "区住建局"]
    assert _cells(html) == {"1": ["red", "red", "red"], "2": ["green", "", "green"]}
    assert "任务亮灯情况" in html


def test_the_board_is_scoped_and_filtered(client_for, cast, board_plan):
    plan, _t1, _t2 = board_plan
    html = client_for("liaison_a").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    assert _units(html) == ["区经信局", "区住建局"]  # 区住建局 co-operates on 区经信局's item
    assert _cells(html) == {"1": ["red", "red", "red"]}
    group2 = plan.task_groups.get(number="二")
    html = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}&group={group2.pk}").content.decode()
    assert _cells(html) == {"2": ["green", "green"]}
    assert _units(html) == ["区住建局"]
    html = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}&kind=towns").content.decode()
    assert _units(html) == []
    assert _cells(html) == {"1": ["red"], "2": ["green"]}


def test_the_board_exports_to_xlsx(client_for, cast, board_plan):
    plan, _t1, _t2 = board_plan
    response = client_for("office").get(reverse("progress:board_xlsx") + f"?plan={plan.pk}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["序号", "任务", "任务灯", "区经信局", "区住建局"],
        ["1", "坚持质量发展创新驱动", "红灯", "红灯", "红灯"],
        ["2", "提升建设工程品质", "绿灯", None, "绿灯"],
    ]


def test_board_queries_do_not_grow_with_units(client_for, cast, board_plan):
    plan, _t1, t2 = board_plan
    client = client_for("office")
    url = reverse("progress:board") + f"?plan={plan.pk}"

    def queries_with(units: list[OrgUnit]) -> int:
        for unit in units:
            work_item_create(actor=cast.office, task=t2, lead_unit=unit, title=f"{unit.name}事项",
                             start_date=timezone.localdate(), deadline=timezone.localdate() + dt.timedelta(days=30),
                             co_units=[cast.dept_a])
        lights_recompute(on=timezone.localdate())
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    at_10 = queries_with(_add_units(cast, 8))
    html10 = client.get(url).content.decode()
    at_35 = queries_with(_add_units(cast, 25, start=100))
    html35 = client.get(url).content.decode()
    assert (len(_units(html10)), len(_units(html35))) == (10, 35)
    assert at_10 == at_35


def test_the_board_without_a_plan_says_so(client_for):
    html = client_for("liaison_a").get(reverse("progress:board")).content.decode()
    assert "尚无实施方案：质量强区办导入方案后即可使用。" in html


def test_the_bulletin_button_downloads_a_docx_for_the_office(client_for, cast, board_plan):
    from docx import Document

    page = client_for("office").get(reverse("progress:bulletin"))
    assert page.status_code == 200
    month = timezone.localdate().strftime("%Y-%m")
    response = client_for("office").post(reverse("progress:bulletin"), {"period": month, "format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "质量强区工作进展通报" in text
    assert client_for("liaison_a").post(reverse("progress:bulletin"), {"period": month}).status_code == 404
    bad = client_for("office").post(reverse("progress:bulletin"), {"period": "2026-13", "format": "docx"})
    assert bad.status_code == 200
    assert "请按月（YYYY-MM）、半年（YYYY-H1、YYYY-H2）或年（YYYY）填写通报期间。" in bad.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def mixed_task(cast):
    """One task with four work items: 区经信局's on schedule (green), 区住建局's far behind (red), two more
    of 区住建局's on schedule (green)."""
    today = timezone.localdate()
    plan = plan_factory()
    task = task_factory(plan=plan, title="推动产业质量升级", lead=[cast.dept_a], co=[cast.dept_b])
    span = {"start_date": today - dt.timedelta(days=100), "deadline": today + dt.timedelta(days=100)}
    for unit, title, pct in [(cast.dept_a, "建成数字化车间10个", 60), (cast.dept_b, "创建优质工程5项", 5),
                             (cast.dept_b, "开展质量提升行动", 55), (cast.dept_b, "培育品牌企业", 70)]:
        item = work_item_create(actor=cast.office, task=task, lead_unit=unit, title=title, **span)
        type(item).objects.filter(pk=item.pk).update(progress_pct=pct)
    lights_recompute(on=today)
    return plan, task


def test_each_task_shows_its_spread_and_why_in_words_without_an_inner_scroll_area(client_for, mixed_task):
    plan, _task = mixed_task
    html = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    assert _cells(html) == {"1": ["red", "green", "red"]}
    assert _text(re.search(r'data-testid="task-spread">(.*?)</span>', html).group(1)) == "（红灯1/绿灯3）"
    assert _text(re.search(r'data-testid="task-reason">(.*?)</div>', html).group(1)) == "取该任务下工作事项中最差的灯色"
    assert "max-height" not in html  # the last tasks do not hide in an inner scroll area
    assert _text(re.search(r'data-testid="board-rollup">(.*?)</p>', html, re.S).group(1)).startswith(
        "任务亮灯规则：取最差：任一工作事项亮红灯，任务即亮红灯。")


def test_the_office_chooses_the_share_roll_up_as_a_new_rule_version(client_for, cast, mixed_task):
    from qualitygov.core.models import AuditEvent
    from qualitygov.progress.models import LightRuleSet, TaskLight

    plan, task = mixed_task
    url = reverse("progress:board_rule")
    refused = client_for("liaison_a").post(url, {"task_rollup": "share", "task_red_share": "50",
                                                 "task_yellow_share": "30", "effective_from": "2026-01-01"})
    assert refused.status_code == 404
    assert LightRuleSet.objects.count() == 1
    assert TaskLight.objects.get(task=task).light == "red"

    today = timezone.localdate()
    response = client_for("office").post(url, {"task_rollup": "share", "task_red_share": "50",
                                               "task_yellow_share": "30",
                                               "effective_from": today.isoformat(), "legal_basis": "办公室会议决定"})
    assert response.status_code == 302
    rule_set = LightRuleSet.in_force(today)
    assert (rule_set.effective_from, rule_set.legal_basis) == (today, "办公室会议决定")
    assert rule_set.params == {"yellow_behind_pp": 10, "red_behind_pp": 30, "red_when_overdue": True,
                               "yellow_when_report_late": True, "task_rollup": "share", "task_red_share": 50,
                               "task_yellow_share": 30}
    # 1 red of 4 reported items: 25 % red or yellow, below the 30 % yellow share, so the task is green.
    stored = TaskLight.objects.get(task=task)
    assert (stored.light, stored.rule) == ("green", "share_green")
    event = AuditEvent.objects.get(action="progress.light_rule_set_create")
    assert event.changes["task_rollup"] == "share"
    html = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    assert _text(re.search(r'data-testid="task-reason">(.*?)</div>', html).group(1)) == (
        "已报送进展的工作事项中红灯、黄灯合计占比低于 30%")

    bad = client_for("office").post(url, {"task_rollup": "share", "task_red_share": "20", "task_yellow_share": "40",
                                          "effective_from": today.isoformat()})
    assert bad.status_code == 200
    assert "红灯占比不得低于黄灯占比，两者均应在 1 至 100 之间。" in bad.content.decode()
    assert LightRuleSet.objects.count() == 2


def test_a_liaison_counts_tasks_by_its_own_column(client_for, mixed_task):
    plan, _task = mixed_task
    html = client_for("liaison_a").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    counts = {colour: re.search(rf'data-testid="count-{colour}">(\d+)<', html).group(1)
              for colour in ("red", "yellow", "green", "grey")}
    assert counts == {"red": "0", "yellow": "0", "green": "1", "grey": "0"}  # the task light is red
    assert re.search(r'data-testid="own-light" data-own="(\w*)"', html).group(1) == "green"
    assert "按区经信局亮灯统计任务：" in html
    office = client_for("office").get(reverse("progress:board") + f"?plan={plan.pk}").content.decode()
    assert re.search(r'data-testid="count-red">(\d+)<', office).group(1) == "1"
