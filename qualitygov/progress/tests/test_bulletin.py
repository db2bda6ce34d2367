"""The bulletin (工作进展通报): generated as .docx and read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from qualitygov.core import io_pdf
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.core.testing import pdf_fonts, pdf_text
from qualitygov.progress.bulletin import bulletin_generate, parse_period
from qualitygov.progress.models import ProgressReport, ReportingCycle
from qualitygov.progress.services import cycle_open, finding_create, report_approve, report_submit

from .factories import make_cycle, make_item, make_setup


@pytest.fixture
def month(cast):
    """May 2026: 区经信局 reported 45 % on time (approved); 区住建局's item did not report; one open finding."""
    s = make_setup(cast, co=[])
    item_b = make_item(cast, s.task, lead=cast.dept_b, co=[], title="改造老旧小区质量提升")
    cycle_open(actor=cast.office, cycle=s.cycle)
    report_submit(actor=cast.liaison_a, report=s.report, progress_pct="45", done_text="新建数字化车间4个",
                  today=dt.date(2026, 5, 24))
    report_approve(actor=cast.office, report=s.report, today=dt.date(2026, 5, 26))
    # The clock of this machine is not May 2026: date the submission as the scenario has it.
    ProgressReport.objects.filter(pk=s.report.pk).update(submitted_at=at(2026, 5, 24))
    finding_create(actor=cast.office, source="leader", title="园区标准化建设滞后", unit=cast.dept_b,
                   deadline=dt.date(2026, 5, 28), found_on=dt.date(2026, 5, 5))
    make_cycle(cast, s.plan, month=6)
    return s, item_b


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_bulletin_reads_back_with_python_docx(cast, month):
    s, item_b = month
    result = bulletin_generate(actor=cast.office, period=parse_period("2026-05"), today=dt.date(2026, 6, 3))
    assert result.filename == "质量强区工作进展通报（2026年5月）.docx"
    document = Document(io.BytesIO(result.docx))
    lines = texts(document)
    assert lines[:3] == ["质量强区工作进展通报", "（2026年第5期）", "质量强区工作领导小组办公室　　　　2026年5月31日"]
    # As of 31 May: 151/365 = 41.37 % expected. 45 % → green; 区住建局 has no report and a late one → yellow.
    assert ("截至2026年5月31日，全区共有在推进工作事项2项，其中绿灯1项、黄灯1项、红灯0项、暂无数据0项。"
            "本期应报送进展报告2份，按时报送1份，逾期报送0份，逾期未报1份。督查发现问题尚未销号1个，本期整改销号0个。") in lines
    assert "本期逾期报送或逾期未报的单位：区住建局（1项）。请相关单位高度重视，抓紧补报。" in lines
    assert "区经信局：建成数字化车间10个。新建数字化车间4个" in lines
    assert "尚未销号的问题1个，其中超过整改时限1个。" in lines
    progress_table, findings_table = document.tables
    rows = [[c.text for c in row.cells] for row in progress_table.rows]
    assert rows == [
        ["任务", "工作事项", "牵头单位", "实际进度", "序时进度", "状态"],
        [f"{s.task.number}. {s.task.title}", "建成数字化车间10个", "区经信局", "45%", "41.37%", "绿灯"],
        [f"{s.task.number}. {s.task.title}", "改造老旧小区质量提升", "区住建局", "—", "41.37%", "黄灯"],
    ]
    assert [[c.text for c in row.cells][:3] for row in findings_table.rows][1] == ["园区标准化建设滞后", "区住建局", "2026-05-28"]
    assert item_b.title in rows[2]


def test_official_fonts_and_layout(cast, month):
    document = Document(io.BytesIO(bulletin_generate(actor=None, period=parse_period("2026-05"),
                                                     today=dt.date(2026, 6, 3)).docx))
    def east_asia(paragraph):
        return paragraph.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))

    title, _number, _issuer, *_rest = document.paragraphs
    assert (east_asia(title), title.runs[0].font.size.pt) == ("方正小标宋简体", 22)
    body = next(p for p in document.paragraphs if p.text.startswith("现将"))
    assert (east_asia(body), body.runs[0].font.size.pt, body.paragraph_format.line_spacing.pt) == ("仿宋_GB2312", 16, 28)
    heading = next(p for p in document.paragraphs if p.text == "一、总体情况")
    assert east_asia(heading) == "黑体"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.top_margin.mm), round(section.left_margin.mm)) == (210, 37, 28)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_a_past_month_reads_as_it_was(cast, month):
    """Approving June later does not change what May's bulletin says."""
    s, _item_b = month
    cycle_open(actor=cast.office, cycle=ReportingCycle.objects.get(period_start=dt.date(2026, 6, 1)))
    june = ProgressReport.objects.get(work_item=s.item, cycle__period_start=dt.date(2026, 6, 1))
    report_submit(actor=cast.liaison_a, report=june, progress_pct="90", done_text="六月", today=dt.date(2026, 6, 20))
    report_approve(actor=cast.office, report=june, today=dt.date(2026, 6, 21))
    ProgressReport.objects.filter(pk=june.pk).update(submitted_at=at(2026, 6, 20))
    document = Document(io.BytesIO(bulletin_generate(actor=None, period=parse_period("2026-05"),
                                                     today=dt.date(2026, 7, 1)).docx))
    assert document.tables[0].rows[1].cells[3].text == "45%"


