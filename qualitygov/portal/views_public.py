"""The public site at /public/: no sign-in, Chinese, mobile first, readable without JavaScript.

Every page reads only published snapshots (`selectors.public_*`). Each published item has a stable page
at /public/p/<slug>/ (and each of its versions at /public/p/<slug>/v<n>/), with its data as CSV, XLSX and
JSON; lists per kind; the latest changes as a page and an Atom feed.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import override

from qualitygov.core.access import PUBLIC, access
from qualitygov.core.io import XLSX_MIME, download, xlsx_bytes

from . import selectors
from .kinds import KINDS
from .models import PublishedItem, PublishedVersion

try:  # the shared cache of public answers (made stale by every publication), where the platform has it
    from qualitygov.core.publiccache import cache_public_page
except ImportError:  # pragma: no cover - pages are then served fresh every time
    def cache_public_page(view):
        return view

LIGHT_TEXT = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "暂无数据"}


def _context(request, **extra: Any) -> dict[str, Any]:
    site = selectors.public_site()
    return {"site": site, "public_kinds": selectors.public_kinds(), "light_text": LIGHT_TEXT,
            "absolute_url": request.build_absolute_uri(), **extra}


def _page(request, template: str, **extra: Any) -> HttpResponse:
    # The public site is Chinese whatever language a visitor's browser or cookie asks for.
    with override("zh-hans"):
        return render(request, template, _context(request, **extra))


@access(PUBLIC)
@cache_public_page
def home(request):
    """The plan's goals and task groups with their progress and lights, the indicators, the latest news."""
    groups = list(selectors.public_items("taskgroup"))
    indicators = list(selectors.public_items("indicator"))
    return _page(request, "portal/public/home.html", nav="home", groups=groups, indicators=indicators,
                 bulletins=list(selectors.public_items("bulletin").order_by("-period_start")[:3]),
                 changes=selectors.public_changes(limit=5))


@access(PUBLIC)
@cache_public_page
def kind_list(request, kind: str):
    """The published items of one kind."""
    found = KINDS.get(kind)
    items = list(selectors.public_items(kind)) if found else []
    if not items:
        raise Http404
    if kind in ("bulletin", "assessment"):
        items.sort(key=lambda i: (i.period_start is None, i.period_start), reverse=True)
    return _page(request, "portal/public/list.html", nav=kind, kind=found, items=items)


def _item_page(request, item: PublishedItem, version: PublishedVersion | None):
    kind = KINDS.get(item.kind)
    payload = version.payload if version is not None else item.payload
    shown = item if version is None else _as_of_version(item, version)
    extra: dict[str, Any] = {}
    if item.kind == "indicator":
        rows = selectors.indicator_rows(shown)
        extra = {"rows": rows, "chart": selectors.indicator_chart(shown),
                 "chart_labels": {"actual": "实际值", "expected": "序时进度（按目标推算）", "target": "目标值"}}
    return _page(request, kind.template if kind else "portal/public/entry.html", nav=item.kind, item=item, kind=kind,
                 payload=payload, version=version, history=selectors.public_history(item),
                 entries=_entries(payload, kind.labels if kind else {}), **extra)


def _as_of_version(item: PublishedItem, version: PublishedVersion) -> PublishedItem:
    """An unsaved copy of `item` whose payload is `version`'s, for reading revisions up to it."""
    copy = PublishedItem(pk=item.pk, kind=item.kind, key=item.key, slug=item.slug, title=version.title,
                         payload=version.payload, current_version=version.version)
    copy._versions_until = version.version
    return copy


def _entries(payload: dict, labels: dict | None = None) -> list[tuple[str, Any]]:
    """A register entry's fields in order, labelled by the kind's `labels`, for the generic entry page
    (nested values as text)."""
    labels = labels or {}
    out = []
    for key, value in payload.items():
        if isinstance(value, dict):  # one level of nesting (the enterprise of a register entry) as its fields
            pairs = [(f"{key}.{sub}", v) for sub, v in value.items()]
        else:
            pairs = [(key, value)]
        for name, shown in pairs:
            if name in labels and labels[name] is None:
                continue  # a technical field (the record's kind or id), not shown
            if isinstance(shown, dict | list):
                shown = json.dumps(shown, ensure_ascii=False)
            if isinstance(shown, bool):
                shown = "是" if shown else "否"
            out.append((str(labels.get(name, name)), shown))
    return out


@access(PUBLIC)
@cache_public_page
def item(request, slug: str):
    """The stable page of one publication, as published now, with its revisions."""
    return _item_page(request, selectors.public_item(slug), None)


@access(PUBLIC)
@cache_public_page
def item_version(request, slug: str, version: int):
    """One earlier (or the current) version of a publication, as it was published."""
    found = selectors.public_item(slug)
    return _item_page(request, found, selectors.public_version(found, version))


