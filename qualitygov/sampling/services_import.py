"""The batch import: a dry run lists every row's error with its row and column (Chinese); the commit
writes all rows or none. Entities are resolved by 统一社会信用代码 against the market-entity
directory: an unknown code is an error naming the row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.errors import NotFoundError
from qualitygov.core.uploads import CheckedFile
from qualitygov.registry.models import MarketEntity
from qualitygov.utilities import uscc

from . import events
from .choices import Verdict
from .io import COLUMNS, parse_date, read_rows
from .models import SampleBatch, SamplingPlan
from .services import _changed, _new_batch, may_write

HEADING = dict(COLUMNS)
VERDICTS = {"合格": Verdict.PASS, "不合格": Verdict.FAIL, "pass": Verdict.PASS, "fail": Verdict.FAIL}


@dataclass
class ImportRow:
    row: int
    entity: MarketEntity
    product: str
    sampled_on: dt.date
    lab: str
    report_no: str
    verdict: str
    failed_items: str
    notes: str


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def fails(self) -> int:
        return sum(r.verdict == Verdict.FAIL for r in self.rows)


def _error(errors: list[str], row: int, key: str, message: str) -> None:
    errors.append(f"第{row}行“{HEADING[key]}”列：{message}")


def check_rows(plan: SamplingPlan, checked: CheckedFile) -> ImportResult:
    """Every row checked (no writes): the rows that would be recorded, or the errors."""
    read = read_rows(checked.data, checked.extension)
    result = ImportResult()
    if read.error:
        result.errors.append(read.error)
        return result
    # Codes as the registry stores them: full-width characters, blanks and lower case undone.
    codes = {uscc.normalise(r.get("uscc", "")) for _n, r in read.rows}
    entities = {e.uscc: e for e in MarketEntity.objects.filter(uscc__in=codes)}
    numbers = {str(r.get("report_no", "")).strip() for _n, r in read.rows}
    taken = set(SampleBatch.objects.filter(report_no__in=numbers).values_list("report_no", flat=True))
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for number, raw in read.rows:
        errors: list[str] = []
        checked_code = uscc.check(raw.get("uscc", ""))
        code = checked_code.code
        entity = entities.get(code)
        if not code:
            _error(errors, number, "uscc", "必填。")
        elif not checked_code.valid:
            _error(errors, number, "uscc", f"“{code}”不是有效的统一社会信用代码：{checked_code.reason}。")
        elif entity is None:
            _error(errors, number, "uscc", f"市场主体名录中没有代码为“{code}”的主体，请先在市场主体名录中登记。")
        product = str(raw.get("product", "")).strip()
        if not product:
            _error(errors, number, "product", "必填。")
        elif len(product) > 100:
            _error(errors, number, "product", "不超过100个字。")
        sampled_on = parse_date(raw.get("sampled_on"))
        if sampled_on is None:
            _error(errors, number, "sampled_on", "日期无法识别，请写作 2026-05-12。")
        elif sampled_on.year != plan.year:
            _error(errors, number, "sampled_on", f"不在计划年度（{plan.year}年）内。")
        elif sampled_on > today:
            _error(errors, number, "sampled_on", "不能晚于今天。")
        lab = str(raw.get("lab", "")).strip() or plan.lab
        if not lab:
            _error(errors, number, "lab", "必填（计划未写检验机构）。")
        report_no = str(raw.get("report_no", "")).strip()
        if not report_no:
            _error(errors, number, "report_no", "必填。")
        elif len(report_no) > 60:
            _error(errors, number, "report_no", "不超过60个字符。")
        elif report_no in taken:
            _error(errors, number, "report_no", f"报告编号“{report_no}”已登记过。")
        elif report_no in seen:
            _error(errors, number, "report_no", f"与第{seen[report_no]}行的报告编号重复。")
        else:
            seen[report_no] = number
        verdict = VERDICTS.get(str(raw.get("verdict", "")).strip())
        failed_items = str(raw.get("failed_items", "")).strip()
        if verdict is None:
            _error(errors, number, "verdict", "请填写“合格”或“不合格”。")
        elif verdict == Verdict.FAIL and not failed_items:
            _error(errors, number, "failed_items", "不合格批次须填写不合格项目。")
        elif verdict == Verdict.PASS and failed_items:
            _error(errors, number, "failed_items", "合格批次不应填写不合格项目。")
        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append(ImportRow(number, entity, product, sampled_on, lab[:200], report_no, verdict,
                                         failed_items, str(raw.get("notes", "")).strip()))
    if result.errors:
        result.rows = []
    return result


def batches_import(*, actor, plan: SamplingPlan, checked: CheckedFile, commit: bool = False) -> ImportResult:
    """Dry run (`commit` False) or record every row of the file under `plan`: all or nothing. One audit
    event for the import plus the batches; NotFoundError for a non-writer."""
    if not may_write(actor, plan):
        raise NotFoundError(_("Not found."))
    result = check_rows(plan, checked)
    if not commit or result.errors:
        return result
    with transaction.atomic():
        created = [_new_batch(actor=actor, plan=plan, entity=r.entity, product=r.product, sampled_on=r.sampled_on,
                              lab=r.lab, report_no=r.report_no, verdict=r.verdict, failed_items=r.failed_items,
                              notes=r.notes, is_demo=False) for r in result.rows]
        audit_record(actor=actor, action=events.BATCH_IMPORT, obj=plan, unit=plan.owning_unit,
                     changes={"file": checked.name, "sha256": checked.sha256, "rows": len(created),
                              "report_nos": [b.report_no for b in created]})
        _changed(actor)
    result.committed = True
    return result
