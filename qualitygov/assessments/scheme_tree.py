"""The scheme document as an editable tree: find a node by code, build a node from the item form's
values, read a node back into form values, and the strict line parsers of the method parameters.

Pure functions on the exchange-format dict; the engine still validates the whole document when it is
saved (`services_tree`). Parsers raise `LineError` with one Chinese line naming the field and line.
Keys the arithmetic ignores that the editor writes: `description` (评分标准), `evidence` (true when
evidence files are required), `input` (who fills the leaf: self / auto / leader).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

#: Leaf keys the item form owns (a group keeps only code, title and an informative max).
LEAF_KEYS = ("method", "params", "applies_to", "evidence", "input", "description")
INPUTS = ("self", "auto", "leader")


class LineError(ValueError):
    """A form value that does not parse: `field` is the form field, `message` one Chinese line."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def find(data: dict[str, Any], code: str) -> tuple[list[dict[str, Any]], int, dict[str, Any] | None] | None:
    """(sibling list, index, parent node or None for a section) of the node `code`, or None."""

    def walk(siblings: list, parent: dict | None):
        for index, node in enumerate(siblings):
            if not isinstance(node, dict):
                continue
            if node.get("code") == code:
                return siblings, index, parent
            if isinstance(node.get("items"), list):
                found = walk(node["items"], node)
                if found:
                    return found
        return None

    sections = data.get("sections")
    return walk(sections, None) if isinstance(sections, list) else None


def number(text: str) -> int | float:
    """A JSON number for a decimal text: an int when whole, else a float of the same digits; InvalidOperation
    for text that is not a finite number below 10¹³."""
    value = Decimal(text)
    if not value.is_finite() or value.adjusted() > 12:
        raise InvalidOperation
    return int(value) if value == value.to_integral_value() else float(value)


def num_text(value: Any) -> str:
    """A stored number as plain decimal text ("" for None)."""
    return format(Decimal(str(value)).normalize(), "f") if value is not None else ""


def parse_pairs(field: str, label: str, text: str, *, left: str, right: str,
                non_negative: bool = False) -> list[tuple[str, int | float]]:
    """Lines "名称=数字" (全角＝ also accepted), blank lines skipped; names unique, at least one line."""
    return [(name, points) for _k, name, points in _pairs(field, label, text, left=left, right=right,
                                                          non_negative=non_negative)]


def _pairs(field: str, label: str, text: str, *, left: str, right: str,
           non_negative: bool = False) -> list[tuple[int, str, int | float]]:
    out: list[tuple[int, str, int | float]] = []
    for k, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        line = line.replace("＝", "=")
        if line.count("=") != 1:
            raise LineError(field, f"“{label}”第 {k} 行“{line}”应写成“{left}={right}”")
        name, value = (part.strip() for part in line.split("="))
        if not name:
            raise LineError(field, f"“{label}”第 {k} 行缺少{left}")
        try:
            points = number(value)
        except (InvalidOperation, ValueError):
            raise LineError(field, f"“{label}”第 {k} 行：{right}“{value}”不是数字") from None
        if non_negative and points < 0:
            raise LineError(field, f"“{label}”第 {k} 行：{right}“{value}”不能为负数")
        if any(name == seen for _line, seen, _points in out):
            raise LineError(field, f"“{label}”第 {k} 行：{left}“{name}”重复")
        out.append((k, name, points))
    if not out:
        raise LineError(field, f"请填写“{label}”，每行一项，写成“{left}={right}”")
    return out


def parse_lines(field: str, label: str, text: str) -> list[str]:
    """Non-blank lines, stripped, unique, at least one."""
    out: list[str] = []
    for k, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line in out:
            raise LineError(field, f"“{label}”第 {k} 行：“{line}”重复")
        out.append(line)
    if not out:
        raise LineError(field, f"请填写“{label}”，每行一项")
    return out


def required(field: str, label: str, value: Any) -> Any:
    if value is None or value == "":
        raise LineError(field, f"请填写“{label}”")
    return value


def number_field(field: str, label: str, value: Any) -> int | float:
    value = required(field, label, value)
    try:
        return number(str(value).strip())
    except (InvalidOperation, ValueError):
        raise LineError(field, f"“{label}”：“{value}”不是数字") from None


def params_from(method: str, values: dict[str, Any]) -> dict[str, Any] | None:
    """The leaf's `params` for `method` from the form's values (None: the method has none)."""
    if method == "graded":
        return {"options": dict(parse_pairs("options", "选项及分值", values.get("options") or "",
                                            left="选项", right="分值"))}
    if method == "per_missing":
        return {"aspects": parse_lines("aspects", "考核要点", values.get("aspects") or ""),
                "deduct_each": number_field("deduct_each", "每缺一项扣分", values.get("deduct_each")), "zero_if_none": bool(values.get("zero_if_none"))}
    if method == "rate_bands":
        bands = _pairs("bands", "分档", values.get("bands") or "", left="最低值", right="分值")
        out = []
        for k, low, points in bands:
            try:
                low_number = number(low)
            except (InvalidOperation, ValueError):
                raise LineError("bands", f"“分档”第 {k} 行：最低值“{low}”不是数字") from None
            out.append({"min": low_number, "points": points})
        return {"bands": out}
    if method == "event_deductions":
        return {"events": dict(parse_pairs("events", "扣分事件", values.get("events") or "",
                                           left="事件", right="每次扣分", non_negative=True))}
    if method == "indicator_shortfall":
        comparator = required("comparator", "比较方式", values.get("comparator"))
        return {"comparator": comparator,
                "target": number_field("target", "目标值", values.get("target")),
                "step": number_field("step", "每档差距", values.get("step")),
                "points_per_step": number_field("points_per_step", "每档扣分", values.get("points_per_step"))}
    if method == "share_indicators":
        out = {}
        labels = {"met": "达标得分比例", "improved": "改善得分比例", "otherwise": "其他得分比例",
                  "about_band_pct": "“左右”允许偏差（%）"}
        for key, label in labels.items():
            if values.get(key) is not None and values.get(key) != "":
                out[key] = number_field(key, label, values[key])
        return out or None
    return None


