"""The periodic progress bulletin (工作进展通报) as an official .docx, and as PDF where possible.

The layout is the official-document base of `qualitygov.core.io_docx` (GB/T 9704, 党政机关公文格式):
A4 portrait, title in 方正小标宋简体 22 pt, body in 仿宋_GB2312 16 pt on a fixed 28 pt line, level-one
headings in 黑体, level two in 楷体_GB2312, page numbers "— 1 —".

It covers what the reader may view: the whole district for the office and leaders, its own units for
an office admin of part of it (and the whole district from the operator's command line).

Lights are recomputed in memory as of the period's last day (or today, if earlier), from the
progress approved up to then, so a bulletin for a past month reads the same later.

The PDF states the same text from the same blocks (`_compose`), laid out by `core.io_pdf`
(WeasyPrint, Noto CJK at least); where the server cannot make one, `pdf_message` says why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, RGBColor

from qualitygov.accounts.choices import Action
from qualitygov.core import io_docx, io_pdf
from qualitygov.core.audit import audit_record
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.io_docx import HEADING_FONT, SUBHEADING_FONT
from qualitygov.core.io_docx import body as _para
from qualitygov.core.scoping import can, scope_for
from qualitygov.progress import events

from . import lights as light_math
from .choices import FINDING_OPEN_STATES, Light, ReportStatus, WorkItemStatus
from .models import Finding, WorkItem
from .selectors import bulletin_sources, light_rule_set_in_force

ISSUER = "质量强区工作领导小组办公室"
LIGHT_TEXT = {Light.GREEN: "绿灯", Light.YELLOW: "黄灯", Light.RED: "红灯", Light.GREY: "暂无数据"}
LIGHT_RGB = {Light.GREEN: "1E7B34", Light.YELLOW: "B7791F", Light.RED: "C00000", Light.GREY: "606060"}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Period:
    """The span a bulletin covers: a month, a half-year or a year (`kind` "month", "half", "year")."""

    start: dt.date
    end: dt.date
    kind: str = "month"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "half":
            return f"{self.start.year}年{'上' if self.start.month == 1 else '下'}半年"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def code(self) -> str:
        """How it was asked for: "2026-05", "2026-H1", "2026"."""
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "half":
            return f"{self.start.year}-H{1 if self.start.month == 1 else 2}"
        return f"{self.start.year}-{self.start.month:02d}"


def parse_period(value: str) -> Period:
    """"YYYY-MM" → the month, "YYYY-H1"/"YYYY-H2" → the half-year, "YYYY" → the year; ServiceError otherwise."""
    text = (value or "").strip()
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match.group(1))
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if match := re.fullmatch(r"(\d{4})-[Hh]([12])", text):
        year, half = int(match.group(1)), int(match.group(2))
        return (Period(dt.date(year, 1, 1), dt.date(year, 6, 30), "half") if half == 1
                else Period(dt.date(year, 7, 1), dt.date(year, 12, 31), "half"))
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ServiceError(_("Give the period as a month (YYYY-MM), a half-year (YYYY-H1 or YYYY-H2) or a year (YYYY)."),
                           fields={"period": [_("Enter a month, a half-year or a year.")]})
    year, month = int(match.group(1)), int(match.group(2))
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return Period(dt.date(year, month, 1), end)


# What the bulletin says


@dataclass
class ItemRow:
    item: WorkItem
    light: str
    progress: Decimal | None
    expected: Decimal


@dataclass
class TaskRow:
    number: str
    title: str
    light: str
    items: list[ItemRow]


@dataclass
class GroupRow:
    title: str
    tasks: list[TaskRow] = field(default_factory=list)


@dataclass
class BulletinData:
    period: Period
    as_of: dt.date
    groups: list[GroupRow]
    light_counts: dict[str, int]
    reports_due: int
    reports_on_time: int
    reports_late: int
    reports_missing: int
    late_units: list[tuple[str, int]]
    highlights: list[tuple[str, str, str]]
    open_findings: list[Finding]
    closed_findings: int
    #: "全区" for the whole district; "所辖单位" when the reader's scope is part of it.
    area: str = "全区"


def bulletin_data(period: Period, *, user=None, today: dt.date | None = None) -> BulletinData:
    """Everything the bulletin states, over what `user` may view (the whole district when `user` is
    None: the operator's command line). Every read comes from `selectors.bulletin_sources`."""
    today = today or timezone.localdate()
    as_of = min(period.end, today)
    rule_set = light_rule_set_in_force(as_of)
    params = rule_set.params if rule_set else {}
    work_items, reports, findings = bulletin_sources(user=user)
    items = list(work_items.filter(status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED], start_date__lte=as_of)
                 .select_related("task", "task__group", "lead_unit").order_by("task__plan_id", "task__order", "order", "pk"))
    item_ids = [item.pk for item in items]
    progress: dict[int, Decimal] = {}
    for work_item, pct in (reports.filter(work_item__in=item_ids, status=ReportStatus.APPROVED,
                                          cycle__period_start__lte=as_of)
                           .order_by("cycle__period_start", "pk").values_list("work_item_id", "progress_pct")):
        progress[work_item] = pct  # the latest cycle wins
    in_time = (Q(submitted_at__isnull=True) | Q(submitted_at__date__gt=as_of))
    late_counts: dict[int, int] = defaultdict(int)
    for work_item in reports.filter(in_time, work_item__in=item_ids, due_date__lt=as_of).values_list(
        "work_item_id", flat=True
    ):
        late_counts[work_item] += 1
    groups: dict[object, GroupRow] = {}
    tasks: dict[int, TaskRow] = {}
    counts = {light: 0 for light in LIGHT_TEXT}
    for item in items:
        completed = item.status == WorkItemStatus.COMPLETED and (item.completed_on or as_of) <= as_of
        result = light_math.work_item_light(
            progress_pct=progress.get(item.pk, Decimal(100) if completed else None), start=item.start_date,
            deadline=item.deadline, on=as_of, completed=completed, late_reports=late_counts[item.pk], params=params)
        counts[result.light] += 1
        group = item.task.group
        key = group.pk if group else None
        if key not in groups:
            groups[key] = GroupRow(title=str(group) if group else "其他任务")
        if item.task_id not in tasks:
            tasks[item.task_id] = TaskRow(item.task.number, item.task.title, Light.GREY, [])
            groups[key].tasks.append(tasks[item.task_id])
        tasks[item.task_id].items.append(ItemRow(item, result.light, result.progress_pct, result.expected_pct))
    for task in tasks.values():
        task.light = light_math.worst_light([row.light for row in task.items])

    due = reports.filter(due_date__gte=period.start, due_date__lte=period.end)
    filed = due.filter(submitted_at__date__lte=as_of)
    on_time = filed.filter(submitted_late=False).count()
    late = filed.filter(submitted_late=True).count()
    missing_qs = due.filter(in_time, due_date__lt=as_of)
    late_units: dict[str, int] = defaultdict(int)
    for label, name in due.filter(Q(in_time, due_date__lt=as_of) | Q(submitted_at__date__lte=as_of,
                                                                      submitted_late=True)).values_list(
        "unit__short_name", "unit__name"
    ):
        late_units[label or name] += 1
    highlights = [
        (r.unit.label, r.work_item.title, r.done_text)
        for r in reports.filter(status=ReportStatus.APPROVED, cycle__period_start__lte=period.end,
                                cycle__period_end__gte=period.start)
        .exclude(done_text="").select_related("unit", "work_item").order_by("-progress_pct", "pk")[:6]
    ]
    open_findings = list(findings.filter(status__in=FINDING_OPEN_STATES, found_on__lte=as_of)
                         .select_related("unit").order_by("deadline", "pk"))
    closed = findings.filter(closed_at__date__gte=period.start, closed_at__date__lte=as_of).count()
    return BulletinData(
        period=period, as_of=as_of, groups=list(groups.values()), light_counts=counts, reports_due=due.count(),
        reports_on_time=on_time, reports_late=late, reports_missing=missing_qs.count(),
        late_units=sorted(late_units.items(), key=lambda kv: (-kv[1], kv[0])), highlights=highlights,
        open_findings=open_findings, closed_findings=closed,
        area="全区" if user is None or scope_for(user, Action.VIEW).everything else "所辖单位",
    )


