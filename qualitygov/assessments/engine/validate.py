"""Scheme and units files: JSON Schema first, then the checks the schema cannot express.

`validate_scheme(data)` → `Scheme`; `validate_units(scheme, data)` → `UnitsFile`. Both raise only
AssessmentError, whose message is one Chinese line naming the item code, grade, unit or JSON path.
Semantic checks: unique node, veto and cap codes and grade names; grades highest first with a
catch-all last; known grades in vetoes, caps and follow-up; `applies_to` groups; params per method;
`when` conditions naming an `event_deductions` leaf and one of its events; units naming known
leaves, groups, bonus items and vetoes, once each.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from .decimals import ZERO, to_decimal
from .errors import AssessmentError
from .expr import parse_when
from .methods import check_params
from .model import FollowUp, Grade, GradeCap, Group, Leaf, Scheme, UnitInput, UnitsFile, Veto

_LISTS = {"vetoes": "否决项", "grade_caps": "等次上限"}
_TYPES = {"object": "对象", "array": "列表", "string": "文本", "number": "数字", "integer": "整数",
          "boolean": "true 或 false", "null": "null"}


@lru_cache(maxsize=2)
def _validator(name: str) -> jsonschema.Draft202012Validator:
    text = resources.files("qualitygov.assessments.schemas").joinpath(name).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


# --- JSON Schema errors in Chinese ----------------------------------------------------------------


def _path(parts: list) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _place(document: Any, parts: list, *, units: bool) -> str:
    """Where `parts` points, named by the deepest node code (scheme) or unit name (units) on the way."""
    named, rest, node = None, list(parts), document
    for i, part in enumerate(parts):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(part, int):
            key = node.get("unit" if units else "code")
            if isinstance(key, str) and key:
                if units and parts[:i] == ["units"]:
                    named, rest = f"单位“{key}”", list(parts[i + 1:])
                elif not units and i > 0 and parts[i - 1] in ("sections", "items"):
                    named, rest = f"节点“{key}”", list(parts[i + 1:])
                elif not units and parts[:i] in (["vetoes"], ["grade_caps"]):
                    named, rest = f"{_LISTS[parts[0]]}“{key}”", list(parts[i + 1:])
        if not units and parts[:2] == ["bonus", "items"] and i == 2 and isinstance(part, str):
            named, rest = f"加分项“{part}”", list(parts[i + 1:])
    if named is None:
        return _path(parts)
    return f"{named}的 {_path(rest)}" if rest else named


def _pick(error: ValidationError) -> ValidationError:
    """For a node's oneOf (group or leaf), the error of the branch the node was meant to be."""
    while error.validator == "oneOf" and isinstance(error.instance, dict) and error.context:
        branch = 1 if "method" in error.instance or "items" not in error.instance else 0
        if "method" in error.instance and "items" in error.instance:
            return error
        sub = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == branch]
        if not sub:
            return error
        error = sub[0]
    return error


def _what(error: ValidationError) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = next((k for k in value if isinstance(instance, dict) and k not in instance), value[0])
        return f"缺少必填项 {missing}"
    if kind == "type":
        kinds = value if isinstance(value, list) else [value]
        return "应为" + "或".join(_TYPES.get(k, k) for k in kinds)
    if kind == "enum":
        return f"取值“{instance}”无效，应为 {'、'.join(str(v) for v in value)} 之一"
    if kind in ("minItems", "minLength", "minProperties"):
        return "不能为空"
    if kind == "minimum":
        return f"不能小于 {value}"
    if kind == "pattern":
        if error.absolute_path and error.absolute_path[-1] == "bulletin_date":
            return f"“{instance}”应为 YYYY-MM-DD 格式的日期"
        if error.absolute_path and error.absolute_path[-1] == "when":
            return f"条件“{instance}”无法解析，应为“评分项代码.counts.事件 >= 整数”"
        return f"“{instance}”格式不正确"
    if kind == "oneOf":
        if isinstance(instance, dict) and "method" in instance and "items" in instance:
            return "不能同时含 items（分组）和 method（评分项）"
        return "应为分组（含 code、title、items）或评分项（含 code、title、max、method）"
    if kind == "not":
        return "不能同时含 items（分组）和 method（评分项）"
    return "不符合交换格式"  # pragma: no cover - the schemas use only the keywords above


