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
    assert "请按“年-月”（YYYY-MM）填写通报期间。" in bad.content.decode()
