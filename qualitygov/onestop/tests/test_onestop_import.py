"""The requests' import: a dry run that names every bad cell by row and column and writes nothing, an
all-or-nothing commit with its audit, an idempotent re-import, the list's export importing again, and
the keeping unit's scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.onestop import services
from qualitygov.onestop.models import ServiceRequest

from .factories import entity_factory, uscc

HEADER = ["统一社会信用代码", "企业名称", "服务类型", "服务事项", "受理日期", "承办机构", "办结日期", "问题是否解决", "企业评价", "办理结果"]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["普陀区质量基础设施一站式服务台账"])  # a title row above the headings, as offices keep them
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def firms(cast):
    return [entity_factory(name="浙江普陀海洋食品有限公司", serial=1, town=cast.town),
            entity_factory(name="舟山市普陀区六横船舶修造有限公司", serial=2, town=cast.town)]


GOOD = [
    [uscc(1), "浙江普陀海洋食品有限公司", "计量", "电子秤检定", "2026-09-29", "舟山市计量测试院", "2026-10-09", "是", 5, "已检定"],
    [uscc(2), "", "检验检测", "船用钢板检测", dt.date(2026, 11, 2), "", None, None, None, None],
]


def test_a_bad_file_names_every_bad_cell_and_writes_nothing(cast, firms):
    rows = [
        [uscc(3), "", "计量", "电子秤检定", "2026-09-29", "", None, None, None, None],  # not in the directory
        [uscc(1), "", "咨询", "标准咨询", "2026-09-29", "", None, None, None, None],  # no such service type
        [uscc(1), "", "计量", "", "2026/9/31", "", None, None, None, None],  # no subject, no such day
        [uscc(1), "", "认证", "体系认证", "2026-09-29", "", "2026-09-01", "是", 7, ""],  # done before received
        [uscc(2), "", "标准", "标准制定", "2026-10-08", "", None, "否", None, ""],  # solved without a done day
    ]
    plan = services.import_plan(actor=cast.office, data=xlsx(rows), filename="台账.xlsx", unit=cast.dept_a)
    assert plan.errors == [
        f"第3行“统一社会信用代码”列（A）：“{uscc(3)}”不在市场主体名录中",
        "第4行“服务类型”列（C）：“咨询”不是可选值（可选：计量、标准、认证、检验检测、质量管理）",
        "第5行“服务事项”列（D）：必填",
        "第5行“受理日期”列（E）：“2026/9/31”不是日期（如 2026-03-15）",
        "第6行“办结日期”列：请填写办结日期：不能早于受理日期，也不能晚于今天。",
        "第6行“企业评价”列：企业评价为 1 到 5 分。",
        "第7行“办结日期”列：填写企业评价或问题是否解决时，须同时填写办结日期。",
    ]
    with pytest.raises(ServiceError) as caught:
        services.requests_import(actor=cast.office, data=xlsx(rows), filename="台账.xlsx", unit=cast.dept_a)
    assert caught.value.fields["file"] == plan.errors
    assert ServiceRequest.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="service_request.").exists()


def test_a_good_file_imports_all_with_its_audit_and_again_changes_nothing(cast, firms):
    data = xlsx(GOOD)
    plan = services.import_plan(actor=cast.office, data=data, filename="台账.xlsx", unit=cast.dept_a)
    assert (plan.errors, [line for line, _obj in plan.created], plan.updated) == ([], [3, 4], [])
    assert ServiceRequest.objects.count() == 0  # the dry run writes nothing
    services.requests_import(actor=cast.office, data=data, filename="台账.xlsx", unit=cast.dept_a, sha256="abc")
    done, open_ = ServiceRequest.objects.order_by("received_on")
    assert (done.entity, done.kind, done.subject, done.status, done.assigned_to, done.done_on, done.solved,
            done.rating, done.outcome, done.unit) == (firms[0], "metrology", "电子秤检定", "done", "舟山市计量测试院",
                                                      dt.date(2026, 10, 9), True, 5, "已检定", cast.dept_a)
    # Ten working days (no rule stored) from 29 September across the National Day holiday.
    assert (done.sla_workdays, done.due_on, done.sla_state(dt.date(2026, 12, 1))) == (10, dt.date(2026, 10, 19), "within")
    assert (open_.kind, open_.status, open_.solved, open_.done_on) == ("testing", "received", None, None)
    assert list(AuditEvent.objects.filter(action__startswith="service_request.").order_by("pk")
                .values_list("action", flat=True)) == ["service_request.create"] * 2 + ["service_request.import"]
    imported = AuditEvent.objects.get(action="service_request.import")
    assert imported.changes == {"file": "台账.xlsx", "sha256": "abc", "created": 2, "updated": 0}

    again = services.requests_import(actor=cast.office, data=data, filename="台账.xlsx", unit=cast.dept_a)
    assert (again.created, again.updated, again.unchanged) == ([], [], [3, 4])
    assert ServiceRequest.objects.count() == 2
    assert AuditEvent.objects.filter(action="service_request.create").count() == 2

    # The second row done later: the same row with its done day updates the request.
    finished = [GOOD[0], [*GOOD[1][:5], "舟山市质量技术监督检测研究院", "2026-11-20", "是", 4, "出具检测报告"]]
    plan = services.requests_import(actor=cast.office, data=xlsx(finished), filename="台账2.xlsx", unit=cast.dept_a)
    assert ([line for line, _obj in plan.updated], plan.unchanged) == ([4], [3])
    open_.refresh_from_db()
    assert (open_.status, open_.done_on, open_.rating) == ("done", dt.date(2026, 11, 20), 4)
    change = AuditEvent.objects.get(action="service_request.update")
    assert change.changes["status"] == ["received", "done"]


def test_the_list_export_imports_again_unchanged(cast, client_for, firms):
    services.requests_import(actor=cast.office, data=xlsx(GOOD), filename="台账.xlsx", unit=cast.dept_a)
    exported = client_for("office").get(reverse("onestop:list"), {"format": "xlsx"}).content
    assert load_workbook(io.BytesIO(exported)).active.max_row == 3
    plan = services.import_plan(actor=cast.office, data=exported, filename="一站式服务台账.xlsx", unit=cast.dept_a)
    assert (plan.errors, plan.created, plan.updated, plan.unchanged) == ([], [], [], [2, 3])


def test_a_unit_imports_only_into_its_own_window(cast, firms):
    services.requests_import(actor=cast.office, data=xlsx(GOOD), filename="台账.xlsx", unit=cast.dept_a)
    liaison_b = cast.members["liaison_b"]
    with pytest.raises(NotFoundError):
        services.import_plan(actor=liaison_b, data=xlsx(GOOD), filename="台账.xlsx", unit=cast.dept_a)
    # Into its own window, a row naming a request kept by another unit is refused, not taken over.
    plan = services.import_plan(actor=liaison_b, data=xlsx(GOOD), filename="台账.xlsx", unit=cast.dept_b)
    assert plan.errors == ["第3行：该记录由其他单位登记，不能更新。", "第4行：该记录由其他单位登记，不能更新。"]
    assert set(ServiceRequest.objects.values_list("unit", flat=True)) == {cast.dept_a.pk}


def test_the_import_page_checks_then_imports_on_confirmation(cast, client_for, firms):
    client = client_for("liaison_a")
    page = client.get(reverse("onestop:import"))
    assert page.status_code == 200
    assert reverse("onestop:import_template") in page.content.decode()
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "台账.xlsx"
    checked = client.post(reverse("onestop:import"), {"file": upload, "unit": cast.dept_a.pk})
    html = checked.content.decode()
    assert checked.status_code == 200 and 'data-testid="import-ok"' in html
    assert "“台账.xlsx”检查通过：新增 2 条，更新 0 条。确认后导入。</div>" in html
    assert ServiceRequest.objects.count() == 0
    confirm = checked.context["confirm"]
    response = client.post(reverse("onestop:import"), {**confirm.initial, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("onestop:list")
    assert ServiceRequest.objects.filter(unit=cast.dept_a).count() == 2
    upload.seek(0)
    again = client.post(reverse("onestop:import"), {"file": upload, "unit": cast.dept_a.pk}).content.decode()
    assert "新增 0 条，更新 0 条。确认后导入。 另有 2 行与已登记内容相同，不作改动。</div>" in again
    # Another department's liaison may not pick this window: the form refuses, nothing is written.
    upload.seek(0)
    refused = client_for("liaison_b").post(reverse("onestop:import"), {"file": upload, "unit": cast.dept_a.pk})
    assert refused.status_code == 400
    assert ServiceRequest.objects.count() == 2
    template = client.get(reverse("onestop:import_template"))
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER


# Text starting with "=" is written as a formula (no value to read back), so it is left out.
CELL = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
                 .filter(lambda t: not t.startswith("=")),
                 st.integers(min_value=-10**12, max_value=10**12), st.dates(), st.sampled_from(["计量", "是", "否", "2026-10-09"]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=10, max_size=10), max_size=4), known=st.booleans())
def test_any_rows_give_a_plan_or_errors_never_a_crash(cast, firms, rows, known):
    if known:  # rows that name a firm in the directory reach the request checks
        rows = [[uscc(1), *row[1:]] for row in rows]
    plan = services.import_plan(actor=cast.office, data=xlsx(rows), filename="x.xlsx", unit=cast.dept_a)
    assert bool(plan.errors) or len(plan.created) + len(plan.updated) + len(plan.unchanged) == len(
        [r for r in rows if any(c is not None and str(c).strip() for c in r)])
    assert ServiceRequest.objects.count() == 0
