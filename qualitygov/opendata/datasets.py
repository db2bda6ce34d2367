"""The open-data datasets: stable field names, their Chinese descriptions, and the rows, read ONLY from
`portal`'s published items (state published, content = the current masked version).

Each dataset declares its fields once (`Field`): the JSON keys and CSV columns in this order, the
OpenAPI document's schema and the data dictionary page are all made from the declaration, so they
cannot drift apart. Field names never change within `/api/open/v1/`; a new field may be added at the
end, a removal or a change of meaning needs `/v2/`.

The descriptions are fixed Chinese, like the spreadsheet headers of ADR 0005: they are the published
specification of the data, which other systems read, not part of the interface a user switches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qualitygov.portal.models import PublishedItem, PublishedVersion

from .filters import Criteria

#: Kinds the portal defines itself; every other kind is a register entry or a sampling result.
INDICATOR, TASK_GROUP = "indicator", "taskgroup"
OWN_KINDS = {"plan", INDICATOR, TASK_GROUP, "bulletin", "assessment"}
LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "暂无数据"}


@dataclass(frozen=True)
class Field:
    """One field of a dataset: its stable name, type (OpenAPI: string, integer, number, boolean, date,
    date-time, array, object) and Chinese description."""

    name: str
    type: str
    description: str
    example: Any = None


def _f(name: str, type_: str, description: str, example: Any = None) -> Field:
    return Field(name, type_, description, example)


NUMBER_NOTE = "十进制数，以字符串表示以保留原有精度"
ITEM_TAIL = [
    _f("version", "integer", "版本号：首次发布为 1，每次修订加 1；撤回后再发布时继续累加", 1),
    _f("published_at", "date-time", "首次公开的时间（北京时间，ISO 8601）"),
    _f("updated_at", "date-time", "最近一次发布或修订的时间（北京时间，ISO 8601）"),
    _f("url", "string", "公开网站上该记录页面的地址（本站路径，如 /public/p/indicator-i1/）"),
]

ITEM_FIELDS = [
    _f("id", "string", "记录的稳定标识（公开地址的一部分），发布后不变", "indicator-i1"),
    _f("kind", "string", "数据类别：indicator 指标、taskgroup 任务组、bulletin 进展通报、assessment 考核结果、"
       "plan 实施方案，以及各登记事项（质量奖、品字标、标准、抽检结果等）的类别", "indicator"),
    _f("title", "string", "标题"),
    _f("period", "string", "所属期间的名称（如 2026年第一季度）；没有期间时为空", "2026年第一季度"),
    _f("period_start", "date", "所属期间的第一天；没有期间时为 null"),
    _f("period_end", "date", "所属期间的最后一天；没有期间时为 null"),
    _f("town", "string", "所属镇（街道）；全区性记录为空"),
    _f("category", "string", "分类（指标为指标属性，通报为通报类型，登记事项为其类别）"),
    *ITEM_TAIL,
]
ITEM_DATA = _f("data", "object", "公开内容：发布时的快照，已按个人信息保护规则脱敏（不含投诉人姓名、电话、身份证号、"
               "个人住址等）")

INDICATOR_FIELDS = [
    _f("id", "string", "指标的稳定标识（公开地址的一部分）", "indicator-i1"),
    _f("code", "string", "指标编号", "I1"),
    _f("name", "string", "指标名称"),
    _f("unit", "string", "计量单位", "%"),
    _f("category", "string", "指标属性（约束性、预期性等）"),
    _f("comparator", "string", "目标的比较方式（>= 不低于、<= 不高于、= 等于、increase 增长等）", ">="),
    _f("comparator_label", "string", "比较方式的中文说明"),
    _f("target_value", "string", "目标值（" + NUMBER_NOTE + "）", "98.5"),
    _f("target_year", "integer", "目标年份", 2027),
    _f("baseline_year", "integer", "基期年份"),
    _f("baseline_value", "string", "基期值（" + NUMBER_NOTE + "）"),
    _f("frequency", "string", "报送频次（按月、按季度、按年等）"),
    _f("data_source", "string", "数据来源"),
    _f("definition", "string", "指标定义与口径"),
    _f("responsible_units", "array", "责任单位（牵头单位）"),
    _f("plan", "string", "所属实施方案"),
    _f("task", "string", "所属任务（编号与标题）"),
    _f("latest_period", "string", "最近一个已公开数值的期间"),
    _f("latest_value", "string", "最近一个已公开的数值（" + NUMBER_NOTE + "）"),
    _f("last_update", "date", "最近一个数值审核通过的日期"),
    _f("retired", "boolean", "指标是否已停用"),
    *ITEM_TAIL,
]

VALUE_FIELDS = [
    _f("indicator", "string", "指标的稳定标识（同 indicators 的 id）", "indicator-i1"),
    _f("indicator_code", "string", "指标编号", "I1"),
    _f("indicator_name", "string", "指标名称"),
    _f("period", "string", "数值所属期间", "2026年第一季度"),
    _f("period_start", "date", "期间的第一天"),
    _f("period_end", "date", "期间的最后一天"),
    _f("value", "string", "全区数值：各单位已审核数值按指标的汇总方式合计或平均（" + NUMBER_NOTE + "）", "98.5"),
    _f("unit", "string", "计量单位", "%"),
    _f("approved_on", "date", "该期间数值审核通过的日期"),
    _f("category", "string", "指标属性"),
    _f("version", "integer", "所属指标公开记录的版本号"),
    _f("updated_at", "date-time", "所属指标最近一次发布或修订的时间"),
]

TARGET_FIELDS = [
    _f("indicator", "string", "指标的稳定标识（同 indicators 的 id）", "indicator-i1"),
    _f("indicator_code", "string", "指标编号", "I1"),
    _f("indicator_name", "string", "指标名称"),
    _f("year", "integer", "目标年份", 2026),
    _f("value", "string", "该年的目标值（" + NUMBER_NOTE + "）", "97"),
    _f("unit", "string", "计量单位", "%"),
    _f("comparator", "string", "目标的比较方式", ">="),
    _f("final", "boolean", "是否为方案期末的最终目标"),
    _f("category", "string", "指标属性"),
    _f("version", "integer", "所属指标公开记录的版本号"),
    _f("updated_at", "date-time", "所属指标最近一次发布或修订的时间"),
]

TASK_FIELDS = [
    _f("group", "string", "所属任务组的稳定标识", "tasks-1"),
    _f("group_number", "string", "任务组编号"),
    _f("group_title", "string", "任务组标题"),
    _f("number", "string", "任务编号", "1"),
    _f("title", "string", "任务标题"),
    _f("lead_units", "array", "牵头单位"),
    _f("co_units", "array", "配合单位"),
    _f("time_limit", "string", "完成时限"),
    _f("light", "string", "推进状态灯：green 绿灯（按序时推进）、yellow 黄灯（滞后）、red 红灯（严重滞后）、"
       "grey 暂无数据", "green"),
    _f("light_label", "string", "推进状态灯的中文名称", "绿灯"),
    _f("progress_pct", "string", "各工作事项已审核进度的平均百分比（" + NUMBER_NOTE + "）", "60"),
    _f("work_items", "integer", "公开的工作事项数"),
    _f("as_of", "date", "进度和状态灯的计算日期"),
    _f("version", "integer", "所属任务组公开记录的版本号"),
    _f("updated_at", "date-time", "所属任务组最近一次发布或修订的时间"),
]

HISTORY_FIELDS = [
    _f("version", "integer", "版本号"),
    _f("action", "string", "publish 发布、revise 修订、withdraw 撤回"),
    _f("at", "date-time", "时间"),
    _f("note", "string", "说明（修订原因等）"),
]


# --- reading the published items -------------------------------------------------------------------


def published(kinds: Iterable[str] | None = None) -> QuerySet[PublishedItem]:
    """Published items (of `kinds`), in their fixed order. The ONLY query the API's data comes from."""
    items = PublishedItem.objects.published()
    if kinds is not None:
        items = items.filter(kind__in=list(kinds))
    return items.order_by("kind", "sort_key", "id")


