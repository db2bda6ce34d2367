"""The 工作要点 as the official .docx (GB/T 9704 layout through core.io_docx) and as .xlsx (fixed header)."""

from __future__ import annotations

from django.http import HttpResponse

from qualitygov.core import io_docx as d
from qualitygov.core.io import DOCX_MIME, download, xlsx_response
from qualitygov.planimport.importer.textutil import int_to_cn

from .choices import KeyPointState
from .models import KeyPoint, WorkPlan
from .selectors import groups, key_point_state

XLSX_HEADER = ["序号", "类别", "工作要点", "服务的方案任务", "牵头单位", "配合单位", "完成时限", "状态"]
XLSX_WIDTHS = [6, 24, 60, 30, 18, 30, 16, 10]


def _co(point: KeyPoint) -> str:
    return "、".join(unit.label for unit in point.co_units.all())


def _limit(point: KeyPoint) -> str:
    return point.deadline_text or f"{point.deadline.year}年{point.deadline.month}月{point.deadline.day}日前"


def work_plan_docx(work_plan: WorkPlan, points: list[KeyPoint]) -> HttpResponse:
    """《…工作要点》: the title, then each heading in 黑体 (一、二、…) and its numbered key points, each
    followed by （牵头单位：…；配合单位：…；完成时限：…）."""
    document = d.official_document()
    d.title(document, work_plan.title, space_after=16, pitch=None)
    for g, (heading, members) in enumerate(groups(points), start=1):
        if heading:
            d.paragraph(document, f"{int_to_cn(g)}、{heading}", font=d.HEADING_FONT, indent=True, pitch=d.LINE_PITCH)
        for point in members:
            notes = [f"牵头单位：{point.lead_unit.label}"]
            if co := _co(point):
                notes.append(f"配合单位：{co}")
            notes.append(f"完成时限：{_limit(point)}")
            d.body(document, f"{point.number}. {point.text.rstrip('。')}。（{'；'.join(notes)}）")
    return download(d.docx_bytes(document), f"{work_plan.title}.docx", DOCX_MIME)


def work_plan_xlsx(work_plan: WorkPlan, points: list[KeyPoint]) -> HttpResponse:
    """One row per key point under the fixed Chinese header `XLSX_HEADER` (it reads back as an import)."""
    rows = []
    for point in points:
        state = key_point_state(point)
        rows.append([point.number, point.group_title, point.text, f"{point.task.number} {point.task.title}",
                     point.lead_unit.label, _co(point), _limit(point), str(KeyPointState(state).label)])
    return xlsx_response(f"{work_plan.title}.xlsx", [("工作要点", XLSX_HEADER, rows)],
                         widths={"工作要点": XLSX_WIDTHS})
