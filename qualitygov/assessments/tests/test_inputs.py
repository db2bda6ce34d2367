"""Automatic inputs on a fixed year of records (`collect_world`): exact figures, exact records, the engine's
score on the collected document, monotonicity, the scheme's `source` settings and a constant query count."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.services import org_unit_create
from qualitygov.assessments.engine import AssessmentError, assess, validate_scheme, validate_units
from qualitygov.assessments.engine.io import parse_json
from qualitygov.assessments.inputs import PENDING, collect_units, dumps_units, leaf_source

from .collect_world import AS_OF, build_world, escalate, filed
from .url_samples import DEMO

pytestmark = pytest.mark.django_db


def demo() -> dict:
    return parse_json(DEMO.read_text(encoding="utf-8"))


@pytest.fixture
def world(cast):
    return build_world(cast)


def units(cast):
    return [cast.dept_a, cast.dept_b, cast.town]


def collect(world, scheme=None, **kwargs):
    kwargs.setdefault("as_of", AS_OF)
    return collect_units(scheme=scheme or demo(), year=2026, units=units(world.cast), **kwargs)


def pks(figure):
    return [(r.kind, r.pk) for r in figure.records]


def fig(result, unit, leaf, key):
    return next(f for f in result.unit(unit).leaves[leaf].figures if f.key == key)


def test_the_units_document(world):
    result = collect(world)
    assert result.document == {
        "scheme": "putuo-member-units", "year": "2026", "bulletin_date": "2026-12-31",
        "units": [
            {"unit": "区经信局", "group": "department", "inputs": {
                "A1": {"indicators": [
                    {"indicator": "Q1", "comparator": ">=", "target": 98, "baseline": 90, "value": Decimal("98.5")},
                    {"indicator": "Q2", "comparator": "<=", "target": 5, "baseline": 8, "value": 6}]},
                "A2": {"num": 1, "den": 1},
                "B1": {"counts": {"item_late": 1, "item_red": 0}},
                "B2": PENDING,
                "C1": {"value": Decimal("25.00")},
                "C2": {"counts": {"finding_overdue": 1, "finding_reopened": 1, "supervised_escalation": 3}},
                "D1": PENDING, "D2": {"done": True}, "E1": PENDING}},
            {"unit": "区住建局", "group": "department", "inputs": {
                "A1": {"indicators": [{"indicator": "Q3", "comparator": ">=", "target": 1, "baseline": None,
                                       "value": 0, "no_value": True}]},
                "A2": {"num": 0, "den": 1},
                "B1": {"counts": {"item_late": 1, "item_red": 0}},
                "B2": PENDING,
                "C1": {"value": Decimal("50.00")},
                "C2": {"counts": {"finding_overdue": 1, "finding_reopened": 0, "supervised_escalation": 1}},
                "D1": PENDING, "D2": {"done": True}, "E1": PENDING}},
            {"unit": "沈家门街道", "group": "town", "inputs": {
                "A1": {"indicators": []},
                "A2": {"num": 0, "den": 0},
                "B1": {"counts": {"item_late": 0, "item_red": 1}},
                "B2": PENDING,
                "C1": {"value": Decimal("100.00")},
                "C2": {"counts": {"finding_overdue": 0, "finding_reopened": 0, "supervised_escalation": 0}},
                "D1": PENDING, "D2": {"done": True}, "E1": PENDING}},
        ]}
    assert [u.manual for u in result.units] == [["B2", "D1", "E1"]] * 3


def test_every_figure_opens_its_records(world):
    w, result = world, collect(world)
    r, p, e, f = w.reports, w.parts, w.escalations, w.findings
    late = fig(result, "区经信局", "B1", "item_late")
    assert (late.value, late.points, pks(late)) == (1, Decimal(-2), [("work_item", w.items["W3"].pk)])
    assert late.records[0].label == "培育品牌企业（期限 2026-09-30，2026-10-15 完成）"
    assert late.records[0].url() == f"/progress/items/{w.items['W3'].pk}/"
    assert late.explanation == "未按期完成的工作事项：1，每项扣 2 分"
    supervised = fig(result, "区经信局", "C2", "supervised_escalation")
    assert (supervised.value, supervised.points) == (3, Decimal(-6))
    assert pks(supervised) == [("escalation", e[k].pk) for k in ("A-s2", "A-s1", "A-s3")]
    assert supervised.records[0].label == "列入督办 · 2026-05-29 · 培育品牌企业"
    assert pks(fig(result, "区经信局", "C2", "finding_overdue")) == [("finding", f["F1"].pk)]
    reopened = fig(result, "区经信局", "C2", "finding_reopened")
    assert pks(reopened) == [("finding", f["F2"].pk)]
    assert reopened.records[0].label == "品牌培育台账不全（2026-10-10 重新打开）"
    # B: its own 督办 on its part counts (the scheme counts co parts); the yellow notice is not an event here.
    assert pks(fig(result, "区住建局", "C2", "supervised_escalation")) == [("escalation", e["B-s1"].pk)]
    assert pks(fig(result, "区住建局", "C2", "finding_overdue")) == [("finding", f["F3"].pk)]
    assert pks(fig(result, "区住建局", "B1", "item_late")) == [("work_item", w.items["W2"].pk)]
    assert pks(fig(result, "沈家门街道", "B1", "item_red")) == [("work_item", w.items["W4"].pk)]
    # C1: on time / due, lead reports and co parts; the rest listed as late or not filed.
    assert pks(fig(result, "区经信局", "C1", "num")) == [("progress_report", r["W1-5"].pk)]
    assert pks(fig(result, "区经信局", "C1", "not_on_time")) == [
        ("progress_report", r[k].pk) for k in ("W3-5", "W1-6", "W3-6")]
    assert fig(result, "区经信局", "C1", "value").explanation == "按时率 25.00%"
    assert pks(fig(result, "区住建局", "C1", "den")) == [
        ("progress_report", r["W2-5"].pk), ("progress_report", r["W2-6"].pk),
        ("report_part", p["W1-5"].pk), ("report_part", p["W1-6"].pk)]
    # A1: the indicators led, with the approved values behind each.
    q1 = fig(result, "区经信局", "A1", "Q1")
    assert (q1.value, pks(q1)) == (Decimal("98.5"), [("indicator", w.indicators["Q1"].pk),
                                                    ("observation", w.observations["Q1-4"].pk)])
    assert q1.explanation == "Q1：2026 年数值 98.5，目标 >= 98，基期值 90"
    assert [ref.label for ref in q1.records] == ["Q1 Q1 抽检合格率", "Q1 · 2026年第4季度 · 审定数值"]
    assert q1.records[1].as_link() == {"label": "Q1 · 2026年第4季度 · 审定数值",
                                       "url": f"/indicators/observations/{w.observations['Q1-4'].pk}/"}
    q3 = fig(result, "区住建局", "A1", "Q3")
    assert (q3.value, q3.explanation) == (None, "Q3：2026 年无审定数值，按未达标计")
    a2 = fig(result, "区住建局", "A2", "not_on_time")
    assert (pks(a2), a2.records[0].url()) == ([("reporting_period", w.periods["Q3-2"].pk)],
                                             f"/indicators/{w.indicators['Q3'].pk}/")


def test_the_engine_scores_the_collected_document(world):
    result = assess(demo(), collect(world).document)
    got = {u["unit"]: (u["nodes"]["A1"]["score"], u["nodes"]["A2"]["score"], u["nodes"]["B1"]["score"],
                       u["nodes"]["C1"]["score"], u["nodes"]["C2"]["score"], u["base"], u["grade"], u["caps_applied"])
           for u in result["units"]}
    assert got == {
        "区经信局": ("22.50", "5.00", "18.00", "0.00", "0.00", "63.13", "合格", ["G1"]),
        "区住建局": ("0.00", "0.00", "18.00", "0.00", "6.00", "36.25", "不合格", []),
        "沈家门街道": (None, None, "16.00", "10.00", "10.00", "91.11", "优秀", []),
    }


def test_one_more_late_report_or_escalation_never_raises_a_score(world):
    def score(unit: str) -> Decimal:
        doc = collect(world).document
        return Decimal(next(u for u in assess(demo(), doc)["units"] if u["unit"] == unit)["total"])

    before = score("沈家门街道")
    filed(world.reports["W4-6"], dt.date(2026, 6, 30), late=True)
    after_late = score("沈家门街道")
    escalate("t-new", world.cast.town, world.reports["W4-6"], "supervised", dt.date(2026, 6, 29))
    after_escalation = score("沈家门街道")
    assert before >= after_late >= after_escalation
    assert (before, after_late, after_escalation) == (Decimal("91.1"), Decimal("68.9"), Decimal("64.4"))


def test_an_in_year_preview_counts_only_what_fell_due(world):
    result = collect(world, as_of=dt.date(2026, 6, 1))
    a = result.document["units"][0]["inputs"]
    assert (a["C1"], a["B1"], a["C2"]) == ({"value": Decimal("50.00")}, {"counts": {"item_late": 0, "item_red": 0}},
                                          {"counts": {"finding_overdue": 0, "finding_reopened": 0,
                                                      "supervised_escalation": 1}})
    assert pks(fig(result, "区经信局", "C1", "den")) == [("progress_report", world.reports[k].pk)
                                                         for k in ("W1-5", "W3-5")]


def test_the_scheme_says_whether_co_parts_count_and_which_event_is_which(world):
    scheme = demo()
    c1 = scheme["sections"][2]["items"][0]
    c2 = scheme["sections"][2]["items"][1]
    c1["source"]["co_parts"] = False
    c2["source"] = {"events": {"supervised_escalation": "escalation_level_1", "finding_reopened": "manual"},
                    "co_parts": False}
    b = collect(world, scheme).document["units"][1]["inputs"]
    assert b["C1"] == {"value": Decimal("50.00")}  # W2-May on time, W2-June missing; parts left out
    assert b["C2"] == {"counts": {"finding_overdue": 1, "supervised_escalation": 1}}  # the yellow notice
    result = collect(world, scheme)
    assert result.sources["C2"].manual_events == ("finding_reopened",)
    assert pks(fig(result, "区住建局", "C1", "den")) == [("progress_report", world.reports[k].pk)
                                                         for k in ("W2-5", "W2-6")]


def test_leaves_not_applicable_by_group_get_no_input(world):
    scheme = demo()
    scheme["sections"][0]["items"][0]["applies_to"] = ["department"]
    doc = collect(world, scheme).document
    assert "A1" not in doc["units"][2]["inputs"] and "A1" in doc["units"][0]["inputs"]


def test_without_source_keys_the_defaults_apply(world):
    scheme = demo()
    for section in scheme["sections"]:
        for leaf in section["items"]:
            leaf.pop("source", None)
    inputs = collect(world, scheme).document["units"][0]["inputs"]
    # Events by their well-known names, led indicators for share_indicators; rates need a source.
    assert inputs["B1"] == {"counts": {"item_late": 1, "item_red": 0}}
    assert inputs["C2"]["counts"] == {"finding_overdue": 1, "finding_reopened": 1, "supervised_escalation": 3}
    assert (inputs["A2"], inputs["C1"]) == (PENDING, PENDING)
    assert len(inputs["A1"]["indicators"]) == 2


def test_without_value_leave_out(world):
    scheme = demo()
    scheme["sections"][0]["items"][0]["source"] = {"name": "led_indicators", "without_value": "leave_out"}
    assert collect(world, scheme).document["units"][1]["inputs"]["A1"] == {"indicators": []}


@pytest.mark.parametrize(("source", "message"), [
    ({"name": "reports"}, "评分项“C1”的 source “reports”不适用于 rate_bands 方法（可用：report_on_time、indicator_on_time、manual）"),
    ({"name": "report_on_time", "co_parts": "yes"}, "评分项“C1”的 source 的 co_parts 应为 true 或 false"),
    (3, "评分项“C1”的 source 应为文本或对象"),
])
def test_a_source_the_platform_does_not_know_is_refused(source, message):
    scheme = demo()
    scheme["sections"][2]["items"][0]["source"] = source
    engine = validate_scheme(scheme)
    with pytest.raises(AssessmentError) as exc:
        leaf_source(engine.leaves["C1"], scheme["sections"][2]["items"][0])
    assert exc.value.message == message


def test_an_unknown_event_target_is_refused():
    scheme = demo()
    leaf = scheme["sections"][2]["items"][1]
    leaf["source"] = {"events": {"finding_overdue": "late_finding"}}
    with pytest.raises(AssessmentError) as exc:
        leaf_source(validate_scheme(scheme).leaves["C2"], leaf)
    assert exc.value.message.startswith("评分项“C2”的 source 中事件“finding_overdue”对应的“late_finding”不是平台能统计的数据")


def test_the_written_file_validates_and_is_exact(world):
    text = dumps_units(collect(world).document)
    data = parse_json(text)
    validate_units(validate_scheme(demo()), data)
    assert data["units"][0]["inputs"]["A1"]["indicators"][0]["value"] == Decimal("98.5")
    assert '"value": 98.5' in text and '"value": 25.00' in text and text.endswith("}\n")
    assert json.loads(text)["units"][2]["unit"] == "沈家门街道"


def test_collecting_writes_nothing(world):
    from qualitygov.core.models import AuditEvent

    before = AuditEvent.objects.count()
    collect(world)
    assert AuditEvent.objects.count() == before


def _more_units(cast, n: int) -> list:
    """`n` more departments, each with a work item, May's report (late), a finding and an escalation."""
    from qualitygov.progress.models import ProgressReport
    from qualitygov.progress.services import cycle_open
    from qualitygov.progress.tests.factories import make_cycle, make_item, make_task

    made = []
    task = make_task(cast, title="扩面任务")
    for k in range(n):
        made.append(org_unit_create(actor=None, name=f"舟山市普陀区测试局{k}", kind=OrgUnitKind.DEPARTMENT,
                                    parent=cast.district, short_name=f"测试局{k}"))
    for k, unit in enumerate(made):
        make_item(cast, task, lead=unit, co=[cast.dept_b], title=f"事项{k}")
    cycle_open(actor=cast.office, cycle=make_cycle(cast, task.plan, month=7))
    for k, report in enumerate(ProgressReport.objects.filter(unit__in=made).order_by("pk")):
        filed(report, dt.date(2026, 7, 30), late=True)
        escalate(f"more-{k}", report.unit, report, "supervised", dt.date(2026, 7, 28))
    return made


