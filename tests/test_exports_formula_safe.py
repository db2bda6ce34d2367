"""Every .xlsx export writes what users typed as text, never as a formula.

Names, titles, comments and reasons are set to "=1+1", "+1", "-1" and "@SUM(A1)"; each export is
downloaded through its real view as the office admin (a liaison where only a unit enters data),
opened with openpyxl, and each of the four strings must come back as a whole cell holding exactly
that text, as a string cell. No cell of any export may be a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitygov.accounts.choices import OrgUnitKind, Role
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.accounts.services import org_unit_create, user_create
from qualitygov.accounts.testing import PASSWORD

PAYLOADS = ["=1+1", "+1", "-1", "@SUM(A1)"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class World:
    plan: object
    units: list
    indicators: list
    meeting: object = None
    work_plan: object = None
    upper: object = None


def _world(cast) -> World:
    from qualitygov.indicators.models import Indicator, IndicatorResponsibility
    from qualitygov.indicators.services import observation_save_draft, observation_submit, periods_generate
    from qualitygov.planimport.models import PlanImport
    from qualitygov.plans.tests.factories import plan_factory, task_factory
    from qualitygov.progress.models import EscalationEvent, ProgressReport
    from qualitygov.progress.services import (
        cycle_create,
        cycle_open,
        extension_request_create,
        finding_create,
        work_item_create,
    )

    # Units known by the four strings (their short name is their label everywhere).
    units = []
    for index, text in enumerate(PAYLOADS):
        unit = org_unit_create(actor=cast.office, name=f"公式测试单位{index}", kind=OrgUnitKind.DEPARTMENT,
                               parent=cast.district)
        OrgUnit.objects.filter(pk=unit.pk).update(short_name=text)
        units.append(OrgUnit.objects.get(pk=unit.pk))
    # Users whose display names are the four strings.
    for index, text in enumerate(PAYLOADS):
        user = user_create(actor=cast.office, username=f"formula{index}", password=PASSWORD,
                           display_name=f"用户{index}", unit=units[index],
                           grants=[(Role.DEPARTMENT_LIAISON, units[index], False)])
        User.objects.filter(pk=user.pk).update(display_name=text, phone=text)

    plan = plan_factory(title=PAYLOADS[0], issuer=PAYLOADS[1], doc_number=PAYLOADS[2])
    plan_factory(title=PAYLOADS[3], period=(2018, 2022))
    tasks = [task_factory(plan=plan, title=text, text=text, lead=[units[i]], co=[cast.dept_a])
             for i, text in enumerate(PAYLOADS)]
    items = [work_item_create(actor=cast.office, task=task, lead_unit=units[i], title=PAYLOADS[i],
                              start_date=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31))
             for i, task in enumerate(tasks)]
    for month, text in enumerate(PAYLOADS, start=3):
        cycle = cycle_create(actor=cast.office, plan=plan, frequency="monthly", period_start=dt.date(2026, month, 1),
                             period_end=dt.date(2026, month + 1, 1) - dt.timedelta(days=1),
                             due_date=dt.date(2026, month, 25), label=text)
        if month == 3:
            cycle_open(actor=cast.office, cycle=cycle)
    now = timezone.now()
    for i, item in enumerate(items):
        report = ProgressReport.objects.get(work_item=item)
        extension_request_create(actor=cast.office, report=report, requested_due_date=dt.date(2026, 4, 10),
                                 reason=PAYLOADS[i])
        finding_create(actor=cast.office, source="leader", title=PAYLOADS[i], unit=units[i],
                       deadline=dt.date(2026, 5, 1), found_on=dt.date(2026, 3, 1))
        EscalationEvent.objects.create(work_item=item, report=report, unit=units[i], level="supervised", at=now,
                                       on_date=dt.date(2026, 4, 1), due_date=report.due_date, reason=PAYLOADS[i],
                                       dedup_key=f"formula-{i}")
    from qualitygov.leadership.services import decision_create, meeting_save

    meeting = meeting_save(actor=cast.office, title=PAYLOADS[0], held_on=dt.date(2026, 3, 1))
    for i, task in enumerate(tasks):
        decision_create(actor=cast.office, meeting=meeting, task=task, lead_unit=units[i], text=PAYLOADS[i],
                        deadline=dt.date(2026, 6, 30))
    for text in PAYLOADS:
        PlanImport.objects.create(source_name=text, source_sha256="0" * 64,
                                  created_by=cast.office)

    indicators = []
    for i, text in enumerate(PAYLOADS):
        indicator = Indicator.objects.create(
            plan=plan, code=f"F{i}", name=text, unit="%", comparator=">=", target_value=Decimal(90),
            target_year=2027, scope="goals", baseline_year=2022, baseline_value=Decimal(80), frequency="yearly",
            order=i + 1, source=text)
        IndicatorResponsibility.objects.create(indicator=indicator, unit=cast.dept_a, role="lead")
        periods_generate(indicator=indicator, until=dt.date(2026, 12, 31))
        indicators.append(indicator)
    # The first indicator: a value a year, each commented with one of the strings (2026 "=1+1" a draft).
    for year, text in zip((2026, 2025, 2024, 2023), PAYLOADS, strict=True):
        period = indicators[0].periods.get(label=str(year))
        observation = observation_save_draft(actor=cast.liaison_a, period=period, unit=cast.dept_a,
                                             value=Decimal(85), comment=text)
        if year != 2026:
            observation_submit(actor=cast.liaison_a, observation=observation)
    # Another indicator: a submitted 2025 value, so the review queue lists the four comments.
    period = indicators[1].periods.get(label="2025")
    observation_submit(actor=cast.liaison_a, observation=observation_save_draft(
        actor=cast.liaison_a, period=period, unit=cast.dept_a, value=Decimal(86), comment=PAYLOADS[3]))
    # Three more meetings (the first is above), four scheme versions and four background jobs, each named
    # by one of the strings, for the meetings, schemes and jobs lists' exports.
    for index, text in enumerate(PAYLOADS[1:], start=1):
        meeting_save(actor=cast.office, title=text, held_on=dt.date(2026, 3, 1 + index), location=PAYLOADS[0])
    _schemes_and_jobs(cast)
    upper = _upper_assessment(cast, tasks[0], units)
    return World(plan=plan, units=units, indicators=indicators, meeting=meeting,
                 work_plan=_work_plans(plan, tasks, units), upper=upper)


def _work_plans(plan, tasks, units):
    """Four work plans titled by the strings; the first has four key points worded, grouped and timed by them."""
    from qualitygov.workplans.models import KeyPoint, WorkPlan

    work_plans = [WorkPlan.objects.create(plan=plan, year=2026 + i, title=text) for i, text in enumerate(PAYLOADS)]
    for i, text in enumerate(PAYLOADS):
        point = KeyPoint.objects.create(work_plan=work_plans[0], number=i + 1, order=i + 1, text=text, group_title=text,
                                        task=tasks[i], lead_unit=units[i], deadline=dt.date(2026, 6, 30),
                                        deadline_text=text)
        point.co_units.set([units[(i + 1) % 4]])
    return work_plans[0]


def _upper_assessment(cast, task, units):
    """A 迎考 whose four items are named by the strings, led by the units named by them, noted with them."""
    import json

    from qualitygov.upperassessment import services as upper

    document = {"id": "formula", "title": "迎考", "max_total": 40, "grades": [{"grade": "合格", "min": None}],
                "sections": [{"code": "S", "title": "考核", "items": [
                    {"code": f"U{i}", "title": text, "max": 10, "method": "judged", "description": text}
                    for i, text in enumerate(PAYLOADS)]}]}
    assessment = upper.upper_assessment_import(actor=cast.office, year=2026, task=task,
                                               text=json.dumps(document, ensure_ascii=False))
    for item, unit, text in zip(assessment.items.order_by("order"), units, PAYLOADS, strict=True):
        item = upper.upper_item_assign(actor=cast.office, item=item, lead_unit=unit, due_date=dt.date(2026, 11, 30))
        upper.upper_item_fill(actor=cast.office, item=item, self_score="5", note=text)
    return assessment


def _schemes_and_jobs(cast) -> None:
    import json
    from pathlib import Path

    from qualitygov.assessments.services import scheme_import
    from qualitygov.core.models import JobRun

    document = json.loads((Path(__file__).resolve().parents[1] / "qualitygov" / "assessments" / "data"
                           / "member-units-2026.json").read_text(encoding="utf-8"))
    for text in PAYLOADS:
        document["title"] = text
        scheme_import(actor=cast.office, text=json.dumps(document, ensure_ascii=False), year=2026)
        JobRun.objects.create(kind="export", label=text, func_path="qualitygov.core.jobs.job_enqueue",
                              actor=cast.office, status="failed", error=text)


NO_ARGS = lambda world, cast: []  # noqa: E731


def _assessment_round(world, cast) -> list[int]:
    """An approved assessment round of the four units named by the strings."""
    from qualitygov.assessments import services_rounds as S
    from qualitygov.assessments.tests.rounds_setup import AUTO, SELF, entry, make_round

    round_ = make_round(cast, title="公式测试考核")
    S.round_transition(actor=cast.office, round_=round_, name="open")
    round_.units.exclude(unit__in=world.units).delete()
    S.round_transition(actor=cast.office, round_=round_, name="start_review")
    for unit in world.units:
        ru = S.RoundUnit.objects.create(round=round_, unit=unit, group="department")
        S._create_entries(round_)
        for code, value in {**AUTO["a"], **SELF["a"]}.items():
            S.entry_override(actor=cast.office, entry=entry(ru, code), value=value, reason="测试")
        S.entry_override(actor=cast.office, entry=entry(ru, "E1"), value={"score": 9}, reason="测试")
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    S.round_approve(actor=cast.leader, round_=round_)
    return [round_.pk]

# (label, URL name, its arguments, who downloads it, query string)
EXPORTS = [
    ("organisation tree", "accounts:org_export", NO_ARGS, "office", {}),
    ("users", "accounts:user_export", NO_ARGS, "office", {}),
    ("audit trail", "audit:export", NO_ARGS, "office", {}),
    ("plan list", "plans:list_xlsx", NO_ARGS, "office", {}),
    ("plan imports", "planimport:import_export", NO_ARGS, "office", {}),
    ("task breakdown", "plans:export_xlsx", lambda w, c: [w.plan.pk], "office", {}),
    ("a unit's tasks", "plans:unit_tasks_xlsx", lambda w, c: [c.dept_a.pk], "office", {}),
    ("indicator dashboard", "indicators:dashboard_xlsx", NO_ARGS, "office", {}),
    ("one indicator's values", "indicators:indicator_xlsx", lambda w, c: [w.indicators[0].pk], "office", {}),
    ("a unit's pending indicators", "indicators:unit_xlsx", lambda w, c: [c.dept_a.pk], "office", {}),
    ("indicator review queue", "indicators:review_xlsx", NO_ARGS, "office", {}),
    ("indicator entry template", "indicators:excel_template", NO_ARGS, "liaison_a", {"period": "2026"}),
    ("progress board", "progress:board_xlsx", NO_ARGS, "office", {"plan": "plan"}),
    ("work items", "progress:work_item_list_xlsx", NO_ARGS, "office", {"plan": "plan"}),
    ("reporting cycles", "progress:cycle_list_xlsx", NO_ARGS, "office", {"plan": "plan"}),
    ("extension requests", "progress:extension_list_xlsx", NO_ARGS, "office", {}),
    ("督办 list", "progress:supervised_xlsx", NO_ARGS, "office", {}),
    ("rectification ledger", "progress:finding_list_xlsx", NO_ARGS, "office", {}),
    ("a meeting's decisions", "leadership:meeting_xlsx", lambda w, c: [w.meeting.pk], "office", {}),
    # Lists whose export is the page itself with ?format=xlsx (core.lists), no separate address.
    ("indicator review queue page", "indicators:review", NO_ARGS, "office", {"format": "xlsx"}),
    ("background jobs", "core:job_list", NO_ARGS, "office", {"format": "xlsx"}),
    ("the leading group's meetings", "leadership:group", NO_ARGS, "office", {"format": "xlsx"}),
    ("assessment schemes", "assessments:schemes", NO_ARGS, "office", {"format": "xlsx"}),
    ("a work plan's key points", "workplans:xlsx", lambda w, c: [w.work_plan.pk], "office", {}),
    ("annual work plans", "workplans:list", NO_ARGS, "office", {"format": "xlsx"}),
    ("an assessment round's scores", "assessments:round_results_xlsx", _assessment_round, "office", {}),
    ("迎考 self-assessment table", "upperassessment:export_xlsx", lambda w, c: [w.upper.pk], "office", {}),
]


def _cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


@pytest.mark.parametrize(("label", "url_name", "args", "member", "query"), EXPORTS, ids=[e[0] for e in EXPORTS])
def test_typed_text_comes_back_as_text(cast, client_for, label, url_name, args, member, query):
    world = _world(cast)
    params = {key: (world.plan.pk if value == "plan" else value) for key, value in query.items()}
    response = client_for(member).get(reverse(url_name, args=args(world, cast)), params)
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    cells = _cells(response.content)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    for text in PAYLOADS:
        found = [(cell.value, cell.data_type) for cell in cells if cell.value == text]
        assert found and set(found) == {(text, "s")}, (label, text)
    # Nothing was altered on the way (no apostrophe or other prefix before what was typed).
    assert [cell.value for cell in cells if isinstance(cell.value, str) and cell.value[1:] in PAYLOADS
            and cell.value[:1] == "'"] == []


#: Export-like URLs that give no workbook themselves, and why.
NOT_DIRECT_WORKBOOKS = {
    "assessments:scheme_export": "a JSON document (the exchange format), not a workbook",
    "workplans:docx": "the official Word document of a work plan, not a workbook",
    "progress:finding_list_xlsx_job": "POST only: starts the background job whose workbook "
                                      "progress/tests/test_ledger_job.py compares with progress:finding_list_xlsx",
}


def test_every_xlsx_url_is_covered():
    """A new .xlsx export must be added to EXPORTS."""
    from django.urls import get_resolver

    def names(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from names(pattern, namespace)
            elif pattern.name:
                yield f"{prefix}{pattern.name}", str(pattern.pattern)

    exported = {name for name, route in names(get_resolver())
                if route.endswith(".xlsx") or name.endswith(("_xlsx", "_export")) or "export" in route}
    covered = {export[1] for export in EXPORTS} | set(NOT_DIRECT_WORKBOOKS)
    assert len(exported) >= 17  # the walk finds the exports (only the entry template is named otherwise)
    assert sorted(exported - covered) == []


def test_a_template_comment_that_looks_like_a_formula_round_trips_unchanged(cast, client_for):
    """The draft's comment "=1+1" is in the template as text, and uploading the template untouched changes nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qualitygov.indicators.io import DATA_SHEET

    world = _world(cast)
    client = client_for("liaison_a")
    content = client.get(reverse("indicators:excel_template"), {"period": "2026"}).content
    rows = list(load_workbook(io.BytesIO(content))[DATA_SHEET].iter_rows(min_row=2))
    assert [(r[0].value, r[1].value, r[3].value, r[5].value, r[5].data_type) for r in rows] == [
        ("F0", "=1+1", 85, "=1+1", "s"), ("F1", "+1", None, None, "n"), ("F2", "-1", None, None, "n"),
        ("F3", "@SUM(A1)", None, None, "n"),
    ]
    response = client.post(reverse("indicators:excel_upload"),
                            {"file": SimpleUploadedFile("填报.xlsx", content, XLSX)})
    preview = response.context["preview"]
    assert [(r.kind, r.name, r.comment) for r in preview.rows] == [
        ("unchanged", "=1+1", "=1+1"), ("unchanged", "+1", ""), ("unchanged", "-1", ""),
        ("unchanged", "@SUM(A1)", ""),
    ]
    assert world.indicators[0].observations.get(period__label="2026").comment == "=1+1"