def register_kinds() -> list[str]:
    """Kinds of register entries present among published items (every kind the portal does not define
    itself, sampling results aside)."""
    present = PublishedItem.objects.published().values_list("kind", flat=True).distinct()
    return sorted(k for k in present if k not in OWN_KINDS and not k.startswith("sampling"))


def sampling_kinds() -> list[str]:
    present = PublishedItem.objects.published().values_list("kind", flat=True).distinct()
    return sorted(k for k in present if k.startswith("sampling"))


def last_change(kinds: Iterable[str] | None = None) -> dt.datetime | None:
    """When items of `kinds` were last published, revised or withdrawn (withdrawn items count: their
    leaving changed the lists)."""
    items = PublishedItem.objects.all()
    if kinds is not None:
        items = items.filter(kind__in=list(kinds))
    found = items.aggregate(published=Max("last_published_at"), withdrawn=Max("withdrawn_at"))
    times = [t for t in found.values() if t is not None]
    return max(times) if times else None


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def public_url(item: PublishedItem) -> str | None:
    """The item's page on the public site, when the portal serves one."""
    for name in ("portal:public_item", "portal:item"):
        try:
            return reverse(name, kwargs={"slug": item.slug})
        except NoReverseMatch:
            continue
    return None


def _tail(item: PublishedItem) -> dict[str, Any]:
    return {"version": item.current_version, "published_at": _iso(item.first_published_at),
            "updated_at": _iso(item.last_published_at), "url": public_url(item)}


