"""A 2026 round on the demo scheme for the cast's three units, filled to a known result.

区经信局 99.0 优秀 (its C1 figure overridden from 80 to 100), 区住建局 55.5 不合格 (capped by G1, due
for a written rectification report), 沈家门街道 98.0 优秀 (its B2 claim adjusted from 全部完成 to
基本完成, a bonus of 2 for a quality award).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from qualitygov.assessments import services_rounds as S
from qualitygov.assessments.models import ItemEntry
from qualitygov.assessments.services import scheme_import, scheme_publish
from qualitygov.core.uploads import CheckedFile

DEMO = Path(__file__).resolve().parents[1] / "data" / "member-units-2026.json"
TIMELINE = {"self_due": dt.date(2026, 12, 10), "review_due": dt.date(2026, 12, 20),
            "approval_due": dt.date(2026, 12, 25), "publish_on": dt.date(2026, 12, 30),
            "objection_until": dt.date(2027, 1, 6)}
PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name: str = "证明材料.pdf") -> CheckedFile:
    return CheckedFile(name=name, data=PDF, extension=".pdf", content_type="application/pdf",
                       sha256=hashlib.sha256(PDF).hexdigest())


def published_scheme(cast):
    scheme = scheme_import(actor=cast.office, text=DEMO.read_text(encoding="utf-8"), year=2026)
    return scheme_publish(actor=cast.office, scheme=scheme)


def make_round(cast, *, title: str = "2026年度成员单位考核", followup_task=None, year: int = 2026, scheme=None,
               **dates):
    scheme = scheme or published_scheme(cast)
    return S.round_create(actor=cast.office, scheme=scheme, year=year, title=title, followup_task=followup_task,
                          units=[cast.dept_a, cast.dept_b, cast.town], **{**TIMELINE, **dates})


def entry(round_unit, code: str, kind: str = "leaf") -> ItemEntry:
    return ItemEntry.objects.get(round_unit=round_unit, kind=kind, code=code)


RECORDS = [{"label": "2026年第3季度进展报告", "url": "/progress/reports/1/"}]

AUTO = {
    "a": {"A1": {"indicators": [{"comparator": ">=", "target": 90, "value": 95}]}, "A2": {"num": 10, "den": 10},
          "B1": {"counts": {}}, "C1": {"value": 80}, "C2": {"counts": {}}, "D2": {"done": True}},
    "b": {"A1": {"indicators": [{"comparator": ">=", "target": 90, "baseline": 80, "value": 85}]},
          "A2": {"num": 8, "den": 10}, "B1": {"counts": {"item_late": 2}}, "C1": {"value": 85},
          "C2": {"counts": {"supervised_escalation": 3}}, "D2": {"done": False}},
    "t": {"A1": {"indicators": [{"comparator": ">=", "target": 90, "value": 95}]}, "A2": {"num": 10, "den": 10},
          "B1": {"counts": {}}, "C1": {"value": 100}, "C2": {"counts": {}}, "D2": {"done": True}},
}
SELF = {
    "a": {"B2": {"option": "全部完成"}, "D1": {"present": ["分管领导", "联络员", "经费", "制度"]}},
    "b": {"B2": {"option": "基本完成"}, "D1": {"present": ["分管领导", "联络员"]}},
    "t": {"B2": {"option": "全部完成"}, "D1": {"present": ["分管领导", "联络员", "经费", "制度"]}},
}
LEADER = {"a": 9, "b": 6, "t": 8}


def units_of(cast, round_):
    by_unit = {ru.unit_id: ru for ru in round_.units.all()}
    return {"a": by_unit[cast.dept_a.pk], "b": by_unit[cast.dept_b.pk], "t": by_unit[cast.town.pk]}


def fill(cast, round_):
    """Open the round, store the automatic figures, the units' sheets (submitted) and the leader's
    evaluations; returns the round units by key."""
    round_.refresh_from_db()
    if round_.status == "draft":
        S.round_transition(actor=cast.office, round_=round_, name="open")
    units = units_of(cast, round_)
    liaisons = {"a": cast.liaison_a, "b": cast.liaison_b, "t": cast.town_liaison}
    for key, ru in units.items():
        for code, value in AUTO[key].items():
            S.round_inputs_set(actor=cast.office, round_unit=ru, code=code, value=value, records=RECORDS)
        for code, value in SELF[key].items():
            S.entry_self_save(actor=liaisons[key], entry=entry(ru, code), value=value, note="已落实",
                              files=[pdf()] if code == "B2" else ())
    S.entry_self_save(actor=cast.town_liaison, entry=entry(units["t"], "quality_award", "bonus"),
                      value={"count": 1}, note="辖区企业获市政府质量奖", files=[pdf("获奖文件.pdf")])
    for key, ru in units.items():
        S.sheet_submit(actor=liaisons[key], round_unit=ru,
                       now=dt.datetime(2026, 12, 12 if key == "b" else 9, 10, tzinfo=dt.UTC))
    S.round_transition(actor=cast.office, round_=round_, name="start_review")
    for key, ru in units.items():
        S.entry_override(actor=cast.office, entry=entry(ru, "E1"), value={"score": LEADER[key]},
                         reason="区领导年度评价意见")
    return units
