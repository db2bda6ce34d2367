"""Importing a plan through the services: the seed, re-imports, revisions, corrections, bad files."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings

from qualitygov.accounts.choices import OrgUnitKind as K
from qualitygov.accounts.demo import DEPARTMENTS
from qualitygov.accounts.models import OrgUnit, OrgUnitAlias
from qualitygov.accounts.services import org_unit_create
from qualitygov.core.audit import audit_verify
from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.models import Indicator
from qualitygov.planimport.choices import ImportStatus
from qualitygov.planimport.demo import load as load_seed
from qualitygov.planimport.importer.cleanup import clean_text
from qualitygov.planimport.importer.readers import read_plan_bytes
from qualitygov.planimport.models import PlanImport
from qualitygov.planimport.review import plan_import_review
from qualitygov.planimport.services import (
    plan_import_cancel,
    plan_import_confirm,
    plan_import_correct,
    plan_import_preview,
)
from qualitygov.planimport.units import guess_unit_kind
from qualitygov.plans.demo import SEED
from qualitygov.plans.models import Plan, Responsibility, Section, Task, TaskGroup

SEED_BYTES = SEED.read_bytes()
DOC_NUMBER = "普质强区发〔2023〕1号"
TITLE = "普陀区深入贯彻落实《质量强国建设纲要》加快建设质量强区的实施方案（2023—2027年）"
NEWS = ("本报讯 昨日，我区召开第三季度经济形势分析会。会议通报了前三季度全区经济运行情况，"
        "部署了下一阶段重点工作。与会人员表示，将以更大力度抓好项目建设，确保完成全年目标任务。\n") * 5


def row_counts() -> dict[str, int]:
    """Rows of every table an import may write."""
    return {
        "plans": Plan.objects.count(), "sections": Section.objects.count(), "groups": TaskGroup.objects.count(),
        "tasks": Task.objects.count(), "responsibilities": Responsibility.objects.count(),
        "indicators": Indicator.objects.count(), "units": OrgUnit.objects.count(),
        "aliases": OrgUnitAlias.objects.count(), "imports": PlanImport.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def clean_seed_text() -> str:
    """The seed as a clean Simplified-Chinese document (how a revised version usually arrives)."""
    text = clean_text(read_plan_bytes(SEED_BYTES, filename=SEED.name)).text
    # The metadata table carrying the document number is web-page chrome; a document states it under the heading.
    return text.replace("的通知\n", f"的通知\n\n{DOC_NUMBER}\n", 1)


def revised_seed_text() -> str:
    """The seed with task 2's title edited, task 7 dropped (later tasks renumbered) and one goal added."""
    text = clean_seed_text().replace("树立质量发展绿色导向", "树立质量发展绿色低碳导向")
    text = re.sub(r"\n7\.培育区域质量发展新优势。[^\n]*\n", "\n", text)
    text = re.sub(r"^(\d+)\.(?=\S)", lambda m: f"{int(m.group(1)) - 1}." if 8 <= int(m.group(1)) <= 20
                  and "主要任务" in text[:m.start()] else m.group(0), text, flags=re.M)
    return text.replace("服务质量满意度达到85分以上，", "服务质量满意度达到85分以上，特种设备定期检验率达到99%以上，", 1)


def import_file(actor, data: bytes, filename: str = SEED.name, corrections: dict | None = None) -> Plan:
    plan_import = plan_import_preview(actor=actor, filename=filename, data=data)
    if corrections:
        plan_import_correct(actor=actor, plan_import=plan_import, corrections=corrections)
    return plan_import_confirm(actor=actor, plan_import=plan_import)


def add_demo_departments(cast):
    """Give the cast's district the demo departments (with the aliases the demo gives them)."""
    for order, (name, short, aliases) in enumerate(DEPARTMENTS):
        if not OrgUnit.objects.named(name).exists():
            org_unit_create(actor=None, name=name, kind=K.DEPARTMENT, parent=cast.district, short_name=short,
                            aliases=aliases, sort_order=100 + order)
    return cast