def test_the_query_count_does_not_grow_with_the_number_of_units(world):
    cast = world.cast
    extra = _more_units(cast, 3)
    scheme = demo()
    counts = []
    for chosen in ([cast.dept_a, cast.dept_b], [cast.dept_a, cast.dept_b, cast.town, *extra[:2]]):
        with CaptureQueriesContext(connection) as queries:
            result = collect_units(scheme=scheme, year=2026, units=chosen, as_of=AS_OF)
        counts.append(len(queries))
        assert len(result.units) == len(chosen)
    assert counts[0] == counts[1]
    # …and the extra units' figures are there: one late report and one 督办 each.
    late = collect_units(scheme=scheme, year=2026, units=extra, as_of=AS_OF).document["units"]
    assert [u["inputs"]["C2"]["counts"]["supervised_escalation"] for u in late] == [1, 1, 1]
    assert [u["inputs"]["C1"] for u in late] == [{"value": Decimal("0.00")}] * 3


def test_a_stored_scheme_is_read_with_its_source_keys(world):
    from qualitygov.assessments.services import scheme_import

    stored = scheme_import(actor=world.cast.office, text=DEMO.read_text(encoding="utf-8"), year=2026)
    assert collect(world, stored).document == collect(world).document
    assert copy.deepcopy(collect(world).document) == collect(world).document


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                  max_size=4), max_leaves=12)
_KEYS = st.sampled_from(["events", "name", "co_parts", "without_value", "finding_overdue", "late_report"])


