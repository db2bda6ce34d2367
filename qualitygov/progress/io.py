"""Spreadsheet exports of the progress app: the rectification ledger (整改台账)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from qualitygov.core.io import counted, xlsx_bytes

from .models import Finding

LEDGER_HEADER = ["序号", "问题", "来源", "责任单位", "关联任务", "发现日期", "整改时限", "整改措施", "整改情况",
                 "状态", "是否超期", "重新打开次数", "销号时间", "核查意见"]
LEDGER_WIDTHS = [7, 40, 14, 20, 28, 12, 12, 40, 40, 12, 10, 10, 18, 30]


def ledger_rows(findings: Iterable[Finding], *, today: dt.date) -> Iterable[list]:
    """One row per finding, as the office keeps its ledger (select_related unit and task first)."""
    for index, f in enumerate(findings, start=1):
        overdue = f.closed_at is None and f.deadline < today
        yield [index, f.title, f.get_source_display(), f.unit.label, str(f.task) if f.task_id else "",
               f.found_on, f.deadline, f.rectification_plan, f.rectification_result, f.get_status_display(),
               "是" if overdue else "否", f.reopened_count, f.closed_at, f.verification_note]


def ledger_xlsx(findings: Iterable[Finding], *, today: dt.date, progress: Callable[[int, int], None] | None = None,
                total: int = 0) -> bytes:
    """The ledger workbook; `progress(done, total)` hears of each finding written (the export job)."""
    if progress is not None:
        findings = counted(findings, progress, total)
    return xlsx_bytes([("整改台账", LEDGER_HEADER, ledger_rows(findings, today=today))],
                      widths={"整改台账": LEDGER_WIDTHS})