def item_row(item: PublishedItem, *, with_data: bool = True) -> dict[str, Any]:
    row = {"id": item.slug, "kind": item.kind, "title": item.title, "period": item.period_label,
           "period_start": _iso(item.period_start), "period_end": _iso(item.period_end), "town": item.town_name,
           "category": item.category, **_tail(item)}
    if with_data:
        row["data"] = item.payload
    return row


def indicator_row(item: PublishedItem) -> dict[str, Any]:
    data = item.payload
    latest = data.get("latest") or {}
    return {"id": item.slug, "code": data.get("code", ""), "name": data.get("name", ""), "unit": data.get("unit", ""),
            "category": item.category, "comparator": data.get("comparator", ""),
            "comparator_label": data.get("comparator_label", ""), "target_value": data.get("target_value"),
            "target_year": data.get("target_year"), "baseline_year": data.get("baseline_year"),
            "baseline_value": data.get("baseline_value"), "frequency": data.get("frequency", ""),
            "data_source": data.get("data_source", ""), "definition": data.get("definition", ""),
            "responsible_units": list(data.get("responsible_units") or []), "plan": data.get("plan", ""),
            "task": data.get("task", ""), "latest_period": latest.get("period", ""),
            "latest_value": latest.get("value"), "last_update": data.get("last_update"),
            "retired": bool(data.get("retired")), **_tail(item)}


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def value_rows(items: Iterable[PublishedItem], criteria: Criteria) -> list[dict[str, Any]]:
    """The approved values inside the indicators' published snapshots, filtered on each value's own period
    (town: values are district totals, so a town filter leaves none)."""
    rows = []
    for item in items:
        data = item.payload
        for value in data.get("values") or []:
            start, end = _date(value.get("start")), _date(value.get("end"))
            if not criteria.matches(period_label=value.get("period", ""), start=start, end=end,
                                    town=item.town_name, category=item.category):
                continue
            rows.append({"indicator": item.slug, "indicator_code": data.get("code", ""),
                         "indicator_name": data.get("name", ""), "period": value.get("period", ""),
                         "period_start": value.get("start"), "period_end": value.get("end"),
                         "value": value.get("value"), "unit": data.get("unit", ""),
                         "approved_on": value.get("approved_on"), "category": item.category,
                         "version": item.current_version, "updated_at": _iso(item.last_published_at)})
    return rows


