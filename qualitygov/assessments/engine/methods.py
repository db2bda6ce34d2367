"""The nine leaf methods: checking a leaf's `params` and computing its raw score from an input.

`check_params(code, method, params)` returns the params converted to Decimal (defaults filled in) or
raises AssessmentError naming the leaf. `raw_score(leaf, inp, unit)` returns the raw score (not yet
clamped or rounded) or None when the input makes the leaf not applicable (`ratio` with den 0,
`share_indicators` with an empty list). `inp` is the unit's input for the leaf, or None when the
unit has none (an error except for `event_deductions`); `{"na": true}` is handled by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from .decimals import CONTEXT, ZERO, to_decimal
from .errors import AssessmentError
from .model import Leaf

METHODS = ("judged", "binary", "graded", "per_missing", "ratio", "rate_bands", "event_deductions",
           "indicator_shortfall", "share_indicators")
SHARE_COMPARATORS = (">=", "<=", "=", "about")


# --- params ---------------------------------------------------------------------------------------


def check_params(code: str, method: str, params: object) -> dict[str, Any]:
    """The leaf's params checked for its method, numbers as Decimal."""
    where = f"评分项“{code}”（{method}）"
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise AssessmentError(f"{where}：params 应为对象")
    return _PARAMS[method](where, params)


def _param_number(where: str, params: dict, key: str, *, default: Decimal | None = None,
                  positive: bool = False, non_negative: bool = False) -> Decimal:
    if key not in params:
        if default is None:
            raise AssessmentError(f"{where}：缺少参数 params.{key}")
        return default
    value = to_decimal(params[key], f"{where}：params.{key}")
    if positive and value <= 0:
        raise AssessmentError(f"{where}：params.{key} 应大于 0")
    if non_negative and value < 0:
        raise AssessmentError(f"{where}：params.{key} 不能为负数")
    return value


def _no_params(where: str, params: dict) -> dict[str, Any]:
    return {}


def _graded_params(where: str, params: dict) -> dict[str, Any]:
    options = params.get("options")
    if not isinstance(options, dict) or not options:
        raise AssessmentError(f"{where}：params.options 应为非空对象（选项 → 分值）")
    return {"options": {key: to_decimal(value, f"{where}：params.options.{key}") for key, value in options.items()}}


def _per_missing_params(where: str, params: dict) -> dict[str, Any]:
    aspects = params.get("aspects")
    if not isinstance(aspects, list) or not aspects or not all(isinstance(a, str) for a in aspects):
        raise AssessmentError(f"{where}：params.aspects 应为非空的文本列表")
    seen: set[str] = set()
    for aspect in aspects:
        if aspect in seen:
            raise AssessmentError(f"{where}：params.aspects 中“{aspect}”重复")
        seen.add(aspect)
    zero_if_none = params.get("zero_if_none", False)
    if not isinstance(zero_if_none, bool):
        raise AssessmentError(f"{where}：params.zero_if_none 应为 true 或 false")
    return {"aspects": tuple(aspects), "zero_if_none": zero_if_none,
            "deduct_each": _param_number(where, params, "deduct_each", non_negative=True)}


def _rate_bands_params(where: str, params: dict) -> dict[str, Any]:
    bands = params.get("bands")
    if not isinstance(bands, list) or not bands or not all(
            isinstance(b, dict) and "min" in b and "points" in b for b in bands):
        raise AssessmentError(f"{where}：params.bands 应为非空列表，每项含 min 和 points")
    out = []
    for k, band in enumerate(bands, 1):
        low = to_decimal(band["min"], f"{where}：params.bands 第 {k} 项的 min")
        points = to_decimal(band["points"], f"{where}：params.bands 第 {k} 项的 points")
        if out and low >= out[-1][0]:
            raise AssessmentError(f"{where}：params.bands 应按 min 从高到低排列（第 {k} 项的 min 不低于上一项）")
        out.append((low, points))
    return {"bands": tuple(out)}