@given(source=_JSON | st.dictionaries(_KEYS, _JSON | st.sampled_from(
    ["manual", "late_report", "report_on_time", "led_indicators", "leave_out"]), max_size=4))
@settings(max_examples=300, deadline=None)
def test_reading_any_source_raises_nothing_but_assessment_error(source):
    scheme = demo()
    engine = validate_scheme(scheme)
    leaves = {leaf["code"]: leaf for section in scheme["sections"] for leaf in section["items"]}
    for code, raw in leaves.items():
        try:
            found = leaf_source(engine.leaves[code], {**raw, "source": source})
        except AssessmentError as exc:
            assert exc.message.startswith(f"评分项“{code}”的 source")
        else:
            assert set(found.events) | set(found.manual_events) <= set(engine.leaves[code].params.get("events", {}))


def test_a_leaf_gives_its_records_once_and_its_input_for_a_json_field(world):
    result = collect(world)
    c1 = result.unit("区住建局").leaves["C1"]
    assert [(r.kind, r.pk) for r in c1.records()] == [
        ("progress_report", world.reports["W2-5"].pk), ("progress_report", world.reports["W2-6"].pk),
        ("report_part", world.parts["W1-5"].pk), ("report_part", world.parts["W1-6"].pk)]
    assert json.dumps(c1.input_json()) == '{"value": 50}'
    a1 = result.unit("区经信局").leaves["A1"].input_json()
    assert json.loads(json.dumps(a1))["indicators"][0] == {"indicator": "Q1", "comparator": ">=", "target": 98,
                                                           "baseline": 90, "value": 98.5}
