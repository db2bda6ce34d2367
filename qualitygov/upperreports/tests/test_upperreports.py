"""Reports to the level above: generated from approved data only (with provenance and the missing values
listed), frozen by review, the submission recorded with the files byte-identical to the downloads, a
correction as a new edition, and who may do what."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.indicators.services import (
    indicator_set_targets,
    observation_approve,
    observation_save_draft,
    observation_submit,
    periods_generate,
)
from qualitygov.indicators.tests.engine_helpers import quarterly_indicator
from qualitygov.plans.tests.factories import plan_factory
from qualitygov.upperreports import selectors, services
from qualitygov.upperreports.choices import ReportStatus
from qualitygov.upperreports.exports import report_docx, report_xlsx
from qualitygov.upperreports.models import UpperReport, UpperReportTemplate

pytestmark = pytest.mark.django_db

GENERATED = timezone.make_aware(dt.datetime(2026, 10, 9, 9, 0))
REVIEWED = timezone.make_aware(dt.datetime(2026, 10, 10, 15, 30))
COLUMNS = ["name", "unit", "baseline", "target", "value", "yoy", "light", "units", "source", "remarks"]


def _value(cast, indicator, label: str, value: str, *, approve: bool = True):
    obs = observation_save_draft(actor=cast.liaison_a, period=indicator.periods.get(label=label), unit=cast.dept_a,
                                 value=value)
    obs = observation_submit(actor=cast.liaison_a, observation=obs)
    return observation_approve(actor=cast.office, observation=obs) if approve else obs


@pytest.fixture
def setup(cast):
    plan = plan_factory(period=(2023, 2027))
    rate = quarterly_indicator(cast, plan=plan, code="Q1", target="99", baseline="90")
    other = quarterly_indicator(cast, plan=plan, code="Q2", target="80", baseline="70")
    for ind in (rate, other):
        periods_generate(indicator=ind, until=dt.date(2026, 12, 31))
    indicator_set_targets(actor=None, indicator=rate, targets={2026: D("98")}, reason="年度分解",
                          decision="区质量强区办2026年第1次主任会议", in_force_from=dt.date(2026, 1, 10))
    before = _value(cast, rate, "2025-Q3", "95")
    now = _value(cast, rate, "2026-Q3", "97.5")
    pending = _value(cast, other, "2026-Q3", "88", approve=False)
    template = services.template_save(actor=cast.office, title="《普陀区质量强区指标完成情况表》", requested_by="市质量强市办",
                                      plan=plan, indicators=[rate, other], columns=COLUMNS, include_progress=False)
    return {"plan": plan, "rate": rate, "other": other, "before": before, "now": now, "pending": pending,
            "template": template}


def _generate(cast, setup, **kw) -> UpperReport:
    return services.report_create(actor=cast.office, template=setup["template"], year=2026, number=3,
                                  now=GENERATED, **kw)


def test_generated_from_approved_values_only_with_provenance_and_the_missing_listed(cast, setup):
    report = _generate(cast, setup)
    snap = report.snapshot
    assert (report.period_label, report.period_start, report.period_end) == (
        "2026年第三季度", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert snap["headings"] == ["指标名称", "单位", "基线值", "年度目标", "本期值", "同比", "完成情况", "责任单位",
                                "数据来源", "备注"]
    rate, other = snap["rows"]
    assert rate["cells"] == ["Q1 抽检合格率", "%", "90（2022年）", "98", "97.5", "+2.5个百分点", "绿灯",
                             "区经信局", "区经信局", ""]
    # Q2's value was submitted but never approved: it does not appear, the cell says 未报 and the
    # problem is listed before review.
    assert other["cells"] == ["Q2 抽检合格率", "%", "70（2022年）", "—", "未报", "—", "暂无数据", "区经信局",
                              "区经信局", "2026年第三季度未报（区经信局）"]
    assert other["value"] is None and other["provenance"]["observations"] == []
    assert snap["problems"] == ["Q2 Q2 抽检合格率：2026年第三季度未报（区经信局）"]
    assert report.missing_count == 1
    [source] = rate["provenance"]["observations"]
    assert source == {"id": setup["now"].pk, "period": "2026-Q3", "unit": "区经信局", "town": "", "value": "97.5",
                      "approved_by": "office",
                      "approved_at": timezone.localtime(setup["now"].approved_at).isoformat(timespec="seconds"),
                      "approved_on": timezone.localtime(setup["now"].approved_at).strftime("%Y-%m-%d %H:%M")}
    assert rate["provenance"]["year_before"] == {"value": "95", "period": "2025年第三季度",
                                                 "observations": [setup["before"].pk]}
    assert rate["provenance"]["target"]["kind"] == "office"
    assert rate["provenance"]["target"]["decision"] == "区质量强区办2026年第1次主任会议"
    assert str(UpperReport.objects.get().snapshot["rows"][0]["value"]) == "97.5"
    # Due on the 5th working day after 30 September (the National Day holiday counts no days).
    from qualitygov.core.workdays import workdays_add

    assert report.due_on == workdays_add(dt.date(2026, 9, 30), 5)
    assert report.due_on > dt.date(2026, 10, 7)
    event = AuditEvent.objects.filter(action="upper_report.create").get()
    assert event.changes == {"template": setup["template"].pk, "period": "2026年第三季度", "missing": 1}


def test_regenerate_while_draft_then_review_freezes(cast, setup):
    report = _generate(cast, setup)
    observation_approve(actor=cast.office, observation=setup["pending"])
    report = services.report_regenerate(actor=cast.office, report=report, now=GENERATED)
    assert report.snapshot["rows"][1]["cells"][4] == "88"
    assert (report.missing_count, report.snapshot["problems"]) == (0, [])
    report = services.report_review(actor=cast.office, report=report, note="", now=REVIEWED)
    assert (report.status, report.reviewed_by, report.reviewed_at) == (ReportStatus.REVIEWED, cast.office, REVIEWED)
    frozen = report.snapshot
    with pytest.raises(ConflictError):
        services.report_regenerate(actor=cast.office, report=report)
    report.refresh_from_db()
    assert report.snapshot == frozen and report.status == ReportStatus.REVIEWED


def test_review_with_missing_values_needs_a_note(cast, setup):
    report = _generate(cast, setup)
    with pytest.raises(ServiceError) as refused:
        services.report_review(actor=cast.office, report=report, note=" ")
    assert refused.value.fields == {"note": ["缺少1项数据：请在审核意见中说明按现状报送的原因。"]}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    report = services.report_review(actor=cast.office, report=report, note="Q2 数据市统计局尚未发布，下期补报")
    assert report.review_note == "Q2 数据市统计局尚未发布，下期补报"


def _submit(cast, report):
    return services.report_submit(actor=cast.office, report=report, channel="zhengding", recipient="市质量强市办 综合处",
                                  submitted_at=REVIEWED + dt.timedelta(hours=1), receipt_note="已电话确认签收")


def test_submission_records_the_files_byte_identical_to_the_downloads(cast, setup, client_for):
    report = services.report_review(actor=cast.office, report=_generate(cast, setup), note="Q2 待补报",
                                    now=REVIEWED)
    office = client_for("office")
    url = reverse("upperreports:download", args=[report.pk, "xlsx"])
    downloaded = {fmt: office.get(reverse("upperreports:download", args=[report.pk, fmt])).content
                  for fmt in ("xlsx", "docx")}
    report = _submit(cast, report)
    files = selectors.sent_files(report)
    assert [f.original_name for f in files] == ["普陀区质量强区指标完成情况表2026年第三季度.xlsx",
                                                "普陀区质量强区指标完成情况表2026年第三季度.docx"]
    assert [f.file.open("rb").read() for f in files] == [downloaded["xlsx"], downloaded["docx"]]
    assert (report.status, report.channel, report.recipient, report.submitted_by) == (
        ReportStatus.SUBMITTED, "zhengding", "市质量强市办 综合处", cast.office)
    # After submission the download is the stored file, the same bytes.
    after = b"".join(office.get(url).streaming_content)
    assert after == downloaded["xlsx"]
    # Nothing changes once sent.
    for change in (lambda: services.report_regenerate(actor=cast.office, report=report),
                   lambda: services.report_review(actor=cast.office, report=report, note="x"),
                   lambda: services.report_reopen(actor=cast.office, report=report, reason="x"),
                   lambda: _submit(cast, report)):
        with pytest.raises(ConflictError):
            change()
    assert Attachment.objects.filter(owner_type="upperreports.upperreport").count() == 2


def test_exports_read_back(cast, setup):
    report = services.report_review(actor=cast.office, report=_generate(cast, setup), note="Q2 待补报",
                                    now=REVIEWED)
    ws = load_workbook(io.BytesIO(report_xlsx(report)))["指标完成情况"]
    assert ws["A1"].value == "《普陀区质量强区指标完成情况表》"
    assert ws["A2"].value == "（2026年第三季度）"
    assert ws["A3"].value == "填报单位：普陀区质量强区办"
    assert ws["F3"].value == "报送日期：2026年10月10日"
    assert [c.value for c in ws[4]] == ["序号", "指标名称", "单位", "基线值", "年度目标", "本期值", "同比", "完成情况",
                                        "责任单位", "数据来源", "备注"]
    assert [c.value for c in ws[5]] == [1, "Q1 抽检合格率", "%", "90（2022年）", "98", "97.5", "+2.5个百分点", "绿灯",
                                        "区经信局", "区经信局", None]
    assert [c.value for c in ws[6]][5] == "未报"
    assert ws["A8"].value == "说明：Q2 Q2 抽检合格率：2026年第三季度未报（区经信局）"
    document = Document(io.BytesIO(report_docx(report)))
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ["《普陀区质量强区指标完成情况表》", "（2026年第三季度）",
                         "填报单位：普陀区质量强区办　　　　报送日期：2026年10月10日"]
    [grid] = document.tables
    assert [c.text for c in grid.rows[0].cells][:6] == ["序号", "指标名称", "单位", "基线值", "年度目标", "本期值"]
    assert [c.text for c in grid.rows[1].cells][5:7] == ["97.5", "+2.5个百分点"]
    assert [c.text for c in grid.rows[2].cells][5] == "未报"
    # Reproducible: the same report gives the same bytes at another moment.
    assert report_xlsx(report) == report_xlsx(UpperReport.objects.get(pk=report.pk))
    assert report_docx(report) == report_docx(UpperReport.objects.get(pk=report.pk))


def test_a_correction_is_a_new_edition_linked_to_the_one_sent(cast, setup):
    sent = _submit(cast, services.report_review(actor=cast.office, report=_generate(cast, setup), note="Q2 待补报",
                                                now=REVIEWED))
    frozen = sent.snapshot
    with pytest.raises(ServiceError):
        services.report_correct(actor=cast.office, report=sent, reason="  ")
    observation_approve(actor=cast.office, observation=setup["pending"])
    correction = services.report_correct(actor=cast.office, report=sent, reason="补报Q2 第三季度数据")
    assert (correction.edition, correction.corrects, correction.status, correction.missing_count) == (
        2, sent, ReportStatus.DRAFT, 0)
    assert correction.snapshot["rows"][1]["cells"][4] == "88"
    sent.refresh_from_db()
    assert sent.snapshot == frozen and sent.status == ReportStatus.SUBMITTED
    with pytest.raises(ConflictError):
        services.report_correct(actor=cast.office, report=sent, reason="再次更正")
    assert [r.edition for r in selectors.editions(correction)] == [1, 2]
    with pytest.raises(ConflictError):
        services.report_create(actor=cast.office, template=setup["template"], year=2026, number=3)


@pytest.mark.parametrize("member", ["leader", "liaison_a", "town_liaison"])
def test_only_the_district_office_writes(cast, setup, member):
    actor = cast.members[member]
    report = _generate(cast, setup)
    counts = (UpperReport.objects.count(), UpperReportTemplate.objects.count(), AuditEvent.objects.count())
    for write in (
        lambda: services.report_create(actor=actor, template=setup["template"], year=2026, number=2),
        lambda: services.report_regenerate(actor=actor, report=report),
        lambda: services.report_review(actor=actor, report=report, note="x"),
        lambda: services.template_save(actor=actor, template=setup["template"], title="改", requested_by="x",
                                       plan=setup["plan"], indicators=[setup["rate"]], columns=["name"]),
    ):
        with pytest.raises(NotFoundError):
            write()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert (UpperReport.objects.count(), UpperReportTemplate.objects.count(), AuditEvent.objects.count()) == counts


def test_pages_leader_reads_liaison_gets_404_and_denied_posts_change_nothing(cast, setup, client_for):
    report = _generate(cast, setup)
    detail = reverse("upperreports:detail", args=[report.pk])
    page = client_for("leader").get(detail)
    assert page.status_code == 200
    text = page.content.decode()
    assert "未报" in text and "2026年第三季度未报（区经信局）" in text
    assert reverse("upperreports:review", args=[report.pk]) not in text
    for member in ("liaison_a", "town_liaison"):
        assert client_for(member).get(detail).status_code == 404
        assert client_for(member).get(reverse("upperreports:list")).status_code == 404
    before = (report.version, AuditEvent.objects.count())
    for member in ("leader", "liaison_a"):
        response = client_for(member).post(reverse("upperreports:review", args=[report.pk]), {"note": "x"})
        assert response.status_code == 404
    report.refresh_from_db()
    assert (report.version, AuditEvent.objects.count(), report.status) == (*before, ReportStatus.DRAFT)
    office = client_for("office")
    assert office.post(reverse("upperreports:review", args=[report.pk]),
                       {"note": "Q2 待补报", "version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED
    response = office.post(reverse("upperreports:submit", args=[report.pk]), {
        "channel": "email", "recipient": "市质量强市办", "sent_on": timezone.localdate().isoformat(),
        "sent_time": "00:00", "version": report.version})
    assert response.status_code == 400  # before the review
    assert office.get(reverse("upperreports:history")).status_code == 200


def test_template_checks_and_a_stale_edit_is_refused(cast, setup):
    template = setup["template"]
    other_plan = plan_factory(title="另一方案")
    for kwargs, field in (({"title": " "}, "title"), ({"columns": ["unit"]}, "columns"),
                          ({"columns": ["name", "nope"]}, "columns"), ({"indicators": []}, "indicators"),
                          ({"plan": other_plan}, "indicators"), ({"due_workdays": 61}, "due_workdays")):
        args = {"title": "表", "requested_by": "市质量强市办", "plan": setup["plan"], "indicators": [setup["rate"]],
                "columns": ["name"], **kwargs}
        with pytest.raises(ServiceError) as refused:
            services.template_save(actor=cast.office, template=template, version=template.version, **args)
        assert list(refused.value.fields) == [field]
    changed = services.template_save(actor=cast.office, template=template, version=1, title="《指标表》",
                                     requested_by="市质量强市办", plan=setup["plan"], indicators=[setup["other"]],
                                     columns=["name", "value"])
    assert (changed.version, [i.code for i in selectors.template_indicators(changed)]) == (2, ["Q2"])
    event = AuditEvent.objects.filter(action="upper_template.update").get()
    assert event.changes["indicators"] == [[setup["rate"].pk, setup["other"].pk], [setup["other"].pk]]
    with pytest.raises(ConflictError) as stale:
        services.template_save(actor=cast.office, template=changed, version=1, title="旧", requested_by="x",
                               plan=setup["plan"], indicators=[setup["rate"]], columns=["name"])
    assert stale.value.code == "stale"
    changed.refresh_from_db()
    assert (changed.title, changed.version) == ("《指标表》", 2)


def test_the_demo_sends_last_quarter_and_drafts_this_one(db):
    """The loaders before this one run through the registry (the seed plan comes from a peer app)."""
    from django.utils.module_loading import import_string

    from qualitygov.core.registry import demo_loaders
    from qualitygov.upperreports.demo import load

    today = dt.date(2026, 11, 26)
    for loader in demo_loaders():
        if loader.key in ("accounts", "plans"):
            loader.run()
        elif loader.key in ("indicators", "progress"):
            import_string(loader.load)(today=today)
    assert load(today=today) == {"templates": 1, "reports": 2}
    sent, draft = UpperReport.objects.order_by("period_start")
    assert (sent.period_label, sent.status, draft.period_label, draft.status) == (
        "2026年第三季度", ReportStatus.SUBMITTED, "2026年第四季度", ReportStatus.DRAFT)
    assert len(sent.snapshot["rows"]) == 18 and sent.is_demo and draft.is_demo
    assert sent.submitted_at < timezone.make_aware(dt.datetime.combine(sent.due_on, dt.time(0)))
    assert [f.original_name[-5:] for f in selectors.sent_files(sent)] == [".xlsx", ".docx"]
    assert sent.snapshot["progress"]["total"] > 0
    assert load(today=today) == {"templates": 0, "reports": 0}


def test_the_office_runs_a_quarter_through_the_pages(cast, setup, client_for):
    office = client_for("office")
    response = office.post(reverse("upperreports:template_new"), {
        "title": "《季度指标表》", "requested_by": "市质量强市办", "filing_unit": "普陀区质量强区办",
        "plan": setup["plan"].pk, "indicators": [setup["other"].pk, setup["rate"].pk],
        "columns": ["value", "name", "light"], "include_progress": "on", "period_kind": "quarter",
        "due_workdays": "5", "active": "on"})
    assert response.status_code == 302
    template = UpperReportTemplate.objects.get(title="《季度指标表》")
    assert template.columns == ["name", "value", "light"]
    assert [i.code for i in selectors.template_indicators(template)] == ["Q1", "Q2"]
    page = office.get(reverse("upperreports:report_new", args=[template.pk]))
    assert page.status_code == 200
    assert office.post(reverse("upperreports:report_new", args=[template.pk]), {"period": "2026-3"}).status_code == 302
    report = UpperReport.objects.get(template=template)
    assert report.snapshot["headings"] == ["指标名称", "本期值", "完成情况"]
    assert report.snapshot["progress"] == {"total": 0, "completed": 0, "counts": {"red": 0, "yellow": 0, "green": 0,
                                                                                  "grey": 0}, "behind": [], "as_of": ""}
    again = office.post(reverse("upperreports:report_new", args=[template.pk]), {"period": "2026-3"})
    assert again.status_code == 400 and "已存在" in again.content.decode()
    detail = reverse("upperreports:detail", args=[report.pk])
    assert office.post(reverse("upperreports:regenerate", args=[report.pk]),
                       {"version": report.version}).status_code == 302
    report.refresh_from_db()
    assert office.post(reverse("upperreports:review", args=[report.pk]),
                       {"note": "Q2 待补报", "version": report.version}).status_code == 302
    report.refresh_from_db()
    assert office.post(reverse("upperreports:reopen", args=[report.pk]), {"reason": "补充数据",
                                                                          "version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.reviewed_at is None
    office.post(reverse("upperreports:review", args=[report.pk]), {"note": "Q2 待补报", "version": report.version})
    report.refresh_from_db()
    assert office.get(reverse("upperreports:submit", args=[report.pk])).status_code == 200
    now = timezone.localtime()
    response = office.post(reverse("upperreports:submit", args=[report.pk]), {
        "channel": "paper", "recipient": "市质量强市办", "sent_on": now.date().isoformat(),
        "sent_time": now.strftime("%H:%M"), "receipt_note": "", "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.channel) == (ReportStatus.SUBMITTED, "paper")
    history = office.get(reverse("upperreports:history")).content.decode()
    assert "《季度指标表》" in history and "纸质公文" in history
    assert office.post(reverse("upperreports:correct", args=[report.pk]), {"reason": "补报Q2"}).status_code == 302
    correction = UpperReport.objects.get(corrects=report)
    page = office.get(reverse("upperreports:detail", args=[correction.pk])).content.decode()
    assert "更正第1版" in page and "补报Q2" in page
    assert office.get(detail).status_code == 200
    [sent_xlsx, _docx] = selectors.sent_files(report)
    assert office.get(reverse("upperreports:sent_file", args=[report.pk, sent_xlsx.pk])).status_code == 200
    assert office.get(reverse("upperreports:download", args=[correction.pk, "pdf"])).status_code == 404
    exported = load_workbook(io.BytesIO(office.get(reverse("upperreports:history") + "?format=xlsx").content)).active
    assert [c.value for c in exported[1]] == ["报送时间", "报表", "报告期", "版次", "报送对象", "报送方式", "接收人", "报送人",
                                              "签收情况"]
    assert [c.value for c in exported[2]][1:8] == ["《季度指标表》", "2026年第三季度", "原报", "市质量强市办", "纸质公文",
                                                   "市质量强市办", "office"]
    reports = load_workbook(io.BytesIO(office.get(reverse("upperreports:list") + "?format=xlsx").content)).active
    assert reports.max_row == 3
    listing = office.get(reverse("upperreports:list") + "?status=draft").content.decode()
    assert listing.count('data-testid="report"') == 1


def test_the_next_report_reaches_the_office_inbox_until_it_is_sent(cast, setup, client_for):
    from qualitygov.upperreports.inbox import inbox_items

    day = dt.date(2026, 10, 8)
    [item] = inbox_items(cast.office, 10, today=day)
    due = services.report_create(actor=cast.office, template=setup["template"], year=2026, number=3).due_on
    assert (item.title, item.url, item.due_date, item.overdue) == (
        "《普陀区质量强区指标完成情况表》 · 2026年第三季度", reverse("upperreports:report_new", args=[setup["template"].pk]),
        due, False)
    assert item.detail == f"市质量强市办 · 截止 {due.isoformat()} · 尚未生成"
    [item] = inbox_items(cast.office, 10, today=day)
    report = UpperReport.objects.get()
    assert (item.url, item.detail) == (reverse("upperreports:detail", args=[report.pk]),
                                       f"市质量强市办 · 截止 {due.isoformat()} · 草稿")
    assert inbox_items(cast.leader, 10, today=day) == inbox_items(cast.liaison_a, 10, today=day) == []
    _submit(cast, services.report_review(actor=cast.office, report=report, note="Q2 待补报", now=REVIEWED))
    assert inbox_items(cast.office, 10, today=day) == []
    # Two weeks before the next due date it comes back, for the next quarter.
    assert inbox_items(cast.office, 10, today=dt.date(2026, 12, 3)) == []
    [item] = inbox_items(cast.office, 10, today=dt.date(2026, 12, 28))
    assert item.title.endswith("2026年第四季度")