def _event_params(where: str, params: dict) -> dict[str, Any]:
    events = params.get("events")
    if not isinstance(events, dict) or not events:
        raise AssessmentError(f"{where}：params.events 应为非空对象（事件 → 每次扣分）")
    out = {}
    for event, points in events.items():
        out[event] = to_decimal(points, f"{where}：params.events.{event}")
        if out[event] < 0:
            raise AssessmentError(f"{where}：params.events.{event} 不能为负数")
    return {"events": out}


def _shortfall_params(where: str, params: dict) -> dict[str, Any]:
    comparator = params.get("comparator")
    if comparator not in (">=", "<="):
        raise AssessmentError(f"{where}：params.comparator 应为 \">=\" 或 \"<=\"")
    return {"comparator": comparator, "target": _param_number(where, params, "target"),
            "step": _param_number(where, params, "step", positive=True),
            "points_per_step": _param_number(where, params, "points_per_step", non_negative=True)}


def _share_params(where: str, params: dict) -> dict[str, Any]:
    band = params.get("about_band_pct")
    return {"met": _param_number(where, params, "met", default=Decimal(1)),
            "improved": _param_number(where, params, "improved", default=ZERO),
            "otherwise": _param_number(where, params, "otherwise", default=ZERO),
            "about_band_pct": None if band is None else _param_number(where, params, "about_band_pct",
                                                                      non_negative=True)}


_PARAMS: dict[str, Callable[[str, dict], dict[str, Any]]] = {
    "judged": _no_params, "binary": _no_params, "graded": _graded_params, "per_missing": _per_missing_params,
    "ratio": _no_params, "rate_bands": _rate_bands_params, "event_deductions": _event_params,
    "indicator_shortfall": _shortfall_params, "share_indicators": _share_params,
}


# --- inputs ---------------------------------------------------------------------------------------


def raw_score(leaf: Leaf, inp: dict | None, unit: str) -> Decimal | None:
    """Raw score of an applicable leaf for one unit (None: not applicable after all)."""
    where = f"单位“{unit}”：评分项“{leaf.code}”（{leaf.method}）"
    if inp is None and leaf.method != "event_deductions":
        raise AssessmentError(f"单位“{unit}”：缺少评分项“{leaf.code}”的考核数据")
    with localcontext(CONTEXT):
        return _RAW[leaf.method](leaf, inp or {}, where)


def _input_number(inp: dict, key: str, where: str) -> Decimal:
    if key not in inp:
        raise AssessmentError(f"{where}：缺少 {key}")
    return to_decimal(inp[key], f"{where}：{key}")


def _judged(leaf: Leaf, inp: dict, where: str) -> Decimal:
    return _input_number(inp, "score", where)


def _binary(leaf: Leaf, inp: dict, where: str) -> Decimal:
    done = inp.get("done")
    if not isinstance(done, bool):
        raise AssessmentError(f"{where}：done 应为 true 或 false")
    return leaf.max if done else ZERO


def _graded(leaf: Leaf, inp: dict, where: str) -> Decimal:
    options = leaf.params["options"]
    option = inp.get("option")
    if not isinstance(option, str) or option not in options:
        shown = option if isinstance(option, str) else "（未填写）" if option is None else str(option)
        raise AssessmentError(f"{where}：选项“{shown}”不在 params.options 中（可选：{'、'.join(options)}）")
    return options[option]


def _per_missing(leaf: Leaf, inp: dict, where: str) -> Decimal:
    present = inp.get("present")
    if not isinstance(present, list) or not all(isinstance(a, str) for a in present):
        raise AssessmentError(f"{where}：present 应为文本列表")
    aspects = leaf.params["aspects"]
    found = set(present) & set(aspects)
    if not found and leaf.params["zero_if_none"]:
        return ZERO
    return leaf.max - leaf.params["deduct_each"] * (len(aspects) - len(found))


def _ratio(leaf: Leaf, inp: dict, where: str) -> Decimal | None:
    num = _input_number(inp, "num", where)
    den = _input_number(inp, "den", where)
    if num < 0 or den < 0:
        raise AssessmentError(f"{where}：num 和 den 不能为负数")
    if den == 0:
        return None
    return leaf.max * num / den


def _rate_bands(leaf: Leaf, inp: dict, where: str) -> Decimal:
    value = _input_number(inp, "value", where)
    for low, points in leaf.params["bands"]:
        if low <= value:
            return points
    return ZERO