# Word and PDF: one text, two writers


class _DocxOut:
    """Writes the bulletin's blocks into an official .docx."""

    def __init__(self) -> None:
        self.doc = io_docx.official_document()

    def title(self, text: str) -> None:
        io_docx.title(self.doc, text)

    def para(self, text: str, style: str = "") -> None:
        if style == "centre":
            _para(self.doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif style == "flush":
            _para(self.doc, text, indent=False)
        elif style:
            _para(self.doc, text, font={"h1": HEADING_FONT, "h2": SUBHEADING_FONT}[style])
        else:
            _para(self.doc, text)

    def table(self, header: list[str], rows: list[list[tuple[str, str]]], widths_mm: list[float]) -> None:
        widths = [Mm(width) for width in widths_mm]
        table = io_docx.table(self.doc, header, widths)
        for values in rows:
            cells = table.add_row().cells
            for cell, (text, colour), width in zip(cells, values, widths, strict=True):
                cell.width = width
                io_docx.cell_text(cell, text, size=12, colour=RGBColor.from_string(colour) if colour else None)

    def result(self) -> bytes:
        return io_docx.docx_bytes(self.doc)


class _PdfOut:
    """Writes the same blocks into a PDF through `core.io_pdf`."""

    def __init__(self) -> None:
        self.doc = io_pdf.PdfDocument()

    def title(self, text: str) -> None:
        self.doc.title(text)

    def para(self, text: str, style: str = "") -> None:
        self.doc.paragraph(text, style=style)

    def table(self, header: list[str], rows: list[list[tuple[str, str]]], widths_mm: list[float]) -> None:
        self.doc.table(header, [[(text, f"#{colour}" if colour else "") for text, colour in row] for row in rows],
                       widths=widths_mm)

    def result(self) -> bytes:
        return self.doc.pdf_bytes()


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}%"