def _schema_check(name: str, data: Any, label: str) -> None:
    try:
        error = next(iter(_validator(name).iter_errors(data)), None)
    except RecursionError:
        raise AssessmentError(f"{label}结构嵌套过深") from None
    if error is None:
        return
    error = _pick(error)
    place = _place(data, list(error.absolute_path), units=name.endswith("units.schema.json"))
    raise AssessmentError(_join(label, place, _what(error)))


def _join(label: str, place: str, what: str) -> str:
    """“评分细则中节点“A2”的 max 应为数字”, “评分细则缺少必填项 id”."""
    if not place:
        return f"{label}{what}"
    before = " " if place[0].isascii() else ""
    after = " " if place[-1].isascii() else ""
    return f"{label}中{before}{place}{after}{what}"


# --- scheme ---------------------------------------------------------------------------------------


def validate_scheme(data: Any) -> Scheme:
    """The checked scheme; AssessmentError (one Chinese line) on the first problem found."""
    _schema_check("assessment-scheme.schema.json", data, "评分细则")
    max_total = to_decimal(data["max_total"], "评分细则的 max_total")
    if max_total <= 0:
        raise AssessmentError("评分细则的 max_total 应大于 0")
    grades = _grades(data["grades"])
    names = {g.grade for g in grades}
    groups = tuple(data["groups"]) if "groups" in data else None
    if groups is not None and len(set(groups)) != len(groups):
        dup = next(g for i, g in enumerate(groups) if g in groups[:i])
        raise AssessmentError(f"评分细则的 groups 中组别“{dup}”重复")

    leaves: dict[str, Leaf] = {}
    seen: dict[str, str] = {}

    def node(raw: dict, path: str) -> Leaf | Group:
        code = raw["code"]
        if code in seen:
            raise AssessmentError(f"节点代码“{code}”重复（{seen[code]} 与 {path}）")
        seen[code] = path
        if "items" in raw:
            return Group(code, raw["title"], tuple(node(c, f"{path}.items[{k}]") for k, c in enumerate(raw["items"])))
        leaf_max = to_decimal(raw["max"], f"评分项“{code}”的 max")
        if leaf_max <= 0:
            raise AssessmentError(f"评分项“{code}”的 max 应大于 0")
        applies = raw.get("applies_to")
        if applies is not None and groups is not None:
            for group in applies:
                if group not in groups:
                    raise AssessmentError(f"评分项“{code}”：applies_to 中的组别“{group}”不在评分细则的 groups 中")
        leaf = Leaf(code, raw["title"], leaf_max, raw["method"], check_params(code, raw["method"], raw.get("params")),
                    None if applies is None else frozenset(applies))
        leaves[code] = leaf
        return leaf

    sections = tuple(node(s, f"sections[{k}]") for k, s in enumerate(data["sections"]))

    bonus_cap, bonus_items = ZERO, {}
    if "bonus" in data:
        bonus_cap = to_decimal(data["bonus"]["cap"], "加分的 cap")
        if bonus_cap < 0:
            raise AssessmentError("加分的 cap 不能为负数")
        for key, item in data["bonus"]["items"].items():
            bonus_items[key] = to_decimal(item["points"], f"加分项“{key}”的 points")
            if bonus_items[key] < 0:
                raise AssessmentError(f"加分项“{key}”的 points 不能为负数")

    vetoes = []
    for raw in data.get("vetoes", []):
        code, grade = raw["code"], raw["effect"]["force_grade"]
        if any(v.code == code for v in vetoes):
            raise AssessmentError(f"否决项代码“{code}”重复")
        if grade not in names:
            raise AssessmentError(f"否决项“{code}”：force_grade“{grade}”不是评分细则中的等次")
        vetoes.append(Veto(code, grade))

    caps = []
    for raw in data.get("grade_caps", []):
        code, grade = raw["code"], raw["effect"]["max_grade"]
        if any(c.code == code for c in caps):
            raise AssessmentError(f"等次上限代码“{code}”重复")
        if grade not in names:
            raise AssessmentError(f"等次上限“{code}”：max_grade“{grade}”不是评分细则中的等次")
        try:
            condition = parse_when(raw["when"])
        except AssessmentError as exc:
            raise AssessmentError(f"等次上限“{code}”：{exc.message}") from None
        target = leaves.get(condition.leaf)
        if target is None:
            raise AssessmentError(f"等次上限“{code}”：条件引用的评分项“{condition.leaf}”不存在")
        if target.method != "event_deductions":
            raise AssessmentError(f"等次上限“{code}”：条件引用的评分项“{condition.leaf}”不是 event_deductions 方法")
        if condition.event not in target.params["events"]:
            raise AssessmentError(
                f"等次上限“{code}”：条件引用的事件“{condition.event}”不在评分项“{condition.leaf}”的 params.events 中")
        caps.append(GradeCap(code, condition, grade))

    follow_up = None
    if "follow_up" in data:
        raw = data["follow_up"]
        for grade in raw.get("grades", []):
            if grade not in names:
                raise AssessmentError(f"follow_up.grades：“{grade}”不是评分细则中的等次")
        bottom = raw.get("bottom")
        follow_up = FollowUp(frozenset(raw.get("grades", [])), None if bottom is None else int(bottom),
                             int(raw.get("min_group_size", 0)), raw["action"], int(raw["due_months"]))
        if follow_up.due_months > 1200:
            raise AssessmentError("follow_up.due_months 不能大于 1200")

    return Scheme(id=data["id"], title=data["title"], max_total=max_total, grades=grades, groups=groups,
                  sections=sections, leaves=leaves, codes=frozenset(seen), bonus_cap=bonus_cap,
                  bonus_items=bonus_items, vetoes=tuple(vetoes), grade_caps=tuple(caps), follow_up=follow_up)