def event_counts(leaf: Leaf, inp: dict | None, unit: str) -> dict[str, int]:
    """The checked `counts` of a unit's `event_deductions` input (empty without input)."""
    return _counts(leaf, inp, f"单位“{unit}”：评分项“{leaf.code}”（{leaf.method}）")


def _counts(leaf: Leaf, inp: dict | None, where: str) -> dict[str, int]:
    counts = (inp or {}).get("counts", {})
    if not isinstance(counts, dict):
        raise AssessmentError(f"{where}：counts 应为对象（事件 → 次数）")
    out = {}
    for event, n in counts.items():
        if event not in leaf.params["events"]:
            raise AssessmentError(f"{where}：事件“{event}”不在 params.events 中")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0 or n > 10**9:
            raise AssessmentError(f"{where}：事件“{event}”的次数应为非负整数")
        out[event] = n
    return out


def _event_deductions(leaf: Leaf, inp: dict, where: str) -> Decimal:
    counts = _counts(leaf, inp, where)
    events = leaf.params["events"]
    return leaf.max - sum((events[e] * n for e, n in counts.items()), ZERO)


def _indicator_shortfall(leaf: Leaf, inp: dict, where: str) -> Decimal:
    value = _input_number(inp, "value", where)
    p = leaf.params
    shortfall = p["target"] - value if p["comparator"] == ">=" else value - p["target"]
    if shortfall <= 0:
        return leaf.max
    steps = (shortfall / p["step"]).to_integral_value(rounding=ROUND_CEILING)
    return leaf.max - p["points_per_step"] * steps


def _share_indicators(leaf: Leaf, inp: dict, where: str) -> Decimal | None:
    indicators = inp.get("indicators")
    if not isinstance(indicators, list):
        raise AssessmentError(f"{where}：indicators 应为列表")
    if not indicators:
        return None
    p = leaf.params
    weights = ZERO
    for k, ind in enumerate(indicators, 1):
        at = f"{where}：第 {k} 个指标"
        if not isinstance(ind, dict):
            raise AssessmentError(f"{at}应为对象")
        comparator = ind.get("comparator")
        if comparator not in SHARE_COMPARATORS:
            raise AssessmentError(f"{at}的 comparator 应为 >=、<=、= 或 about")
        target = _input_number(ind, "target", at + "的")
        value = _input_number(ind, "value", at + "的")
        baseline = None if ind.get("baseline") is None else to_decimal(ind["baseline"], f"{at}的 baseline")
        if comparator == "about" and p["about_band_pct"] is None:
            raise AssessmentError(f"{at}为 about，但评分细则未设置 params.about_band_pct")
        if _met(comparator, target, baseline, value, p["about_band_pct"]):
            weights += p["met"]
        elif baseline is not None and _improved(comparator, target, baseline, value):
            weights += p["improved"]
        else:
            weights += p["otherwise"]
    # Σ (max / n) × weight_i, written with one division so terminating results stay exact.
    return leaf.max * weights / len(indicators)


def _met(comparator: str, target: Decimal, baseline: Decimal | None, value: Decimal,
         band_pct: Decimal | None) -> bool:
    if comparator == ">=":
        return value >= target
    if comparator == "<=":
        return value <= target
    if comparator == "=":
        return value >= target if baseline is None or baseline <= target else value <= target
    assert band_pct is not None
    return abs(value - target) <= abs(target) * band_pct / 100


def _improved(comparator: str, target: Decimal, baseline: Decimal, value: Decimal) -> bool:
    if comparator == "about":
        return abs(value - target) < abs(baseline - target)
    return value != baseline and _sign(value - baseline) == _sign(target - baseline)


def _sign(x: Decimal) -> int:
    return (x > 0) - (x < 0)


_RAW: dict[str, Callable[[Leaf, dict, str], Decimal | None]] = {
    "judged": _judged, "binary": _binary, "graded": _graded, "per_missing": _per_missing, "ratio": _ratio,
    "rate_bands": _rate_bands, "event_deductions": _event_deductions,
    "indicator_shortfall": _indicator_shortfall, "share_indicators": _share_indicators,
}