def test_only_approvers_generate_it(cast, month):
    """The office and leaders generate it; a liaison (no approve) is refused as if the page did not exist."""
    with pytest.raises(NotFoundError):
        bulletin_generate(actor=cast.liaison_a, period=parse_period("2026-05"))
    assert bulletin_generate(actor=cast.leader, period=parse_period("2026-05")).docx
    assert AuditEvent.objects.filter(action="bulletin.generate").count() == 1


@pytest.mark.parametrize("value", ["2026-13", "2026/05", "May", ""])
def test_period_must_be_a_month(value):
    with pytest.raises(ServiceError):
        parse_period(value)


def test_command_writes_the_docx_and_the_pdf_beside_it(cast, month, tmp_path):
    out = tmp_path / "通报.docx"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("progress", "bulletin", "--period", "2026-05", "--out", str(out), "--pdf", stdout=stdout,
                 stderr=stderr)
    assert texts(Document(str(out)))[0] == "质量强区工作进展通报"
    pdf = out.with_suffix(".pdf")
    assert stdout.getvalue().splitlines() == [f"wrote {out} ({out.stat().st_size:,} bytes)",
                                              f"wrote {pdf} ({pdf.stat().st_size:,} bytes)"]
    assert (stderr.getvalue(), pdf_text(pdf.read_bytes())[0]) == ("", "质量强区工作进展通报")


def test_command_writes_a_pdf_alone(cast, month, tmp_path):
    out = tmp_path / "通报.pdf"
    stdout = io.StringIO()
    call_command("progress", "bulletin", "--period", "2026-05", "--out", str(out), stdout=stdout)
    assert stdout.getvalue() == f"wrote {out} ({out.stat().st_size:,} bytes)\n"
    assert not out.with_suffix(".docx").exists()
    assert pdf_text(out.read_bytes())[:2] == ["质量强区工作进展通报", "（2026年第5期）"]


def test_command_explains_a_missing_pdf(cast, month, tmp_path, monkeypatch):
    monkeypatch.setattr(io_pdf.shutil, "which", lambda name: None)  # no fc-list: no Chinese font found
    io_pdf.pdf_missing.cache_clear()
    try:
        out = tmp_path / "通报.docx"
        stderr = io.StringIO()
        call_command("progress", "bulletin", "--period", "2026-05", "--out", str(out), "--pdf",
                     stdout=io.StringIO(), stderr=stderr)
        assert texts(Document(str(out)))[0] == "质量强区工作进展通报"
        assert "fonts-noto-cjk" in stderr.getvalue()
        assert not out.with_suffix(".pdf").exists()
        with pytest.raises(CommandError, match="fonts-noto-cjk"):
            call_command("progress", "bulletin", "--period", "2026-05", "--out", str(tmp_path / "b.pdf"))
        assert not (tmp_path / "b.pdf").exists()
    finally:
        monkeypatch.undo()
        io_pdf.pdf_missing.cache_clear()


def test_the_pdf_states_what_the_docx_states(cast, month):
    """The PDF is made from the same blocks: the same paragraphs in the same order, the tables' cells,
    in an embedded CJK font (the extracted text is the Chinese itself, not missing glyphs)."""
    result = bulletin_generate(actor=cast.office, period=parse_period("2026-05"), pdf=True,
                               today=dt.date(2026, 6, 3))
    assert result.pdf_message == ""
    lines = pdf_text(result.pdf)
    assert lines[:4] == [*DISTRICT_TEXT[:3], "各成员单位，各镇（街道、管委会）："]
    joined = "".join(lines)  # long paragraphs wrap: compare without the line breaks
    position = 0
    for paragraph in [p for p in DISTRICT_TEXT if p]:
        position = joined.index(paragraph, position) + len(paragraph)  # present, and in the docx's order
    assert "区经信局45%41.37%绿灯" in joined.replace(" ", "")
    assert "园区标准化建设滞后区住建局2026-05-28待整改" in joined.replace(" ", "")
    assert lines[-1] == "— 2 —"
    assert "Noto-Serif-CJK-SC" in pdf_fonts(result.pdf)
    assert AuditEvent.objects.get(action="bulletin.generate").changes["pdf"] is True