@pytest.fixture
def demo_org(cast):
    """The cast plus the demo district's departments."""
    return add_demo_departments(cast)


def lead_names(task: Task) -> list[str]:
    return [r.unit.name for r in task.responsibilities.filter(role="lead").order_by("order")]


def co_names(task: Task) -> list[str]:
    return [r.unit.name for r in task.responsibilities.filter(role="co").order_by("order")]


# --- the seed ------------------------------------------------------------------------------------------


def test_seed_import_creates_the_whole_plan(demo_org):
    units_before = OrgUnit.objects.count()
    plan = import_file(demo_org.office, SEED_BYTES)

    assert (plan.title, plan.doc_number, plan.issuer) == (TITLE, DOC_NUMBER, "舟山市普陀区质量强区工作领导小组")
    assert (plan.period_start, plan.period_end, str(plan.issued_on), plan.revision) == (2023, 2027, "2023-12-15", 1)
    assert Section.objects.filter(plan=plan, parent__isnull=True).count() == 3
    assert list(Section.objects.filter(plan=plan, parent__isnull=True).values_list("title", flat=True)) == [
        "总体要求", "主要任务", "实施保障"]
    assert Section.objects.filter(plan=plan, parent__isnull=False).count() == 12
    assert TaskGroup.objects.filter(plan=plan).count() == 6
    assert list(plan.tasks.values_list("number", flat=True)) == [str(n) for n in range(1, 21)]
    assert plan.tasks.filter(all_towns=True).count() == 20
    assert Indicator.objects.filter(plan=plan).count() == 18
    assert list(Indicator.objects.filter(plan=plan).values_list("code", flat=True)) == [
        f"I{n:02d}" for n in range(1, 19)]
    # Every name resolves to a demo unit: nothing is created.
    assert OrgUnit.objects.count() == units_before

    task2 = plan.tasks.get(number="2")
    assert task2.title == "树立质量发展绿色导向"
    assert task2.group.title == "增强发展动能，推动经济质量效益型发展"
    assert "舟山市自然资源和规划局普陀分局" in co_names(task2)
    assert task2.responsibilities.get(unit__name="舟山市自然资源和规划局普陀分局").name_as_written == "区资规分局"
    task11 = plan.tasks.get(number="11")
    via_full = task11.responsibilities.get(name_as_written="区资源规划分局")
    assert via_full.unit == task2.responsibilities.get(name_as_written="区资规分局").unit
    # 责任部门：A、B、C按职责分工负责 names no lead: by the first-listed convention A leads, B and C co-operate.
    assert lead_names(plan.tasks.get(number="1")) == ["舟山市普陀区发展和改革局"]
    assert co_names(plan.tasks.get(number="1")) == ["舟山市普陀区经济和信息化局", "舟山市市场监督管理局普陀分局"]
    # 质量强区各成员单位: every member department.
    assert plan.tasks.get(number="20").responsibilities.count() == 23
    assert Responsibility.objects.filter(task__plan=plan).count() == 90
    # One lead per task (the first listed), except task 20 whose one name stands for 23 member units.
    assert Responsibility.objects.filter(task__plan=plan, role="lead").count() == 19 + 23
    assert Responsibility.objects.filter(task__plan=plan, role="co").count() == 48

    first = Indicator.objects.get(plan=plan, code="I01")
    assert (first.name, first.comparator, first.target_value, first.unit, first.target_year, first.scope) == (
        "规上工业增加值占全区生产总值比重", "about", Decimal("17"), "%", 2025, "goals")
    in_task = Indicator.objects.get(plan=plan, code="I15")
    assert (in_task.name, in_task.scope, in_task.task.number) == ("规上工业企业研发活动覆盖率", "task", "5")
    assert list(Indicator.objects.filter(plan=plan, scope="task").values_list("task__number", flat=True)) == [
        "5", "10", "10", "10"]

    plan_import = PlanImport.objects.get()
    assert (plan_import.status, plan_import.plan, plan_import.outcome["created"]) == (ImportStatus.CONFIRMED, plan, True)
    assert list(AuditEvent.objects.filter(object_type__in=["plans.plan", "planimport.planimport"]).order_by("seq").values_list(
        "action", flat=True)) == ["plan_import.preview", "plan.create", "plan_import.confirm"]
    assert audit_verify().ok


