"""Demo loader: the district's member-unit assessment scheme for 2026 (demo data modelled on the seed
plan's 保障措施(四)), imported and published by the office, and the assessment rounds of 2025 (locked)
and 2026 (in self-assessment). Runs once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from qualitygov.accounts.models import User

from .models import AssessmentScheme
from .services import scheme_import, scheme_publish

SCHEME = Path(__file__).resolve().parent / "data" / "member-units-2026.json"


def load(stdout=None) -> dict[str, int]:
    """The scheme, then the rounds (`load_rounds`)."""
    made = 0
    if not AssessmentScheme.objects.exists():
        office = User.objects.get(username="office")
        scheme = scheme_import(actor=office, text=SCHEME.read_text(encoding="utf-8"), year=2026,
                               source_name=SCHEME.name)
        scheme_publish(actor=office, scheme=scheme)
        made = 1
    return {"schemes": made, **load_rounds()}


#: Demo figures per unit: a deterministic spread so rankings, a grade cap and a follow-up show.
def _auto(i: int) -> dict[str, dict]:
    return {
        "A1": {"indicators": [{"comparator": ">=", "target": 90, "baseline": 80, "value": 95 - (i % 4) * 4},
                              {"comparator": "<=", "target": 2, "value": 1.5 + (i % 3) * 0.5}]},
        "A2": {"num": 12 - (i % 3), "den": 12},
        "B1": {"counts": {"item_late": i % 3, "item_red": 1 if i % 5 == 4 else 0}},
        "C1": {"value": 100 - (i % 4) * 6},
        "C2": {"counts": {"finding_overdue": i % 2, "supervised_escalation": 3 if i % 7 == 6 else i % 2}},
        "D2": {"done": i % 6 != 5},
    }


def _self(i: int) -> dict[str, dict]:
    aspects = ["分管领导", "联络员", "经费", "制度"]
    return {"B2": {"option": ["全部完成", "全部完成", "基本完成"][i % 3]},
            "D1": {"present": aspects[: 4 - (i % 3 == 2)]}}


def _records(unit) -> list[dict[str, str]]:
    return [{"label": f"{unit.label}2026年进展报告报送记录（演示）", "url": ""}]


def load_rounds(stdout=None, *, today: dt.date | None = None) -> dict[str, int]:
    """Demo data: the 2025 round locked (for the year-over-year comparison) and the 2026 round in
    self-assessment on the demo scheme, every department and town in it, the platform's figures
    filled in, and some sheets submitted (区住建局 among them; 沈家门街道 still filling its own).
    Runs once."""
    from qualitygov.plans.models import Task

    from . import services_rounds as S
    from .models import AssessmentRound, ItemEntry

    if AssessmentRound.objects.exists() or not AssessmentScheme.objects.filter(year=2026).exists():
        return {"rounds": 0}
    today = today or timezone.localdate()
    office = User.objects.get(username="office")
    leader = User.objects.get(username="leader")
    scheme_2026 = AssessmentScheme.objects.filter(year=2026, status="published").first()
    text_2025 = SCHEME.read_text(encoding="utf-8").replace("2026年", "2025年")
    scheme_2025 = scheme_publish(actor=office, scheme=scheme_import(actor=office, text=text_2025, year=2025,
                                                                   source_name=SCHEME.name))
    task = Task.objects.order_by("pk").first()
    units = list(S.OrgUnit.objects.active().filter(kind__in=S.ASSESSED_KINDS).order_by("kind", "sort_order", "path"))
    liaisons = {u.unit_id: u for u in User.objects.filter(username__in=["jxj", "zjj", "sjm"])}

    def fill(round_, year_offset: int, submit_all: bool, now):
        S.round_transition(actor=office, round_=round_, name="open")
        for i, ru in enumerate(round_.units.select_related("unit").order_by("pk")):
            k = i + year_offset
            for code, value in _auto(k).items():
                S.round_inputs_set(actor=office, round_unit=ru, code=code, value=value, records=_records(ru.unit))
            if ru.unit.name == "舟山市普陀区沈家门街道" and not submit_all:
                continue  # the town liaison fills its own sheet in the demo
            actor = liaisons.get(ru.unit_id, office)  # the office fills in for units without a demo user
            for code, value in _self(k).items():
                entry = ItemEntry.objects.get(round_unit=ru, kind="leaf", code=code)
                S.entry_self_save(actor=actor, entry=entry, value=value, note="已按要求落实（演示）")
            if submit_all or i % 3 != 2:
                S.sheet_submit(actor=actor, round_unit=ru, now=now)

    last = S.round_create(actor=office, scheme=scheme_2025, year=2025, title="2025年度质量强区工作成员单位考核（演示）",
                          self_due=dt.date(2025, 12, 10), review_due=dt.date(2025, 12, 20),
                          approval_due=dt.date(2025, 12, 25), publish_on=dt.date(2025, 12, 30),
                          objection_until=dt.date(2026, 1, 6), followup_task=task, units=units)
    fill(last, 1, True, timezone.make_aware(dt.datetime(2025, 12, 8, 10)))
    S.round_transition(actor=office, round_=last, name="start_review")
    for ru in last.units.all():
        S.entry_override(actor=office, entry=ItemEntry.objects.get(round_unit=ru, kind="leaf", code="E1"),
                         value={"score": 8 + ru.pk % 3}, reason="区领导年度评价意见（演示）")
    S.round_transition(actor=office, round_=last, name="submit")
    S.round_approve(actor=leader, round_=last, note="同意（演示）")
    S.round_transition(actor=office, round_=last, name="publish")
    S.round_transition(actor=office, round_=last, name="lock", today=dt.date(2026, 1, 7))

    current = S.round_create(actor=office, scheme=scheme_2026, year=2026, title="2026年度质量强区工作成员单位考核",
                             self_due=today + dt.timedelta(days=7), review_due=today + dt.timedelta(days=17),
                             approval_due=today + dt.timedelta(days=22), publish_on=today + dt.timedelta(days=27),
                             objection_until=today + dt.timedelta(days=34), followup_task=task, units=units)
    fill(current, 0, False, timezone.now())
    return {"rounds": 2}