# --- downloads ------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return True
    try:
        Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return str(value).strip() != "" and not str(value).strip().lower().startswith(("nan", "inf", "-inf", "+inf"))


def _csv_cell(value: Any) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def data_table(item: PublishedItem) -> tuple[list[str], list[list[Any]]]:
    """The item's figures as one table (the CSV and XLSX downloads)."""
    p = item.payload
    if item.kind == "indicator":
        header = ["指标编码", "指标名称", "统计期", "起始日", "截止日", "数值", "计量单位", "序时进度值", "审核通过日期",
                  "数据来源", "责任单位"]
        rows = [[p.get("code"), p.get("name"), r.period, r.start, r.end, r.value, p.get("unit"), r.expected,
                 r.approved_on, p.get("data_source"), "、".join(p.get("responsible_units") or [])]
                for r in selectors.indicator_rows(item)]
        return header, rows
    if item.kind == "taskgroup":
        header = ["任务编号", "任务名称", "牵头单位", "配合单位", "完成时限", "灯色", "进度（%）"]
        return header, [[t.get("number"), t.get("title"), "、".join(t.get("lead_units") or []),
                         "、".join(t.get("co_units") or []), t.get("time_limit"), LIGHT_TEXT.get(t.get("light"), ""),
                         t.get("progress_pct")] for t in p.get("tasks") or []]
    if item.kind == "bulletin":
        header = ["任务组", "任务", "工作事项", "牵头单位", "灯色", "实际进度（%）", "序时进度（%）"]
        rows = []
        for group in p.get("groups") or []:
            for task in group.get("tasks") or []:
                for row in task.get("items") or []:
                    rows.append([group.get("title"), f"{task.get('number')} {task.get('title')}", row.get("title"),
                                 row.get("lead_unit"), LIGHT_TEXT.get(row.get("light"), ""), row.get("progress_pct"),
                                 row.get("expected_pct")])
        return header, rows
    if item.kind == "assessment":
        header = ["组别", "排名", "单位", "总分", "等次"]
        return header, [[g.get("group"), u.get("rank"), u.get("unit"), u.get("total"), u.get("grade")]
                        for g in p.get("groups") or [] for u in g.get("units") or []]
    found = KINDS.get(item.kind)
    return ["字段", "内容"], [[key, value] for key, value in _entries(p, found.labels if found else {})]


@access(PUBLIC)
@cache_public_page
def item_data(request, slug: str, fmt: str):
    """The item's data as CSV (UTF-8 with BOM, for Excel), XLSX or JSON (the whole published snapshot)."""
    found = selectors.public_item(slug)
    stem = found.slug
    if fmt == "json":
        body = {"id": found.slug, "kind": found.kind, "title": found.title, "version": found.current_version,
                "published_at": timezone.localtime(found.first_published_at).isoformat(),
                "updated_at": timezone.localtime(found.last_published_at).isoformat(),
                "url": request.build_absolute_uri(reverse("portal:public_item", kwargs={"slug": found.slug})),
                "data": found.payload}
        response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    header, rows = data_table(found)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
        return download(("\ufeff" + out.getvalue()).encode("utf-8"), f"{stem}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        return download(xlsx_bytes([(found.title[:31] or stem, header, rows)]), f"{stem}.xlsx", XLSX_MIME)
    raise Http404


# --- what changed ---------------------------------------------------------------------------------


@access(PUBLIC)
@cache_public_page
def changes(request):
    """The latest publications and revisions, newest first."""
    return _page(request, "portal/public/changes.html", nav="changes", changes=selectors.public_changes(limit=100))


class ChangesFeed(Feed):
    """The Atom feed of the latest publications and revisions."""

    feed_type = Atom1Feed
    link = "/public/changes/"

    def title(self):
        site = selectors.public_site()
        return f"{site.district or ''}质量强区建设信息公开".strip()

    def subtitle(self):
        return "最新发布与修订"

    def items(self):
        return selectors.public_changes(limit=50)

    def item_title(self, version: PublishedVersion):
        action = "修订" if version.action == "revise" else "发布"
        return f"{action}：{version.title}"

    def item_description(self, version: PublishedVersion):
        note = f"（{version.note}）" if version.note else ""
        return f"第{version.version}版，{timezone.localtime(version.at):%Y-%m-%d %H:%M}{note}"

    def item_link(self, version: PublishedVersion):
        return reverse("portal:public_version", kwargs={"slug": version.item.slug, "version": version.version})

    def item_guid(self, version: PublishedVersion):
        return f"{version.item.slug}/v{version.version}"

    def item_pubdate(self, version: PublishedVersion):
        return version.at

    def item_updateddate(self, version: PublishedVersion):
        return version.at


feed = access(PUBLIC)(cache_public_page(ChangesFeed()))
