"""The leading group's attendance feeds the annual assessment through the `meeting_absences` hook: a
`binary` leaf with source `group_meetings` is done when the unit missed no meeting of the year, an
`event_deductions` event mapped to `meeting_absence` counts the absences, and each figure opens the
meetings behind it. A substitute is not an absence; a meeting of another year does not count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from qualitygov.assessments import services_rounds as S
from qualitygov.assessments.engine.io import parse_json
from qualitygov.assessments.inputs import collect_units
from qualitygov.assessments.services import scheme_import, scheme_publish
from qualitygov.leadership.services import group_member_save, meeting_attendance_record, meeting_save

DEMO = Path(__file__).resolve().parents[1] / "qualitygov" / "assessments" / "data" / "member-units-2026.json"

pytestmark = pytest.mark.django_db


def _meetings(cast):
    a = group_member_save(actor=cast.office, name="王甲", unit=cast.dept_a)
    b = group_member_save(actor=cast.office, name="李乙", unit=cast.dept_b)
    t = group_member_save(actor=cast.office, name="张丙", unit=cast.town)
    first = meeting_save(actor=cast.office, title="第一次全体会议", held_on=dt.date(2026, 3, 5))
    meeting_attendance_record(actor=cast.office, meeting=first, rows=[
        (a, "present", "", ""), (b, "absent", "外出学习", ""), (t, "substitute", "公务冲突", "副镇长赵丁")])
    second = meeting_save(actor=cast.office, title="第二次全体会议", held_on=dt.date(2026, 9, 8))
    meeting_attendance_record(actor=cast.office, meeting=second, rows=[
        (a, "present", "", ""), (b, "absent", "会议冲突", ""), (t, "present", "", "")])
    earlier = meeting_save(actor=cast.office, title="上年度会议", held_on=dt.date(2025, 12, 20))
    meeting_attendance_record(actor=cast.office, meeting=earlier, rows=[
        (a, "absent", "出差", ""), (b, "present", "", ""), (t, "present", "", "")])
    return first, second


def _scheme_with_absence_deductions() -> dict:
    document = parse_json(DEMO.read_text(encoding="utf-8"))
    for section in document["sections"]:
        for item in section.get("items", []):
            if item["code"] == "C2":
                item["params"]["events"]["absence"] = 2
    return document


def test_binary_attendance_and_counted_absences(cast):
    first, second = _meetings(cast)
    result = collect_units(scheme=_scheme_with_absence_deductions(), year=2026,
                           units=[cast.dept_a, cast.dept_b, cast.town], as_of=dt.date(2027, 1, 10))
    inputs = {u["unit"]: u["inputs"] for u in result.document["units"]}
    assert {name: inputs[name]["D2"] for name in inputs} == {
        "区经信局": {"done": True}, "区住建局": {"done": False}, "沈家门街道": {"done": True}}
    assert inputs["区住建局"]["C2"]["counts"]["absence"] == 2
    assert inputs["区经信局"]["C2"]["counts"]["absence"] == 0
    d2 = result.unit("区住建局").leaves["D2"]
    assert [(f.key, f.value, f.explanation) for f in d2.figures] == [("meeting_absence", 2, "缺席领导小组会议：2")]
    assert [r.as_link() for r in d2.records()] == [
        {"label": "第一次全体会议（2026-03-05）：李乙缺席，原因：外出学习",
         "url": reverse("leadership:meeting", args=[first.pk])},
        {"label": "第二次全体会议（2026-09-08）：李乙缺席，原因：会议冲突",
         "url": reverse("leadership:meeting", args=[second.pk])},
    ]


def test_an_in_year_preview_counts_only_the_meetings_held_before_it(cast):
    _meetings(cast)
    result = collect_units(scheme=_scheme_with_absence_deductions(), year=2026,
                           units=[cast.dept_b], as_of=dt.date(2026, 6, 1))
    assert result.document["units"][0]["inputs"]["D2"] == {"done": False}
    assert [f.value for f in result.unit("区住建局").leaves["D2"].figures] == [1]


def test_a_round_collects_the_attendance(cast):
    _meetings(cast)
    scheme = scheme_publish(actor=cast.office, scheme=scheme_import(
        actor=cast.office, text=DEMO.read_text(encoding="utf-8"), year=2026))
    round_ = S.round_create(actor=cast.office, scheme=scheme, year=2026, title="2026年度成员单位考核",
                            units=[cast.dept_a, cast.dept_b, cast.town], self_due=dt.date(2026, 12, 10),
                            review_due=dt.date(2026, 12, 20), approval_due=dt.date(2026, 12, 25),
                            publish_on=dt.date(2026, 12, 30), objection_until=dt.date(2027, 1, 6))
    S.round_transition(actor=cast.office, round_=round_, name="open")
    S.round_collect(actor=cast.office, round_=round_, as_of=dt.date(2027, 1, 10))
    d2 = {ru.unit_id: ru.entries.get(kind="leaf", code="D2") for ru in round_.units.all()}
    assert d2[cast.dept_b.pk].auto_value == {"done": False}
    assert d2[cast.dept_b.pk].records[0] == {"label": "缺席领导小组会议：2", "url": ""}
    assert d2[cast.dept_a.pk].auto_value == {"done": True}