def test_seed_garbled_indicator_name_is_flagged_and_corrected_in_review(demo_org):
    """The web copy lost 断面达 of the water-quality goal to mojibake: the parser cuts the unreadable
    span, warns, and the reviewer's correction is what the plan keeps."""
    plan_import = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    names = [item["name"] for item in plan_import.parsed["indicators"]]
    index = names.index("地表水省控…到或优于Ⅲ类水质比例")
    assert any("地表水省控" in warning for warning in plan_import.parsed["warnings"])
    plan_import_correct(actor=demo_org.office, plan_import=plan_import,
                        corrections={"indicators": {str(index): {"name": "地表水省控断面达到或优于Ⅲ类水质比例"}}})
    plan = plan_import_confirm(actor=demo_org.office, plan_import=PlanImport.objects.get(pk=plan_import.pk))
    assert Indicator.objects.get(plan=plan, code="I13").name == "地表水省控断面达到或优于Ⅲ类水质比例"


def test_preview_writes_only_the_import_and_its_event(demo_org):
    before = row_counts()
    plan_import = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    after = row_counts()
    assert {k: after[k] - before[k] for k in before if after[k] != before[k]} == {"imports": 1, "audit": 1}
    assert (plan_import.status, plan_import.revises, plan_import.created_by) == (
        ImportStatus.PREVIEW, None, demo_org.office)
    review = plan_import_review(plan_import)
    assert review.counts == {"sections": 3, "groups": 6, "tasks": 20, "indicators": 18, "units": 25,
                             "unresolved": 0, "new_units": 0, "warnings": len(plan_import.parsed["warnings"])}
    assert review.pairs == [("区资源规划分局", "区资规分局")]


def test_demo_loader_imports_the_seed_once(demo_org):
    assert load_seed() == {"plans": 1, "tasks": 20, "responsibilities": 90, "indicators": 18}
    before = row_counts()
    assert load_seed() == {"plans": 0, "tasks": 0, "responsibilities": 0, "indicators": 0}
    assert row_counts() == before


# --- re-imports and revisions -------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    task_pks = list(plan.tasks.values_list("pk", "number"))
    indicator_pks = list(Indicator.objects.filter(plan=plan).values_list("pk", "code"))
    responsibility_pks = sorted(Responsibility.objects.filter(task__plan=plan).values_list("pk", flat=True))

    again = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    assert again.revises == plan
    review = plan_import_review(again)
    assert review.diff.empty
    assert review.diff.counts["tasks_unchanged"] == 20
    assert review.diff.counts["indicators_unchanged"] == 18
    assert plan_import_confirm(actor=demo_org.office, plan_import=again) == plan

    plan.refresh_from_db()
    assert plan.revision == 1
    assert Plan.objects.count() == 1
    assert list(plan.tasks.values_list("pk", "number")) == task_pks
    assert list(Indicator.objects.filter(plan=plan).values_list("pk", "code")) == indicator_pks
    assert sorted(Responsibility.objects.filter(task__plan=plan).values_list("pk", flat=True)) == responsibility_pks
    again.refresh_from_db()
    assert (again.status, again.plan, again.outcome["revised"]) == (ImportStatus.CONFIRMED, plan, False)


