"""Property tests of the engine on generated schemes and units, and a fuzz of validator and parser."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.assessments.engine import AssessmentError, assess, validate_scheme
from qualitygov.assessments.engine.decimals import round1
from qualitygov.assessments.engine.expr import parse_when
from qualitygov.assessments.engine.io import parse_json

from .shared import FIXTURES

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GRADES = [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60},
          {"grade": "不合格", "min": None}]


def _dec(low: str, high: str, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False,
                       allow_infinity=False)


@st.composite
def _leaf(draw, code: str) -> tuple[dict, st.SearchStrategy[dict]]:
    """A leaf of a random method and the strategy for its applicable inputs."""
    method = draw(st.sampled_from(["judged", "binary", "graded", "per_missing", "ratio", "rate_bands",
                                   "event_deductions", "indicator_shortfall", "share_indicators"]))
    leaf = {"code": code, "title": code, "max": draw(_dec("0.5", "30", 1)), "method": method}
    value = _dec("-50", "150")
    if method == "judged":
        inputs = st.fixed_dictionaries({"score": value})
    elif method == "binary":
        inputs = st.fixed_dictionaries({"done": st.booleans()})
    elif method == "graded":
        options = draw(st.dictionaries(st.sampled_from("abcd"), _dec("-5", "40"), min_size=1))
        leaf["params"] = {"options": options}
        inputs = st.fixed_dictionaries({"option": st.sampled_from(sorted(options))})
    elif method == "per_missing":
        leaf["params"] = {"aspects": ["x", "y", "z"], "deduct_each": draw(_dec("0", "10")),
                          "zero_if_none": draw(st.booleans())}
        inputs = st.fixed_dictionaries({"present": st.lists(st.sampled_from("xyzw"), unique=True)})
    elif method == "ratio":
        inputs = st.fixed_dictionaries({"num": _dec("0", "100"), "den": _dec("0", "100")})
    elif method == "rate_bands":
        mins = sorted(draw(st.lists(_dec("0", "100"), min_size=1, max_size=4, unique=True)), reverse=True)
        leaf["params"] = {"bands": [{"min": m, "points": draw(_dec("-5", "40"))} for m in mins]}
        inputs = st.fixed_dictionaries({"value": value})
    elif method == "event_deductions":
        leaf["params"] = {"events": {"late": draw(_dec("0", "5")), "red": draw(_dec("0", "10"))}}
        inputs = st.fixed_dictionaries({"counts": st.fixed_dictionaries(
            {}, optional={"late": st.integers(0, 20), "red": st.integers(0, 20)})})
    elif method == "indicator_shortfall":
        leaf["params"] = {"comparator": draw(st.sampled_from([">=", "<="])), "target": draw(value),
                          "step": draw(_dec("0.1", "10")), "points_per_step": draw(_dec("0", "5"))}
        inputs = st.fixed_dictionaries({"value": value})
    else:
        leaf["params"] = {"met": draw(_dec("0", "1")), "improved": draw(_dec("0", "1")),
                          "otherwise": draw(_dec("0", "1")), "about_band_pct": draw(_dec("0", "20"))}
        indicator = st.fixed_dictionaries(
            {"comparator": st.sampled_from([">=", "<=", "=", "about"]), "target": value, "value": value},
            optional={"baseline": value})
        inputs = st.fixed_dictionaries({"indicators": st.lists(indicator, max_size=4)})
    return leaf, inputs


@st.composite
def scheme_and_units(draw, *, with_events: bool = False) -> tuple[dict, dict]:
    n_leaves = draw(st.integers(1, 8))
    leaves, strategies = [], {}
    for k in range(n_leaves):
        leaf, inputs = draw(_leaf(f"L{k}"))
        leaves.append(leaf)
        strategies[leaf["code"]] = inputs
    if with_events:
        leaves.append({"code": "E", "title": "E", "max": draw(_dec("1", "30", 1)), "method": "event_deductions",
                       "params": {"events": {"late": draw(_dec("0", "5")), "red": draw(_dec("0", "10"))}}})
        strategies["E"] = st.fixed_dictionaries({"counts": st.fixed_dictionaries(
            {}, optional={"late": st.integers(0, 20), "red": st.integers(0, 20)})})
    split = draw(st.integers(1, len(leaves)))
    sections = [{"code": "S1", "title": "S1", "items": leaves[:split]}]
    if leaves[split:]:
        sections.append({"code": "S2", "title": "S2", "items": [{"code": "S2g", "title": "g", "items": leaves[split:]}]})
    scheme = {"id": "p", "title": "p", "max_total": draw(st.sampled_from([100, 120, Decimal("50.5")])),
              "grades": GRADES, "sections": sections,
              "bonus": {"cap": draw(_dec("0", "10", 1) | _dec("0", "10")), "items": {"b": {"points": draw(_dec("0", "5"))}}},
              "vetoes": [{"code": "V", "effect": {"force_grade": "不合格"}}],
              "follow_up": {"grades": ["不合格"], "bottom": 1, "min_group_size": 3, "action": "整改", "due_months": 1}}
    if with_events:
        scheme["grade_caps"] = [{"code": "C", "when": "E.counts.red >= 2", "effect": {"max_grade": "合格"}}]
    units = []
    for u in range(draw(st.integers(1, 8))):
        inputs = {}
        for code, strategy in strategies.items():
            inputs[code] = {"na": True} if draw(st.integers(0, 4)) == 0 else draw(strategy)
        units.append({"unit": f"U{u}", "group": draw(st.sampled_from(["g1", "g2"])), "inputs": inputs,
                      "bonus": {"b": draw(st.integers(0, 5))}, "vetoes": {"V": draw(st.integers(0, 5)) == 0}})
    return scheme, {"scheme": "p", "bulletin_date": "2026-12-31", "units": units}


def _leaf_maxima(node: dict, out: dict) -> dict:
    for child in node.get("items", []):
        _leaf_maxima(child, out)
    if "method" in node:
        out[node["code"]] = Decimal(node["max"])
    return out


@SETTINGS
@given(scheme_and_units())
def test_scores_stay_within_their_bounds(data):
    scheme, units = data
    result = assess(scheme, units)
    maxima: dict[str, Decimal] = {}
    for section in scheme["sections"]:
        _leaf_maxima(section, maxima)
    cap, max_total = Decimal(scheme["bonus"]["cap"]), Decimal(scheme["max_total"])
    for unit in result["units"]:
        for code, node in unit["nodes"].items():
            applicable = Decimal(node["applicable_max"])
            if node["score"] is None:
                assert code not in maxima or applicable == 0
                continue
            assert Decimal(0) <= Decimal(node["score"]) <= applicable
            if code in maxima:
                assert applicable == maxima[code]
        # Not-applicable rescaling never leaves [0, max_total]; nothing applicable → base 0.
        assert Decimal(0) <= Decimal(unit["base"]) <= max_total
        if Decimal(unit["applicable_max"]) == 0:
            assert unit["base"] == "0.00"
        assert Decimal(0) <= Decimal(unit["bonus"]) <= cap
        # total = round1(base + bonus) ≤ round1(max_total + cap), which is max_total + cap whenever both
        # are written with at most one decimal (a cap of 0.85 can round a total up to max_total + 0.9).
        assert Decimal(0) <= Decimal(unit["total"]) <= round1(max_total + cap)
        if cap == round1(cap) and max_total == round1(max_total):
            assert Decimal(unit["total"]) <= max_total + cap


@SETTINGS
@given(scheme_and_units(), st.data())
def test_ranks_follow_totals_within_each_group(data, draw):
    result = assess(*data)
    units = result["units"]
    for a in units:
        ahead = [b for b in units if b["group"] == a["group"]
                 and (bool(b["vetoes_applied"]), -Decimal(b["total"])) < (bool(a["vetoes_applied"]), -Decimal(a["total"]))]
        assert a["rank"] == 1 + len(ahead)  # competition ranking: 1, 2, 2, 4
        for b in units:
            if b["group"] == a["group"]:
                key_a = (bool(a["vetoes_applied"]), -Decimal(a["total"]))
                key_b = (bool(b["vetoes_applied"]), -Decimal(b["total"]))
                assert (key_a < key_b) == (a["rank"] < b["rank"]) or key_a == key_b
                assert (key_a == key_b) == (a["rank"] == b["rank"])


@SETTINGS
@given(scheme_and_units(with_events=True), st.data())
def test_one_more_counted_event_never_raises_a_score_or_a_grade(data, draw):
    scheme, units = data
    index = draw.draw(st.integers(0, len(units["units"]) - 1))
    event = draw.draw(st.sampled_from(["late", "red"]))
    more = copy.deepcopy(units)
    inputs = more["units"][index]["inputs"]
    if inputs["E"].get("na"):
        inputs["E"] = {"counts": {}}
        units = copy.deepcopy(more)
    inputs["E"]["counts"][event] = inputs["E"]["counts"].get(event, 0) + 1
    grades = [g["grade"] for g in GRADES]
    before, after = assess(scheme, units)["units"][index], assess(scheme, more)["units"][index]
    assert Decimal(after["nodes"]["E"]["score"]) <= Decimal(before["nodes"]["E"]["score"])
    assert Decimal(after["total"]) <= Decimal(before["total"])
    assert grades.index(after["grade"]) >= grades.index(before["grade"])


# --- fuzz: only the engine's own error, whatever the input ------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["sections", "items", "method", "judged", "code", "max", "na", "counts", "E.counts.red >= 2"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "title", "max_total", "grades", "sections", "items", "code", "max", "method",
                         "params", "applies_to", "bonus", "vetoes", "grade_caps", "follow_up", "scheme", "units",
                         "unit", "group", "inputs", "bulletin_date", "grade", "min", "cap", "when", "effect"])
        | st.text(max_size=5), children, max_size=5),
    max_leaves=30)
EXAMPLE_SCHEME = json.loads((FIXTURES / "example-scheme.json").read_text(encoding="utf-8"))
EXAMPLE_UNITS = json.loads((FIXTURES / "example-units.json").read_text(encoding="utf-8"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for k, child in enumerate(value):
            yield from _paths(child, (*prefix, k))


def _replace(document, path, new):
    if not path:
        return new
    document = copy.deepcopy(document)
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return document


def _only_engine_errors(fn, *args):
    try:
        fn(*args)
    except AssessmentError as exc:
        assert exc.message and "\n" not in exc.message


@SETTINGS
@given(JSON)
def test_arbitrary_json_as_a_scheme_or_units_file(value):
    _only_engine_errors(validate_scheme, value)
    _only_engine_errors(assess, EXAMPLE_SCHEME, value)


@SETTINGS
@given(st.data(), JSON)
def test_the_example_with_one_part_replaced(draw, new):
    path = draw.draw(st.sampled_from(list(_paths(EXAMPLE_SCHEME))))
    _only_engine_errors(assess, _replace(EXAMPLE_SCHEME, path, new), EXAMPLE_UNITS)
    path = draw.draw(st.sampled_from(list(_paths(EXAMPLE_UNITS))))
    _only_engine_errors(assess, EXAMPLE_SCHEME, _replace(EXAMPLE_UNITS, path, new))


@SETTINGS
@given(st.text(max_size=40) | st.from_regex(r"[A-Z0-9.]{1,4}\.counts\.[a-z_.]{0,6}[ \t]{0,2}>?=?[ \t]{0,2}[0-9]{0,12}",
                                             fullmatch=True) | JSON)
def test_the_condition_parser_never_crashes(text):
    try:
        condition = parse_when(text)
    except AssessmentError as exc:
        assert exc.message.startswith("条件")
    else:
        assert condition.threshold >= 0 and condition.leaf and condition.event


@SETTINGS
@given(st.text(max_size=60))
def test_arbitrary_text_as_a_file(text):
    _only_engine_errors(parse_json, text)


def test_the_condition_grammar():
    condition = parse_when("C1.counts.item_red >= 3")
    assert (condition.leaf, condition.event, condition.threshold) == ("C1", "item_red", 3)
    assert parse_when("甲.counts.a.b\t>=  10").event == "a.b"
    for bad in ("C1.counts.item_red > 3", "C1.count.red >= 3", "C1.counts.red>=3", "C1.counts.red >= -1",
                "C1.counts. >= 1", ".counts.red >= 1", "C1.counts.red >= 1 or 1", "C1.counts.red >= 1234567890",
                "__import__('os').counts.x >= 1 ", ""):
        try:
            parse_when(bad)
        except AssessmentError as exc:
            assert exc.message == f"条件“{bad}”无法解析，应为“评分项代码.counts.事件 >= 整数”"
        else:
            raise AssertionError(bad)
