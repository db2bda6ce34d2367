"""Scoring tables (评分细则) built in memory for the import tests: an Excel table with one damaged row
and a Word table with merged cells and 1./1.1 numbering."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import Workbook


def excel_rules(*, damaged: bool = True) -> bytes:
    """Sections 一 (20) and 二 (30), a 考核内容 merged over two rows (品牌建设: 5 + 10), a 加分 section
    capped at 5 and a 一票否决 section. With `damaged`, row 9's 分值 reads “十五”."""
    wb = Workbook()
    ws = wb.active
    ws.title = "评分细则"
    ws.append(["2026年度质量工作考核评分细则"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "考核内容", "分值", "评分标准", "责任单位"])
    ws.append(["一、组织领导（20分）"] * 5)
    ws.merge_cells("A3:E3")
    ws.append(["1", "建立工作机制", 10, "未建立扣5分", "区市场监管局"])
    ws.append(["2", "召开领导小组会议", 10, "未召开不得分", "区政府办"])
    ws.append(["二、质量提升（30分）"] * 5)
    ws.merge_cells("A6:E6")
    ws.append(["3", "品牌建设", 5, "新增省级品牌得5分", "区经信局"])
    ws.append(["", None, 10, "完成培育计划得10分", ""])
    ws.merge_cells("A7:A8")
    ws.merge_cells("B7:B8")
    ws.append(["4", "质量基础", "十五" if damaged else 15, "计量标准覆盖", "区市场监管局"])
    ws.append(["三、加分项（最高5分）"] * 5)
    ws.merge_cells("A10:E10")
    ws.append(["5", "获评省政府质量奖", 3, "每获一项加3分", ""])
    ws.append(["四、一票否决"] * 5)
    ws.merge_cells("A12:E12")
    ws.append(["6", "发生重大质量安全事故", "", "实行一票否决", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def word_rules() -> bytes:
    """A Word table: 一级指标 merged over three rows, 1. with sub-items 1.1 and 1.2 (6 + 4), and 2."""
    document = Document()
    document.add_paragraph("市对区质量工作考核评分细则")
    rows = [
        ["一级指标", "序号", "考核项目", "标准分", "考核标准", "牵头单位"],
        ["质量工作", "1", "质量强区推进", "10", "", ""],
        ["质量工作", "1.1", "出台实施方案", "6", "未出台不得分", "区市场监管局"],
        ["质量工作", "1.2", "开展质量月活动", "4", "未开展扣4分", "区经信局"],
        ["质量基础", "2", "标准化建设", "8", "主导制定标准每项得2分", "区市场监管局"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    merged = table.cell(1, 0).merge(table.cell(3, 0))
    merged.text = "质量工作"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