def _compose(out: _DocxOut | _PdfOut, data: BulletinData, *, issuer: str, issue_number: int | None) -> bytes:
    out.title("质量强区工作进展通报")
    if data.period.kind == "month":
        out.para(f"（{data.period.start.year}年第{issue_number or data.period.start.month}期）", "centre")
    else:
        out.para(f"（{data.period.label}）", "centre")
    out.para(f"{issuer}　　　　{data.as_of.year}年{data.as_of.month}月{data.as_of.day}日", "centre")
    out.para("", "flush")
    out.para("各成员单位，各镇（街道、管委会）：", "flush")
    out.para(f"现将{data.period.label}{data.area}质量强区工作任务推进情况通报如下。")

    c = data.light_counts
    headings = iter(NUMERALS)
    out.para(f"{next(headings)}、总体情况", "h1")
    out.para(f"截至{data.as_of.year}年{data.as_of.month}月{data.as_of.day}日，{data.area}共有在推进工作事项"
             f"{sum(c.values())}项，其中绿灯{c[Light.GREEN]}项、黄灯{c[Light.YELLOW]}项、红灯{c[Light.RED]}项、"
             f"暂无数据{c[Light.GREY]}项。本期应报送进展报告{data.reports_due}份，按时报送{data.reports_on_time}份，"
             f"逾期报送{data.reports_late}份，逾期未报{data.reports_missing}份。督查发现问题尚未销号"
             f"{len(data.open_findings)}个，本期整改销号{data.closed_findings}个。")

    out.para(f"{next(headings)}、分任务推进情况", "h1")
    if not data.groups:
        out.para("本期暂无分解的工作事项。")
    for index, group in enumerate(data.groups):
        out.para(f"（{NUMERALS[index] if index < 10 else index + 1}）{group.title.split('）', 1)[-1]}", "h2")
        rows = []
        for task in group.tasks:
            for row in task.items:
                rows.append([(f"{task.number}. {task.title}", ""), (row.item.title, ""),
                             (row.item.lead_unit.label, ""), (_pct(row.progress), ""),
                             (_pct(row.expected), ""), (LIGHT_TEXT[row.light], LIGHT_RGB[row.light])])
        out.table(["任务", "工作事项", "牵头单位", "实际进度", "序时进度", "状态"], rows, [34, 46, 24, 17, 17, 18])

    out.para(f"{next(headings)}、逾期报送情况", "h1")
    if data.late_units:
        out.para("本期逾期报送或逾期未报的单位：" + "、".join(f"{name}（{n}项）" for name, n in data.late_units)
                 + "。请相关单位高度重视，抓紧补报。")
    else:
        out.para("本期各单位均按时报送进展情况。")

    out.para(f"{next(headings)}、工作亮点", "h1")
    if data.highlights:
        for unit, title, text in data.highlights:
            out.para(f"{unit}：{title}。{text.strip()[:200]}")
    else:
        out.para("本期暂无经审核的进展报告。")

    out.para(f"{next(headings)}、督查问题整改情况", "h1")
    if data.open_findings:
        overdue = sum(1 for f in data.open_findings if f.deadline < data.as_of)
        out.para(f"尚未销号的问题{len(data.open_findings)}个，其中超过整改时限{overdue}个。")
        out.table(["问题", "责任单位", "整改时限", "状态"],
                  [[(f.title, ""), (f.unit.label, ""), (f.deadline.isoformat(),
                    LIGHT_RGB[Light.RED] if f.deadline < data.as_of else ""), (f.get_status_display(), "")]
                   for f in data.open_findings], [70, 34, 26, 26])
    else:
        out.para("督查发现的问题均已整改销号。")

    out.para(f"{next(headings)}、下步工作要求", "h1")
    out.para("各责任单位要对照任务分解要求，加快推进黄灯、红灯事项，按时报送进展情况和佐证材料；"
             "对督查发现的问题，要按期完成整改并申请销号。质量强区办将持续跟踪督办。")
    return out.result()