def _grades(raw: list[dict]) -> tuple[Grade, ...]:
    grades: list[Grade] = []
    for item in raw:
        name = item["grade"]
        if any(g.grade == name for g in grades):
            raise AssessmentError(f"等次“{name}”重复")
        low = None if item["min"] is None else to_decimal(item["min"], f"等次“{name}”的 min")
        if grades and grades[-1].min is None:
            raise AssessmentError(f"等次“{grades[-1].grade}”的 min 为 null，只能是最后一个等次")
        if low is not None and grades and low >= grades[-1].min:  # type: ignore[operator]
            raise AssessmentError(
                f"等次应从高到低排列：“{name}”的 min（{item['min']}）不低于上一等次“{grades[-1].grade}”的 min")
        grades.append(Grade(name, low))
    last = grades[-1]
    if last.min is not None and last.min > 0:
        raise AssessmentError(f"最后一个等次“{last.grade}”的 min 应为 null 或不大于 0，否则低分单位没有等次")
    return tuple(grades)


# --- units ----------------------------------------------------------------------------------------


def validate_units(scheme: Scheme, data: Any) -> UnitsFile:
    """The checked units file for `scheme` (leaf inputs are checked per method when scored)."""
    _schema_check("assessment-units.schema.json", data, "考核数据")
    if data["scheme"] != scheme.id:
        raise AssessmentError(f"考核数据属于评分细则“{data['scheme']}”，与所给评分细则“{scheme.id}”不符")
    try:
        bulletin = datetime.date.fromisoformat(data["bulletin_date"])
    except ValueError:
        raise AssessmentError(f"考核数据的 bulletin_date“{data['bulletin_date']}”不是有效日期") from None
    units, names = [], set()
    for raw in data["units"]:
        name, group = raw["unit"], raw["group"]
        if name in names:
            raise AssessmentError(f"单位“{name}”重复")
        names.add(name)
        if scheme.groups is not None and group not in scheme.groups:
            raise AssessmentError(f"单位“{name}”：组别“{group}”不在评分细则的 groups 中")
        for code, inp in raw["inputs"].items():
            if code not in scheme.leaves:
                if code in scheme.codes:
                    raise AssessmentError(f"单位“{name}”：“{code}”是分组，只能为评分项填写考核数据")
                raise AssessmentError(f"单位“{name}”：评分项“{code}”不存在")
            if "na" in inp and not isinstance(inp["na"], bool):
                raise AssessmentError(f"单位“{name}”：评分项“{code}”的 na 应为 true 或 false")
        bonus: dict[str, Decimal] = {}
        for key, count in raw.get("bonus", {}).items():
            if key not in scheme.bonus_items:
                raise AssessmentError(f"单位“{name}”：加分项“{key}”不存在")
            bonus[key] = to_decimal(count, f"单位“{name}”：加分项“{key}”的次数")
        vetoes = raw.get("vetoes", {})
        for code in vetoes:
            if not any(v.code == code for v in scheme.vetoes):
                raise AssessmentError(f"单位“{name}”：否决项“{code}”不存在")
        units.append(UnitInput(name, group, dict(raw["inputs"]), bonus, dict(vetoes)))
    return UnitsFile(scheme=data["scheme"], year=data.get("year"), bulletin_date=bulletin, units=tuple(units))
