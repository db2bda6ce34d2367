"""A round's frozen result as documents: the 考核结果通报 (.docx, official layout after GB/T 9704 from
`core.io_docx`) and every unit's scores item by item (.xlsx). Both read only the result stored at
approval (never recomputed), so they say what was approved. Fixed Chinese text: the office files them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from qualitygov.core import io_docx
from qualitygov.core.io import download, xlsx_response

from . import rounds as R
from .models import AssessmentRound, RoundUnit

ISSUER = "普陀区质量强区工作领导小组办公室"
NUMERALS = "一二三四五六七八九十"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _units(round_: AssessmentRound) -> list[tuple[RoundUnit, dict[str, Any]]]:
    units = RoundUnit.objects.select_related("unit").in_bulk(round_.result_units or [])
    return [(units[pk], row) for pk, row in zip(round_.result_units or [], round_.result["units"], strict=True)]


def _grouped(round_: AssessmentRound) -> list[tuple[str, list[tuple[RoundUnit, dict[str, Any]]]]]:
    by_group: dict[str, list] = defaultdict(list)
    for ru, row in _units(round_):
        by_group[ru.group].append((ru, row))
    order = {g: i for i, g in enumerate(R.scheme_data(round_.scheme).get("groups") or [])}
    out = []
    for group in sorted(by_group, key=lambda g: order.get(g, 99)):
        rows = sorted(by_group[group], key=lambda pair: (pair[1]["rank"], pair[0].unit.sort_order))
        out.append((R.group_label(group), rows))
    return out


def _label(ru: RoundUnit) -> str:
    return ru.unit.short_name or ru.unit.name


def _date_cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def bulletin_bytes(round_: AssessmentRound) -> bytes:
    """考核结果通报: the grades by group, the ranking tables, vetoes and caps, the follow-up asked for."""
    rows = _units(round_)
    grouped: dict[str, list] = defaultdict(list)
    for ru, row in rows:
        grouped[ru.group].append((ru, row))
    order = {g: i for i, g in enumerate(R.scheme_data(round_.scheme).get("groups") or [])}
    grades = [g["grade"] for g in R.scheme_data(round_.scheme).get("grades", [])]

    doc = io_docx.official_document()
    io_docx.title(doc, f"关于{round_.year}年度质量强区工作考核结果的通报")
    io_docx.body(doc, "", indent=False)
    io_docx.body(doc, "各成员单位，各镇（街道、管委会）：", indent=False)
    io_docx.body(doc, f"根据《{round_.scheme.title}》，经单位自评、质量强区办审核" +
                 ("、实地核查" if round_.onsite_due else "") +
                 f"和区领导审定，现将{round_.title}结果通报如下。")
    headings = iter(NUMERALS)
    io_docx.body(doc, f"{next(headings)}、考核等次", font=io_docx.HEADING_FONT)
    for group in sorted(grouped, key=lambda g: order.get(g, 99)):
        members = grouped[group]
        parts = []
        for grade in grades:
            names = [_label(ru) for ru, row in sorted(members, key=lambda p: p[1]["rank"]) if row["grade"] == grade]
            if names:
                parts.append(f"{grade}（{len(names)}个）：{'、'.join(names)}")
        io_docx.body(doc, f"{R.group_label(group)}：" + "；".join(parts) + "。")
    io_docx.body(doc, f"{next(headings)}、考核得分及排名", font=io_docx.HEADING_FONT)
    for index, group in enumerate(sorted(grouped, key=lambda g: order.get(g, 99))):
        io_docx.body(doc, f"（{NUMERALS[index]}）{R.group_label(group)}", font=io_docx.SUBHEADING_FONT)
        widths = [Mm(14), Mm(56), Mm(24), Mm(20), Mm(22), Mm(20)]
        table = io_docx.table(doc, ["排名", "单位", "基础得分", "加分", "总分", "等次"], widths)
        for ru, row in sorted(grouped[group], key=lambda p: (p[1]["rank"], p[0].unit.sort_order)):
            cells = table.add_row().cells
            values = [str(row["rank"]), _label(ru), row["base"], row["bonus"], row["total"], row["grade"]]
            for cell, text, width in zip(cells, values, widths, strict=True):
                cell.width = width
                io_docx.cell_text(cell, text, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    data = R.scheme_data(round_.scheme)
    vetoes = {v["code"]: v["text"] for v in data.get("vetoes") or []}
    caps = {c["code"]: c["text"] for c in data.get("grade_caps") or []}
    notes = []
    for ru, row in rows:
        for code in row["vetoes_applied"]:
            notes.append(f"{_label(ru)}因“{vetoes.get(code, code)}”实行一票否决，等次定为{row['grade']}。")
        for code in row["caps_applied"]:
            notes.append(f"{_label(ru)}因“{caps.get(code, code)}”，等次不高于{row['grade']}。")
    if notes:
        io_docx.body(doc, f"{next(headings)}、一票否决和等次限定", font=io_docx.HEADING_FONT)
        for note in notes:
            io_docx.body(doc, note)
    follow = [(ru, row["follow_up"]) for ru, row in rows if row["follow_up"]]
    io_docx.body(doc, f"{next(headings)}、整改要求", font=io_docx.HEADING_FONT)
    if follow:
        for ru, item in follow:
            due = item["due"].split("-")
            io_docx.body(doc, f"{_label(ru)}须于{int(due[0])}年{int(due[1])}月{int(due[2])}日前向区质量强区办报送"
                         f"{item['action']}，逐项说明失分原因和整改措施。")
    else:
        io_docx.body(doc, "各单位要对照失分项目，认真查找不足，持续改进。")
    io_docx.body(doc, "各单位对考核结果有异议的，可在"
                 f"{_date_cn(round_.objection_until)}前通过平台向区质量强区办提出，逾期不予受理。")
    io_docx.body(doc, "", indent=False)
    io_docx.paragraph(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT, pitch=io_docx.LINE_PITCH)
    io_docx.paragraph(doc, _date_cn(round_.publish_on), align=WD_ALIGN_PARAGRAPH.RIGHT, pitch=io_docx.LINE_PITCH)
    return io_docx.docx_bytes(doc)


def bulletin_docx(round_: AssessmentRound):
    return download(bulletin_bytes(round_), f"{round_.title}结果通报.docx", DOCX_MIME)


def scores_rows(round_: AssessmentRound) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: one row per unit, its group and rank, every leaf's score, base, bonus, total, grade."""
    leaves = R.leaves_of(R.scheme_data(round_.scheme))
    header = ["组别", "排名", "单位", *[f"{leaf.code} {leaf.title}（{leaf.max}）" for leaf in leaves],
              "基础得分", "加分", "总分", "等次", "一票否决", "等次限定", "整改要求"]
    rows = []
    for label, members in _grouped(round_):
        for ru, row in members:
            scores = [row["nodes"].get(leaf.code, {}).get("score") for leaf in leaves]
            follow = row["follow_up"]
            rows.append([label, row["rank"], ru.unit.label, *[s if s is not None else "不适用" for s in scores],
                         row["base"], row["bonus"], row["total"], row["grade"], "、".join(row["vetoes_applied"]),
                         "、".join(row["caps_applied"]), f"{follow['action']}（{follow['due']}前）" if follow else ""])
    return header, rows


def scores_xlsx(round_: AssessmentRound):
    header, rows = scores_rows(round_)
    return xlsx_response(f"{round_.title}得分.xlsx", [("考核得分", header, rows)],
                         widths={"考核得分": [10, 6, 30] + [12] * (len(header) - 3)})