def node_from(values: dict[str, Any], *, old: dict[str, Any] | None, is_group: bool) -> dict[str, Any]:
    """The node the item form describes. `old` keeps keys the form does not own (an importer's
    `seq`, `owner`, … and a group's `items`); a group node gets no method (the format forbids it)."""
    node = dict(old or {})
    node["code"] = str(required("code", "代码", (values.get("code") or "").strip()))
    node["title"] = str(required("title", "名称", (values.get("title") or "").strip()))
    max_value = values.get("max")
    if max_value is None or max_value == "":
        if not is_group:
            raise LineError("max", "请填写“分值”")
        node.pop("max", None)
    else:
        node["max"] = number_field("max", "分值", max_value)
    if is_group:
        for key in LEAF_KEYS:
            node.pop(key, None)
        return node
    method = str(required("method", "评分方法", values.get("method")))
    node["method"] = method
    params = params_from(method, values)
    if params is None:
        node.pop("params", None)
    else:
        node["params"] = params
    applies = [g for g in values.get("applies_to") or [] if g]
    if applies:
        node["applies_to"] = applies
    else:
        node.pop("applies_to", None)
    if values.get("evidence"):
        node["evidence"] = True
    else:
        node.pop("evidence", None)
    if values.get("input") in INPUTS:
        node["input"] = values["input"]
    else:
        node.pop("input", None)
    description = (values.get("description") or "").strip()
    if description:
        node["description"] = description
    else:
        node.pop("description", None)
    return node


def values_of(node: dict[str, Any]) -> dict[str, Any]:
    """The item form's initial values for a stored node (the inverse of `node_from`)."""
    params = node.get("params") or {}
    values: dict[str, Any] = {
        "code": node.get("code", ""), "title": node.get("title", ""), "max": num_text(node.get("max")),
        "method": node.get("method", ""), "applies_to": list(node.get("applies_to") or []),
        "evidence": bool(node.get("evidence")), "input": node.get("input", ""),
        "description": node.get("description", "")}
    method = node.get("method")
    if method == "graded":
        values["options"] = "\n".join(f"{k}={num_text(v)}" for k, v in (params.get("options") or {}).items())
    elif method == "per_missing":
        values["aspects"] = "\n".join(params.get("aspects") or [])
        values["deduct_each"] = num_text(params.get("deduct_each"))
        values["zero_if_none"] = bool(params.get("zero_if_none"))
    elif method == "rate_bands":
        values["bands"] = "\n".join(f"{num_text(b.get('min'))}={num_text(b.get('points'))}"
                                    for b in params.get("bands") or [])
    elif method == "event_deductions":
        values["events"] = "\n".join(f"{k}={num_text(v)}" for k, v in (params.get("events") or {}).items())
    elif method == "indicator_shortfall":
        values.update({"comparator": params.get("comparator", ""), "target": num_text(params.get("target")),
                       "step": num_text(params.get("step")),
                       "points_per_step": num_text(params.get("points_per_step"))})
    elif method == "share_indicators":
        values.update({key: num_text(params.get(key)) for key in ("met", "improved", "otherwise", "about_band_pct")})
    return values


def parse_grades(text: str) -> list[dict[str, Any]]:
    """Lines "等次=最低分", the last may leave the minimum blank (“不合格=” or “不合格”)."""
    out: list[dict[str, Any]] = []
    lines = [(k, raw.strip().replace("＝", "=")) for k, raw in enumerate(text.splitlines(), 1) if raw.strip()]
    for k, line in lines:
        name, _sep, value = (part.strip() for part in line.partition("="))
        if not name:
            raise LineError("grades", f"“等次”第 {k} 行缺少等次名称")
        if any(g["grade"] == name for g in out):
            raise LineError("grades", f"“等次”第 {k} 行：等次“{name}”重复")
        if not value:
            if (k, line) != lines[-1]:
                raise LineError("grades", f"“等次”第 {k} 行缺少最低分（只有最后一个等次可以不填）")
            out.append({"grade": name, "min": None})
            continue
        try:
            out.append({"grade": name, "min": number(value)})
        except (InvalidOperation, ValueError):
            raise LineError("grades", f"“等次”第 {k} 行：最低分“{value}”不是数字") from None
    if not out:
        raise LineError("grades", "请填写“等次”，每行一个，写成“等次=最低分”")
    return out


def grades_text(grades: list[dict[str, Any]]) -> str:
    return "\n".join(f"{g.get('grade')}={num_text(g.get('min'))}" for g in grades)
