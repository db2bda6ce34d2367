"""`qualitygov assessment collect --year 2026 [--scheme ID] [--as-of DATE] [--bulletin-date DATE] [--explain]
--out UNITS.json`: the automatic inputs of the year's member units, from the platform's records.

Contract: `run_collect(...)` returns 0 after writing the units file (exchange format v1, see
`inputs.dumps_units`) and one Chinese line naming it; with `explain` also one tab-separated line per
automatic figure (unit, leaf, key, value, explanation, records). On bad input — no published scheme for
the year (or several without `--scheme`), a bad date, a `source` the platform does not know, no units —
it writes one Chinese line to `stderr`, writes no file and returns 2; when the file cannot be written, 1.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from .choices import SchemeStatus
from .engine import AssessmentError, validate_scheme
from .engine.errors import one_line
from .engine.io import parse_json
from .inputs import collect_units, dumps_units, figure_lines, member_units
from .models import AssessmentScheme


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AssessmentError(f"{option}“{text}”不是 YYYY-MM-DD 格式的有效日期") from None


def _published(year: int, key: str) -> AssessmentScheme:
    published = AssessmentScheme.objects.filter(year=year, status=SchemeStatus.PUBLISHED)
    if key:
        published = published.filter(key=key)
    keys = sorted(set(published.values_list("key", flat=True)))
    if not keys:
        raise AssessmentError(f"{year} 年没有已发布的考核评分细则{f'“{key}”' if key else ''}")
    if len(keys) > 1:
        raise AssessmentError(f"{year} 年有多个已发布的评分细则（{'、'.join(keys)}），请用 --scheme 指定")
    return published.order_by("-version").first()


def run_collect(*, year: int, key: str, out: str, as_of: str | None, bulletin_date: str | None, explain: bool,
                stdout: TextIO, stderr: TextIO) -> int:
    try:
        if not 2000 <= year <= 2100:
            raise AssessmentError(f"年度“{year}”无效")
        day = _date(as_of, "--as-of")
        bulletin = _date(bulletin_date, "--bulletin-date")
        scheme = _published(year, key)
        pairs = member_units(validate_scheme(parse_json(scheme.document)))
        if not pairs:
            raise AssessmentError("没有可考核的单位（评分细则的组别中没有部门或镇街）")
        result = collect_units(scheme=scheme, year=year, units=[u for u, _g in pairs],
                               groups={u.pk: g for u, g in pairs}, as_of=day, bulletin_date=bulletin)
    except AssessmentError as exc:
        stderr.write(one_line(f"错误：{exc.message}") + "\n")
        return 2
    text = dumps_units(result.document)
    try:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        stderr.write(one_line(f"错误：{out}：无法写入（{exc.strerror or exc.errno}）") + "\n")
        return 1
    if explain:
        for line in figure_lines(result):
            stdout.write(line + "\n")
    manual = sorted({code for u in result.units for code in u.manual})
    stdout.write(f"{scheme.title}（v{scheme.version}）：{len(result.units)} 个单位的自动考核数据 → {out}"
                 + (f"；待人工填写的评分项：{'、'.join(manual)}" if manual else "") + "\n")
    return 0