def bulletin_docx(data: BulletinData, *, issuer: str = ISSUER, issue_number: int | None = None) -> bytes:
    return _compose(_DocxOut(), data, issuer=issuer, issue_number=issue_number)


def bulletin_pdf(data: BulletinData, *, issuer: str = ISSUER, issue_number: int | None = None) -> bytes:
    """The same bulletin as PDF (WeasyPrint, Noto CJK at least); io_pdf.PdfUnavailable where it cannot be made."""
    return _compose(_PdfOut(), data, issuer=issuer, issue_number=issue_number)


@dataclass
class BulletinResult:
    docx: bytes
    pdf: bytes | None
    pdf_message: str
    filename: str


@transaction.atomic
def bulletin_generate(*, actor, period: Period, pdf: bool = False, today: dt.date | None = None) -> BulletinResult:
    """Build the bulletin for `period` over what `actor` may view, as .docx and, with `pdf`, as PDF too
    (`pdf_message` says why not where the server cannot make one). Those who approve (the office and
    leaders) may generate it; `actor` None is the operator's command line, for the whole district."""
    if actor is not None and not can(actor, Action.APPROVE):
        raise NotFoundError(_("Not found."))
    data = bulletin_data(period, user=actor, today=today)
    docx = bulletin_docx(data)
    pdf_bytes, message = None, ""
    if pdf:
        try:
            pdf_bytes = bulletin_pdf(data)
        except io_pdf.PdfUnavailable as exc:
            message = str(exc)
    audit_record(actor=actor, action=events.BULLETIN_GENERATE, object_type="progress.bulletin",
                 object_repr=f"工作进展通报 {period.label}",
                 changes={"period": period.code, "items": sum(data.light_counts.values()),
                          "pdf": pdf_bytes is not None})
    return BulletinResult(docx=docx, pdf=pdf_bytes, pdf_message=message,
                          filename=f"质量强区工作进展通报（{period.label}）.docx")