def test_a_clean_copy_of_the_seed_is_the_same_plan(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    copy = plan_import_preview(actor=demo_org.office, filename="plan.txt", data=clean_seed_text().encode())
    assert copy.revises == plan
    assert plan_import_review(copy).diff.empty


def test_revised_file_shows_its_changes_in_the_preview(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    revised = plan_import_preview(actor=demo_org.office, filename="plan-v2.txt", data=revised_seed_text().encode())
    assert revised.revises == plan
    diff = plan_import_review(revised).diff
    assert diff.counts == {
        "header": 0,
        "tasks_added": 0, "tasks_removed": 1, "tasks_changed": 14, "tasks_unchanged": 5,
        "indicators_added": 1, "indicators_removed": 0, "indicators_changed": 0, "indicators_unchanged": 18,
    }
    assert [c.old.number for c in diff.of(diff.tasks, "removed")] == ["7"]
    edited = next(c for c in diff.tasks if c.old.number == "2")
    assert sorted(edited.changes) == ["text", "title"]
    assert edited.changes["title"] == ("树立质量发展绿色导向", "树立质量发展绿色低碳导向")
    moved = next(c for c in diff.tasks if c.old.number == "8")
    assert moved.changes == {"number": ("8", "7")}
    added = diff.of(diff.indicators, "added")[0].new
    assert (added["name"], added["comparator"], added["value"], added["unit"]) == ("特种设备定期检验率", ">=", 99, "%")


def test_revised_file_updates_the_plan_in_place(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    pk_of = dict(plan.tasks.values_list("number", "pk"))
    indicator_pks = dict(Indicator.objects.filter(plan=plan).values_list("code", "pk"))
    sport = Indicator.objects.get(plan=plan, code="I17")

    revised = plan_import_preview(actor=demo_org.office, filename="plan-v2.txt", data=revised_seed_text().encode())
    assert plan_import_confirm(actor=demo_org.office, plan_import=revised) == plan

    plan.refresh_from_db()
    assert (plan.revision, plan.source_name, Plan.objects.count()) == (2, "plan-v2.txt", 1)
    assert plan.tasks.count() == 19
    assert not Task.objects.filter(pk=pk_of["7"]).exists()
    assert plan.tasks.get(number="2").pk == pk_of["2"]
    assert plan.tasks.get(number="2").title == "树立质量发展绿色低碳导向"
    # Tasks after the dropped one keep their rows under their new numbers.
    assert [plan.tasks.get(number=str(n - 1)).pk for n in range(8, 21)] == [pk_of[str(n)] for n in range(8, 21)]
    assert plan.tasks.get(number="19").responsibilities.count() == 23
    # Indicators keep their rows and codes; the new one gets the next code.
    assert dict(Indicator.objects.filter(plan=plan).exclude(code="I19").values_list("code", "pk")) == indicator_pks
    new = Indicator.objects.get(plan=plan, code="I19")
    assert (new.name, new.target_value, new.scope) == ("特种设备定期检验率", Decimal("99"), "goals")
    sport.refresh_from_db()
    assert (sport.task.pk, sport.task.number) == (pk_of["10"], "9")
    revised.refresh_from_db()
    assert (revised.outcome["revised"], revised.outcome["warnings"]) == (True, [])
    assert AuditEvent.objects.filter(action="plan.revise", object_id=str(plan.pk)).count() == 1
    assert audit_verify().ok

    # The same revision again is a no-op.
    again = plan_import_preview(actor=demo_org.office, filename="plan-v2.txt", data=revised_seed_text().encode())
    assert plan_import_review(again).diff.empty
    plan_import_confirm(actor=demo_org.office, plan_import=again)
    plan.refresh_from_db()
    assert plan.revision == 2


def test_a_retitled_task_group_is_a_revision(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    group = TaskGroup.objects.get(plan=plan, number="五")
    text = clean_seed_text().replace("（五）建设高能级质量基础设施", "（五）建设高水平质量基础设施")
    revised = plan_import_preview(actor=demo_org.office, filename="plan-v2.txt", data=text.encode())
    diff = plan_import_review(revised).diff
    assert sorted(diff.header) == ["sections"]
    assert [(c.old.number, sorted(c.changes)) for c in diff.of(diff.tasks, "changed")] == [
        ("15", ["group"]), ("16", ["group"])]
    plan_import_confirm(actor=demo_org.office, plan_import=revised)
    group.refresh_from_db()
    assert group.title == "建设高水平质量基础设施，增强质量技术支撑能力"
    assert Section.objects.get(plan=plan, number="五").title == "建设高水平质量基础设施，增强质量技术支撑能力"
    plan.refresh_from_db()
    assert plan.revision == 2


def test_a_dropped_task_with_work_attached_is_kept(demo_org):
    from qualitygov.progress.models import WorkItem

    plan = import_file(demo_org.office, SEED_BYTES)
    dropped = plan.tasks.get(number="7")
    work = WorkItem.objects.create(task=dropped, lead_unit=demo_org.dept_a, title="培育市级特色产业集群核心区",
                                   start_date=dt.date(2024, 1, 1), deadline=dt.date(2025, 12, 31))
    revised = plan_import_preview(actor=demo_org.office, filename="plan-v2.txt", data=revised_seed_text().encode())
    plan_import_confirm(actor=demo_org.office, plan_import=revised)

    revised.refresh_from_db()
    assert revised.outcome["warnings"] == ["任务 7（培育区域质量发展新优势）不在新版本中，但因已有关联工作而保留。"]
    dropped.refresh_from_db()
    assert (dropped.number, dropped.title) == ("7′", "培育区域质量发展新优势")
    assert plan.tasks.count() == 20
    assert plan.tasks.get(number="7").title == "全面提升产品质量"
    work.refresh_from_db()
    assert work.task_id == dropped.pk


# --- corrections -------------------------------------------------------------------------------------------


def test_corrections_are_applied_on_confirm(cast):
    """Only the cast's units exist: the office maps, merges, moves and creates before confirming."""
    plan_import = plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    review = plan_import_review(plan_import)
    assert review.counts["unresolved"] == 22  # 25 names: 区经信局, 区住建局 known; 各成员单位 = members
    assert review.counts["new_units"] == 21  # 区资规分局 and 区资源规划分局 become one unit
    plan_import_correct(actor=cast.office, plan_import=plan_import, corrections={
        "title": "普陀区质量强区实施方案（2023—2027年）",
        "period": [2023, 2027],
        "tasks": {
            "1": {"title": "坚持创新驱动", "lead": ["区经信局"], "co": ["区市场监管分局"], "deadline": "2025-12-31"},
        },
        "units": {"区港航分中心": {"unit": cast.dept_b.pk}, "沈家门海事处": {"new": K.OTHER}},
        "indicators": {"0": {"value": "18", "comparator": ">="}, "1": {"delete": True}},
    })
    units_before = OrgUnit.objects.count()
    plan = plan_import_confirm(actor=cast.office, plan_import=plan_import)

    assert plan.title == "普陀区质量强区实施方案（2023—2027年）"
    task1 = plan.tasks.get(number="1")
    assert (task1.title, str(task1.deadline)) == ("坚持创新驱动", "2025-12-31")
    assert [(r.unit.name, r.role) for r in task1.responsibilities.order_by("role", "order")] == [
        ("区市场监管分局", "co"), ("舟山市普陀区经济和信息化局", "lead")]
    # The mapped spelling became an alias of the chosen unit.
    assert OrgUnit.objects.named("区港航分中心").get() == cast.dept_b
    # 区住建局 and 区港航分中心 are now one unit: task 2 names it once.
    assert list(plan.tasks.get(number="2").responsibilities.filter(unit=cast.dept_b).values_list(
        "name_as_written", flat=True)) == ["区住建局"]
    # Accepted alias pair: one new unit under the longer name, the other spelling as its alias.
    land = OrgUnit.objects.named("区资规分局").get()
    assert (land.name, land.kind, land.parent) == ("区资源规划分局", K.DEPARTMENT, cast.district)
    assert OrgUnit.objects.get(name="沈家门海事处").kind == K.OTHER
    assert OrgUnit.objects.count() == units_before + 20
    assert plan.tasks.get(number="20").responsibilities.count() == OrgUnit.objects.filter(kind=K.DEPARTMENT).count()
    codes = dict(Indicator.objects.filter(plan=plan).values_list("code", "name"))
    assert len(codes) == 17
    assert codes["I02"] == "规上制造业企业研发经费占营业收入比重"
    first = Indicator.objects.get(plan=plan, code="I01")
    assert (first.comparator, first.target_value) == (">=", Decimal("18"))


def test_unticked_alias_pair_creates_two_units(cast):
    plan_import = plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    plan_import_correct(actor=cast.office, plan_import=plan_import,
                        corrections={"merges": {"区资源规划分局|区资规分局": False}})
    plan_import_confirm(actor=cast.office, plan_import=plan_import)
    assert OrgUnit.objects.named("区资规分局").get() != OrgUnit.objects.named("区资源规划分局").get()


def test_correction_values_are_checked(demo_org):
    plan_import = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    bad = [
        ({"title": ""}, "title"),
        ({"period": [2027, 2023]}, "period"),
        ({"tasks": {"1": {"deadline": "2025-13-40"}}}, "tasks.1.deadline"),
        ({"units": {"区发改局": {"new": "planet"}}}, "units.区发改局"),
        ({"units": {"区发改局": {"unit": demo_org.dept_b.pk}}}, "units.区发改局"),
        ({"indicators": {"0": {"value": "abc"}}}, "indicators.0.value"),
        ({"indicators": {"0": {"comparator": "~"}}}, "indicators.0.comparator"),
    ]
    for corrections, field in bad:
        with pytest.raises(ServiceError) as caught:
            plan_import_correct(actor=demo_org.office, plan_import=plan_import, corrections=corrections)
        assert list(caught.value.fields) == [field]
    plan_import.refresh_from_db()
    assert plan_import.corrections == {}


def test_unit_kind_is_guessed_from_the_name():
    assert [guess_unit_kind(n) for n in ["六横镇", "东港街道", "普陀经济开发区管委会", "区发改局", "沈家门海事处"]] == [
        K.TOWN, K.SUBDISTRICT, K.MANAGEMENT_COMMITTEE, K.DEPARTMENT, K.DEPARTMENT]


# --- all or nothing, transitions, permissions -------------------------------------------------------------


def test_a_failure_midway_leaves_no_new_rows(cast):
    """New units are created before the alias clash is met: the whole confirmation rolls back."""
    plan_import = plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    plan_import_correct(actor=cast.office, plan_import=plan_import,
                        corrections={"units": {"区人力社保局": {"unit": cast.dept_b.pk}}})
    # Meanwhile someone registers the spelling for another unit.
    org_unit_create(actor=cast.office, name="舟山市普陀区人力资源和社会保障局", kind=K.DEPARTMENT,
                    parent=cast.district, short_name="区人力社保局")
    before = row_counts()
    with pytest.raises(ServiceError) as caught:
        plan_import_confirm(actor=cast.office, plan_import=plan_import)
    assert caught.value.message == "“区人力社保局”已是舟山市普陀区人力资源和社会保障局的名称，不能作为其他单位的别名。"
    assert row_counts() == before
    plan_import.refresh_from_db()
    assert (plan_import.status, plan_import.plan) == (ImportStatus.PREVIEW, None)


def test_cancelled_import_cannot_be_confirmed_or_corrected(demo_org):
    plan_import = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    plan_import_cancel(actor=demo_org.office, plan_import=plan_import)
    before = row_counts()
    with pytest.raises(ConflictError):
        plan_import_confirm(actor=demo_org.office, plan_import=plan_import)
    with pytest.raises(ConflictError):
        plan_import_correct(actor=demo_org.office, plan_import=plan_import, corrections={"title": "x"})
    with pytest.raises(ConflictError):
        plan_import_cancel(actor=demo_org.office, plan_import=plan_import)
    assert row_counts() == before
    plan_import.refresh_from_db()
    assert plan_import.status == ImportStatus.CANCELLED


def test_second_preview_of_a_new_plan_must_be_redone_after_the_first_is_confirmed(demo_org):
    first = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    second = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    plan_import_confirm(actor=demo_org.office, plan_import=first)
    before = row_counts()
    with pytest.raises(ConflictError):
        plan_import_confirm(actor=demo_org.office, plan_import=second)
    assert row_counts() == before


@pytest.mark.parametrize("member", ["liaison_a", "town_liaison", "leader"])
def test_only_the_office_may_import(demo_org, member):
    actor = demo_org.members[member]
    before = row_counts()
    with pytest.raises(NotFoundError):
        plan_import_preview(actor=actor, filename=SEED.name, data=SEED_BYTES)
    assert row_counts() == before


# --- bad files ---------------------------------------------------------------------------------------------


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


BAD_FILES = [
    ("binary", "plan.txt", bytes(range(256)) * 8, "文件是二进制数据，不是文本或网页文档。"),
    ("empty", "plan.txt", b"", "文件为空。"),
    ("blank", "plan.html", b"  \n\n ", "文件为空。"),
    ("exe as docx", "plan.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500, "文件名为 .docx，但内容不是 Word 文档。"),
    ("zip as docx", "plan.docx", _zip({"readme.txt": b"hello"}), "文件名为 .docx，但内容不是 Word 文档。"),
    ("zip as txt", "plan.txt", _zip({"word/document.xml": b"<w/>"}), "文件是二进制数据，不是文本或网页文档。"),
    ("damaged pdf", "plan.pdf", b"%PDF-1.7\n", "无法读取 PDF 文件：PdfStreamError"),
    ("pdf named txt", "plan.txt", b"%PDF-1.7\n", "文件是二进制数据，不是文本或网页文档。"),
    ("no extension", "plan", b"abc", "只能导入 .txt、.html、.htm、.docx 或 .pdf 文件。"),
    ("news", "news.txt", NEWS.encode(), "不是实施方案类文件：未找到方案标题及“一、二、三”章节结构"),
]


@pytest.mark.parametrize(("label", "filename", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_with_a_clear_message(cast, label, filename, data, message):
    before = row_counts()
    with pytest.raises(ServiceError) as caught:
        plan_import_preview(actor=cast.office, filename=filename, data=data)
    assert caught.value.message == message
    assert caught.value.fields == {"file": [message]}
    assert row_counts() == before


@override_settings(QUALITYGOV_MAX_UPLOAD_BYTES=1024)
def test_oversized_file_is_refused(cast):
    before = row_counts()
    with pytest.raises(ServiceError) as caught:
        plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    assert caught.value.message == "文件过大：35.2 KB，上限为 1 KB。"
    assert row_counts() == before


def test_docx_and_html_copies_import_like_the_text(demo_org):
    import docx

    document = docx.Document()
    for line in clean_seed_text().split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    from_docx = plan_import_preview(actor=demo_org.office, filename="plan.docx", data=buffer.getvalue())
    assert plan_import_review(from_docx).counts["tasks"] == 20
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in clean_seed_text().split("\n")) + "</body></html>"
    from_html = plan_import_preview(actor=demo_org.office, filename="plan.htm", data=html.encode("utf-8"))
    assert plan_import_review(from_html).plan["tasks"] == plan_import_review(from_docx).plan["tasks"]


def test_seed_path_is_bundled():
    assert Path(SEED).is_file()


def test_task_indicators_are_reported_by_their_tasks_units(demo_org):
    from qualitygov.indicators.models import IndicatorResponsibility

    plan = import_file(demo_org.office, SEED_BYTES)
    rows = IndicatorResponsibility.objects.filter(indicator__plan=plan).order_by("indicator__code", "unit__short_name")
    assert [(r.indicator.code, r.unit.short_name, r.role) for r in rows if r.indicator.code == "I15"] == [
        ("I15", "区市场监管分局", "co"), ("I15", "区经信局", "lead")]
    # Goal indicators name no unit: the office assigns them.
    assert not IndicatorResponsibility.objects.filter(indicator__plan=plan, indicator__scope="goals").exists()
    assert sorted({r.indicator.code for r in rows}) == ["I15", "I16", "I17", "I18"]


def test_a_zip_bomb_docx_is_refused_before_it_is_read(cast):
    from qualitygov.core.testing import zip_bomb

    before = row_counts()
    with pytest.raises(ServiceError) as caught:
        plan_import_preview(actor=cast.office, filename="plan.docx", data=zip_bomb(".docx"))
    assert caught.value.message == "Word 文档解压后过大。"
    assert row_counts() == before


# --- a revision never degrades a reviewed value -----------------------------------------------------------


def test_reimporting_the_seed_keeps_the_reviewed_indicator_name(demo_org):
    """The demo loader corrected I13's name in review; the web copy still cuts it. A re-import proposes no change."""
    assert load_seed()["plans"] == 1
    plan = Plan.objects.get()
    assert Indicator.objects.get(plan=plan, code="I13").name == "地表水省控断面达到或优于Ⅲ类水质比例"
    again = plan_import_preview(actor=demo_org.office, filename=SEED.name, data=SEED_BYTES)
    review = plan_import_review(again)
    assert review.diff.empty
    assert [(k.what, k.where, k.stored, k.new) for k in review.diff.kept] == [
        ("indicator", "I13", "地表水省控断面达到或优于Ⅲ类水质比例", "地表水省控…到或优于Ⅲ类水质比例")]
    assert review.diff.kept_messages == [
        "指标 I13：新文件中的名称“地表水省控…到或优于Ⅲ类水质比例”不如已审核的“地表水省控断面达到或优于Ⅲ类水质比例”，保留已审核的名称。"]
    plan_import_confirm(actor=demo_org.office, plan_import=again)
    assert Indicator.objects.get(plan=plan, code="I13").name == "地表水省控断面达到或优于Ⅲ类水质比例"
    plan.refresh_from_db()
    assert plan.revision == 1


def test_a_revision_keeps_a_reviewed_task_name_and_unit_over_worse_copies(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    task2 = plan.tasks.get(number="2")
    units_before = OrgUnit.objects.count()
    stored = sorted(task2.responsibilities.values_list("unit_id", "role"))
    # A worse copy: task 2's title lost two characters, 区资规分局 lost one (区资规局 names no unit).
    text = clean_seed_text().replace("树立质量发展绿色导向", "树立质量绿色导向", 1).replace("区资规分局", "区资规局", 1)
    worse = plan_import_preview(actor=demo_org.office, filename="copy.txt", data=text.encode())
    review = plan_import_review(worse)
    assert [(k.what, k.where, k.stored, k.new) for k in review.diff.kept] == [
        ("task", "2", "树立质量发展绿色导向", "树立质量绿色导向"),
        ("text", "2", "", ""),
        ("unit", "2", "区资规分局（区资源规划分局）", "区资规局"),
    ]
    assert review.unresolved == []
    assert review.diff.empty
    plan_import_confirm(actor=demo_org.office, plan_import=worse)
    task2.refresh_from_db()
    assert task2.title == "树立质量发展绿色导向"
    assert sorted(task2.responsibilities.values_list("unit_id", "role")) == stored
    assert OrgUnit.objects.count() == units_before


def test_an_office_choice_for_a_new_name_is_not_overridden(demo_org):
    plan = import_file(demo_org.office, SEED_BYTES)
    text = clean_seed_text().replace("区资规分局", "区资规局", 1)
    copy = plan_import_preview(actor=demo_org.office, filename="copy.txt", data=text.encode())
    plan_import_correct(actor=demo_org.office, plan_import=copy, corrections={"units": {"区资规局": {"new": "department"}}})
    review = plan_import_review(PlanImport.objects.get(pk=copy.pk))
    assert review.diff.kept == []
    assert review.new_units == {"区资规局": []}
    assert plan.tasks.get(number="2").title == "树立质量发展绿色导向"