def target_rows(items: Iterable[PublishedItem], criteria: Criteria) -> list[dict[str, Any]]:
    """Targets by year inside the indicators' snapshots; `period` filters on the target's year."""
    rows = []
    for item in items:
        data = item.payload
        final_year = data.get("target_year")
        for year, value in sorted((data.get("targets_by_year") or {}).items()):
            y = int(year)
            if not criteria.matches(period_label=str(y), start=dt.date(y, 1, 1), end=dt.date(y, 12, 31),
                                    town=item.town_name, category=item.category):
                continue
            rows.append({"indicator": item.slug, "indicator_code": data.get("code", ""),
                         "indicator_name": data.get("name", ""), "year": y, "value": value,
                         "unit": data.get("unit", ""), "comparator": data.get("comparator", ""),
                         "final": final_year is not None and y == int(final_year), "category": item.category,
                         "version": item.current_version, "updated_at": _iso(item.last_published_at)})
    return rows


def task_rows(items: Iterable[PublishedItem], criteria: Criteria) -> list[dict[str, Any]]:
    """The tasks inside the task groups' snapshots, with their published light and progress; `town`
    matches a task whose lead or co-operating units include that town."""
    rows = []
    for item in items:
        data = item.payload
        as_of = (data.get("as_of") or "")[:10] or None
        for task in data.get("tasks") or []:
            units = list(task.get("lead_units") or []) + list(task.get("co_units") or [])
            if criteria.town and criteria.town not in units:
                continue
            if criteria.category and criteria.category != item.category:
                continue
            light = task.get("light") or "grey"
            rows.append({"group": item.slug, "group_number": data.get("number", ""),
                         "group_title": data.get("title", ""), "number": task.get("number", ""),
                         "title": task.get("title", ""), "lead_units": list(task.get("lead_units") or []),
                         "co_units": list(task.get("co_units") or []), "time_limit": task.get("time_limit", ""),
                         "light": light, "light_label": LIGHT_LABELS.get(light, light),
                         "progress_pct": task.get("progress_pct"), "work_items": len(task.get("work_items") or []),
                         "as_of": as_of, "version": item.current_version,
                         "updated_at": _iso(item.last_published_at)})
    return rows


def history(item: PublishedItem) -> list[dict[str, Any]]:
    """The item's public record: every publication, revision and withdrawal, newest first."""
    return [{"version": v.version, "action": v.action, "at": _iso(v.at), "note": v.note}
            for v in PublishedVersion.objects.filter(item=item).order_by("-version")]


@dataclass(frozen=True)
class Dataset:
    """A named list of the API: its path segment, title, description, fields and kinds."""

    name: str
    title: str
    description: str
    fields: list[Field]
    kinds: Callable[[], list[str]] = field(default=lambda: [])


DATASETS: list[Dataset] = [
    Dataset("indicators", "指标", "已公开的监测指标：定义、目标、责任单位和最近的数值。", INDICATOR_FIELDS,
            lambda: [INDICATOR]),
    Dataset("indicator-values", "指标数值", "已公开指标的各期数值（全区汇总、已审核），每行一个指标的一个期间。",
            VALUE_FIELDS, lambda: [INDICATOR]),
    Dataset("targets", "指标目标", "已公开指标的分年度目标值（含期末目标）。", TARGET_FIELDS, lambda: [INDICATOR]),
    Dataset("tasks", "重点任务", "已公开任务组中的各项任务，含牵头、配合单位、时限和推进状态灯。", TASK_FIELDS,
            lambda: [TASK_GROUP]),
    Dataset("sampling-results", "抽检结果", "已公开的产品质量抽检结果（企业名称、产品、结论、不合格项目等，依法公开的内容）。",
            [*ITEM_FIELDS, ITEM_DATA], sampling_kinds),
    Dataset("register-entries", "登记事项", "已公开的登记事项：质量奖、品字标认证、主导制定的标准等。kind 区分类别。",
            [*ITEM_FIELDS, ITEM_DATA], register_kinds),
]
DATASET_BY_NAME = {d.name: d for d in DATASETS}