def test_pdf_download_on_the_page_is_for_approvers_only(cast, month, client_for):
    url = reverse("progress:bulletin")
    response = client_for("office").post(url, {"period": "2026-05", "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''{quote('质量强区工作进展通报（2026年5月）.pdf')}")
    assert pdf_text(response.content)[0] == "质量强区工作进展通报"
    page = client_for("office").get(url).content.decode()
    assert 'name="format" value="pdf"' in page and "disabled" not in page
    # A liaison may not generate it: 404, and nothing is recorded.
    assert client_for("liaison_a").post(url, {"period": "2026-05", "format": "pdf"}).status_code == 404
    assert AuditEvent.objects.filter(action="bulletin.generate").count() == 1


def _document(actor) -> tuple[list[str], list[list[list[str]]]]:
    document = Document(io.BytesIO(bulletin_generate(actor=actor, period=parse_period("2026-05"),
                                                     today=dt.date(2026, 6, 3)).docx))
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    return texts(document), tables


DISTRICT_TEXT = [
    "质量强区工作进展通报", "（2026年第5期）", "质量强区工作领导小组办公室　　　　2026年5月31日", "",
    "各成员单位，各镇（街道、管委会）：", "现将2026年5月全区质量强区工作任务推进情况通报如下。",
    "一、总体情况",
    "截至2026年5月31日，全区共有在推进工作事项2项，其中绿灯1项、黄灯1项、红灯0项、暂无数据0项。本期应报送进展报告2份，"
    "按时报送1份，逾期报送0份，逾期未报1份。督查发现问题尚未销号1个，本期整改销号0个。",
    "二、分任务推进情况", "（一）推动经济发展质量效益型跃升",
    "三、逾期报送情况", "本期逾期报送或逾期未报的单位：区住建局（1项）。请相关单位高度重视，抓紧补报。",
    "四、工作亮点", "区经信局：建成数字化车间10个。新建数字化车间4个",
    "五、督查问题整改情况", "尚未销号的问题1个，其中超过整改时限1个。",
    "六、下步工作要求",
    "各责任单位要对照任务分解要求，加快推进黄灯、红灯事项，按时报送进展情况和佐证材料；对督查发现的问题，要按期完成整改并申请销号。"
    "质量强区办将持续跟踪督办。",
]


def test_a_partial_scope_office_admin_gets_the_bulletin_of_its_own_units(cast, month):
    """An office admin of 区住建局 alone reads only 区住建局's work item, report and finding;
    the district office reads both units'."""
    from qualitygov.accounts.choices import Role
    from qualitygov.accounts.services import user_create

    s, _item_b = month
    dept_b_admin = user_create(actor=None, username="office_b", password="Cast-password-2026", display_name="office_b",
                               unit=cast.dept_b, grants=[(Role.OFFICE_ADMIN, cast.dept_b, False)])
    header = ["任务", "工作事项", "牵头单位", "实际进度", "序时进度", "状态"]
    task = f"{s.task.number}. {s.task.title}"
    finding = ["园区标准化建设滞后", "区住建局", "2026-05-28", "待整改"]

    district_text, district_tables = _document(cast.office)
    assert district_text == DISTRICT_TEXT
    assert district_tables == [
        [header, [task, "建成数字化车间10个", "区经信局", "45%", "41.37%", "绿灯"],
         [task, "改造老旧小区质量提升", "区住建局", "—", "41.37%", "黄灯"]],
        [["问题", "责任单位", "整改时限", "状态"], finding],
    ]

    own_text, own_tables = _document(dept_b_admin)
    assert own_text == [
        *DISTRICT_TEXT[:5], "现将2026年5月所辖单位质量强区工作任务推进情况通报如下。", "一、总体情况",
        "截至2026年5月31日，所辖单位共有在推进工作事项1项，其中绿灯0项、黄灯1项、红灯0项、暂无数据0项。本期应报送进展报告1份，"
        "按时报送0份，逾期报送0份，逾期未报1份。督查发现问题尚未销号1个，本期整改销号0个。",
        *DISTRICT_TEXT[8:12], "四、工作亮点", "本期暂无经审核的进展报告。", *DISTRICT_TEXT[14:],
    ]
    assert own_tables == [
        [header, [task, "改造老旧小区质量提升", "区住建局", "—", "41.37%", "黄灯"]],
        [["问题", "责任单位", "整改时限", "状态"], finding],
    ]


def _june_reported(cast, s) -> None:
    """June: 区经信局 reports 60 % on time (approved); 区住建局 again does not report."""
    cycle_open(actor=cast.office, cycle=ReportingCycle.objects.get(period_start=dt.date(2026, 6, 1)))
    june = ProgressReport.objects.get(work_item=s.item, cycle__period_start=dt.date(2026, 6, 1))
    report_submit(actor=cast.liaison_a, report=june, progress_pct="60", done_text="六月新建3个", today=dt.date(2026, 6, 20))
    report_approve(actor=cast.office, report=june, today=dt.date(2026, 6, 21))
    ProgressReport.objects.filter(pk=june.pk).update(submitted_at=at(2026, 6, 20))


@pytest.mark.parametrize(("value", "start", "end", "label", "code"), [
    ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "2026年上半年", "2026-H1"),
    ("2026-h2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "2026年下半年", "2026-H2"),
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026年", "2026"),
    ("2026-05", dt.date(2026, 5, 1), dt.date(2026, 5, 31), "2026年5月", "2026-05"),
])
def test_period_may_be_a_month_a_half_year_or_a_year(value, start, end, label, code):
    period = parse_period(value)
    assert (period.start, period.end, period.label, period.code) == (start, end, label, code)


@pytest.mark.parametrize("value", ["2026-H3", "2026-H0", "26", "2026-H", "H1-2026"])
def test_other_spans_are_refused(value):
    with pytest.raises(ServiceError) as refused:
        parse_period(value)
    assert refused.value.fields == {"period": ["请填写月份、半年或年度。"]}


def test_half_year_bulletin_covers_every_month_of_the_half(cast, month):
    s, _item_b = month
    _june_reported(cast, s)
    result = bulletin_generate(actor=cast.office, period=parse_period("2026-H1"), today=dt.date(2026, 7, 3))
    assert result.filename == "质量强区工作进展通报（2026年上半年）.docx"
    lines = texts(Document(io.BytesIO(result.docx)))
    assert lines[:6] == ["质量强区工作进展通报", "（2026年上半年）", "质量强区工作领导小组办公室　　　　2026年6月30日", "",
                         "各成员单位，各镇（街道、管委会）：", "现将2026年上半年全区质量强区工作任务推进情况通报如下。"]
    # May and June: four reports due, 区经信局's two on time, 区住建局's two missing.
    assert ("截至2026年6月30日，全区共有在推进工作事项2项，其中绿灯1项、黄灯1项、红灯0项、暂无数据0项。"
            "本期应报送进展报告4份，按时报送2份，逾期报送0份，逾期未报2份。督查发现问题尚未销号1个，本期整改销号0个。") in lines
    assert "本期逾期报送或逾期未报的单位：区住建局（2项）。请相关单位高度重视，抓紧补报。" in lines
    assert lines[lines.index("四、工作亮点") + 1:lines.index("五、督查问题整改情况")] == [
        "区经信局：建成数字化车间10个。六月新建3个", "区经信局：建成数字化车间10个。新建数字化车间4个"]
    rows = [[c.text for c in row.cells] for row in Document(io.BytesIO(result.docx)).tables[0].rows]
    assert rows[1][2:] == ["区经信局", "60%", "49.59%", "绿灯"]
    # The month alone still counts its own reports only.
    may = texts(Document(io.BytesIO(bulletin_generate(actor=None, period=parse_period("2026-05"),
                                                      today=dt.date(2026, 7, 3)).docx)))
    assert "本期逾期报送或逾期未报的单位：区住建局（1项）。请相关单位高度重视，抓紧补报。" in may
    assert AuditEvent.objects.filter(action="bulletin.generate").order_by("seq").first().changes["period"] == "2026-H1"


def test_command_accepts_a_year(cast, month, tmp_path):
    s, _item_b = month
    _june_reported(cast, s)
    out = tmp_path / "年度通报.docx"
    stdout = io.StringIO()
    call_command("progress", "bulletin", "--period", "2026", "--out", str(out), stdout=stdout)
    lines = texts(Document(str(out)))
    assert lines[1] == "（2026年）"
    assert "现将2026年全区质量强区工作任务推进情况通报如下。" in lines
    assert stdout.getvalue() == f"wrote {out} ({out.stat().st_size:,} bytes)\n"
    with pytest.raises(CommandError, match="YYYY-H1"):
        call_command("progress", "bulletin", "--period", "2026-H3", "--out", str(out))
