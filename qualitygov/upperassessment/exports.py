"""The 自评表 (.xlsx, .docx) and the evidence package (.zip) of an upper-level assessment.

Columns are fixed Chinese (the table goes to the upper level as it is): 序号 / 考核内容 / 分值 /
评分标准 / 牵头单位 / 自评得分 / 佐证材料 / 备注. Evidence files are numbered `<序号>-<n>-<original
name>` in upload order; the 佐证材料 cell lists exactly those names, and the package holds them in
one folder per item with an index workbook under the same numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

from docx.shared import Mm

from qualitygov.core import io_docx
from qualitygov.core.io import xlsx_bytes
from qualitygov.core.models import Attachment

from .models import UpperAssessment, UpperItem
from .selectors import evidence_by_item, item_rows

HEADER = ["序号", "考核内容", "分值", "评分标准", "牵头单位", "自评得分", "佐证材料", "备注"]
INDEX_HEADER = ["序号", "考核内容", "文件编号", "文件名", "原文件名", "大小（字节）"]
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(name: str, limit: int = 120) -> str:
    """A file or folder name every archive tool and file system accepts."""
    cleaned = _UNSAFE.sub("_", name).strip(" .") or "_"
    return cleaned[:limit]


def _points(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def evidence_names(item: UpperItem, attachments: list[Attachment]) -> list[tuple[str, Attachment]]:
    """`(<序号>-<n>-<original name>, attachment)` in upload order."""
    number = safe_name(item.number, 40)
    return [(f"{number}-{n}-{safe_name(a.original_name)}", a) for n, a in enumerate(attachments, start=1)]


def _rows(assessment: UpperAssessment):
    evidence = evidence_by_item(assessment)
    for item in item_rows(assessment):
        names = [name for name, _a in evidence_names(item, evidence.get(item.pk, []))]
        lead = item.lead_unit.label if item.lead_unit else item.owner_hint
        yield item, [item.number, item.name, _points(item.max), item.criteria, lead, _points(item.self_score),
                     "\n".join(names), item.note]


def self_assessment_xlsx(assessment: UpperAssessment) -> bytes:
    rows = [row for _item, row in _rows(assessment)]
    return xlsx_bytes([("自评表", HEADER, rows)], widths={"自评表": [8, 30, 8, 50, 16, 10, 40, 30]})


def self_assessment_docx(assessment: UpperAssessment) -> bytes:
    document = io_docx.official_document(landscape=True)
    io_docx.title(document, f"{assessment.title}自评表", space_after=12)
    widths = [Mm(w) for w in (14, 40, 14, 70, 26, 18, 40, 28)]
    grid = io_docx.table(document, HEADER, widths, size=10.5)
    total = Decimal(0)
    for item, values in _rows(assessment):
        cells = grid.add_row().cells
        io_docx.keep_row_together(grid.rows[-1])
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            io_docx.cell_text(cell, str(text))
        total += item.self_score or 0
    io_docx.paragraph(document, f"自评合计：{_points(total)} 分", size=12, space_after=0)
    return io_docx.docx_bytes(document)


def evidence_zip(assessment: UpperAssessment) -> bytes:
    """Folders `<序号>-<考核内容>/` holding the renamed files, and `佐证材料目录.xlsx` listing them."""
    evidence = evidence_by_item(assessment)
    buffer = io.BytesIO()
    index_rows = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in item_rows(assessment):
            folder = safe_name(f"{item.number}-{item.name}", 60)
            for n, (name, attachment) in enumerate(evidence_names(item, evidence.get(item.pk, [])), start=1):
                try:
                    with attachment.file.open("rb") as handle:
                        data = handle.read()
                except (FileNotFoundError, OSError, ValueError):
                    name = f"{name}（文件缺失）"
                    data = None
                if data is not None:
                    archive.writestr(f"{folder}/{name}", data)
                index_rows.append([item.number, item.name, f"{item.number}-{n}", f"{folder}/{name}",
                                   attachment.original_name, attachment.size])
        archive.writestr("佐证材料目录.xlsx", xlsx_bytes([("佐证材料目录", INDEX_HEADER, index_rows)]))
    return buffer.getvalue()
