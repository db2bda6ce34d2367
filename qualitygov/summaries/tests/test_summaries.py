"""Half-year summaries: a round on the office's template, units filing with pulled figures, reminders
and lateness through the daily job, review, and the district draft consolidated, edited, finalised
and exported as .docx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from qualitygov.core.errors import ConflictError, NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent, Notification
from qualitygov.summaries import selectors, services
from qualitygov.summaries.chase import summaries_chase
from qualitygov.summaries.choices import DistrictStatus, UnitSummaryStatus
from qualitygov.summaries.export import district_docx
from qualitygov.summaries.models import SummaryChase, UnitSummary

from .factories import DUE, at, make_template, make_world, open_round

TEXTS_A = ["新建数字化车间4个，规上工业企业首席质量官覆盖率达到80%。", "部分企业质量管理基础薄弱。", "推进首席质量官培训全覆盖。"]
TEXTS_B = ["完成老旧小区改造12个。", "工程质量抽查发现问题3处。", "开展住宅工程质量常见问题专项治理。"]


@pytest.fixture
def world(cast):
    return make_world(cast)


def _summary(rnd, unit) -> UnitSummary:
    return UnitSummary.objects.get(round=rnd, unit=unit)


def test_a_summary_cycle_with_one_late_unit_consolidated_into_the_district_draft(cast, world):
    plan, _indicator, _done, _late = world
    template = make_template(cast)
    rnd = open_round(cast, plan, template, units=[cast.dept_a, cast.dept_b, cast.town])
    assert (rnd.label, rnd.period_start, rnd.period_end, rnd.template_version) == (
        "2026年上半年工作总结", dt.date(2026, 1, 1), dt.date(2026, 6, 30), 1)
    a, b = (_summary(rnd, u) for u in (cast.dept_a, cast.dept_b))

    # Three days before the due date every unit is reminded once, however often the job runs.
    assert summaries_chase(today=dt.date(2026, 7, 7)) == {"reminders": 3, "overdue": 0, "late": 0, "notices": 3}
    assert summaries_chase(today=dt.date(2026, 7, 8)) == {"reminders": 0, "overdue": 0, "late": 0, "notices": 0}
    assert list(Notification.objects.filter(recipient=cast.liaison_a).values_list("kind", "subject")) == [
        ("summaries.reminder", "请于2026-07-10前报送2026年上半年工作总结")]

    # 区经信局 files on time: the figures are taken at submission and stored with the summary.
    services.unit_summary_submit(actor=cast.liaison_a, summary=a, texts=TEXTS_A, version=a.version,
                                 now=at(2026, 7, 8))
    a.refresh_from_db()
    assert (a.status, a.late) == (UnitSummaryStatus.SUBMITTED, False)
    assert a.figures == {
        "taken_on": "2026-07-08",
        "indicators": [{"code": "Q1", "name": "Q1 抽检合格率", "measure": "%", "value": "95", "period": "2026-Q1",
                        "target": "≥98%", "target_year": 2026, "light": "red",
                        "source": "指标“Q1 抽检合格率”2026-Q1已审核值"}],
        "work_items": {"total": 2, "green": 1, "yellow": 0, "red": 1, "grey": 0, "completed": 1, "overdue": 1,
                       "red_titles": ["完成首席质量官培训"], "overdue_titles": ["完成首席质量官培训"],
                       "source": "牵头工作事项2项（截至2026-06-30的红黄绿灯和完成情况）"},
    }
    services.unit_summary_accept(actor=cast.office, summary=a)

    # The due date passes: 区住建局 and 沈家门街道 are chased as overdue and recorded late; the office hears.
    assert summaries_chase(today=dt.date(2026, 7, 11)) == {"reminders": 0, "overdue": 2, "late": 2, "notices": 3}
    assert summaries_chase(today=dt.date(2026, 7, 12)) == {"reminders": 0, "overdue": 0, "late": 0, "notices": 0}
    assert list(Notification.objects.filter(recipient=cast.office).values_list("subject", "body")) == [
        ("2026年上半年工作总结：2个单位逾期未报送", "区住建局、沈家门街道")]
    assert sorted(SummaryChase.objects.values_list("unit__short_name", "level")) == [
        ("区住建局", "overdue"), ("区住建局", "reminder"), ("区经信局", "reminder"),
        ("沈家门街道", "overdue"), ("沈家门街道", "reminder")]

    # 区住建局 files late: the flag stays. 沈家门街道 never files.
    services.unit_summary_submit(actor=cast.liaison_b, summary=b, texts=TEXTS_B, version=b.version,
                                 now=at(2026, 7, 13))
    b.refresh_from_db()
    assert (b.status, b.late, b.figures["work_items"]["total"]) == (UnitSummaryStatus.SUBMITTED, True, 0)
    assert selectors.late_by_unit(year=2026) == {cast.dept_b.pk: 1, cast.town.pk: 1}

    # 生成区级总结初稿: each section gathers the units' text; the figures table cites what they submitted.
    district = services.district_summary_generate(actor=cast.office, round=rnd, today=dt.date(2026, 7, 14))
    assert district.title == "普陀区质量强区2026年上半年工作总结"
    assert district.sections == [
        {"heading": "一、主要工作成效", "text": f"区经信局：{TEXTS_A[0]}\n区住建局：{TEXTS_B[0]}"},
        {"heading": "二、存在的问题", "text": f"区经信局：{TEXTS_A[1]}\n区住建局：{TEXTS_B[1]}"},
        {"heading": "三、下半年工作打算", "text": f"区经信局：{TEXTS_A[2]}\n区住建局：{TEXTS_B[2]}"},
        {"heading": "主要指标和工作事项完成情况",
         "text": "截至2026年7月14日，2个单位报送了总结，各单位报送的主要数据见附表。"},
        {"heading": "存在的不足和滞后情况", "text": "\n".join([
            "逾期未报送总结的单位：沈家门街道。",
            "逾期报送总结的单位：区住建局。",
            "红灯工作事项：区经信局“完成首席质量官培训”。",
            "逾期未完成的工作事项：区经信局“完成首席质量官培训”。",
            "未达序时目标（红灯）的指标：区经信局“Q1 抽检合格率”（95%，2026年目标≥98%）。",
        ])},
    ]
    assert district.figure_rows == [
        ["区经信局", "Q1 抽检合格率", "95%", "2026年目标≥98%；红灯", "指标“Q1 抽检合格率”2026-Q1已审核值"],
        ["区经信局", "牵头工作事项", "2项", "绿灯1项、黄灯0项、红灯1项、暂无数据0项；已完成1项、逾期1项",
         "牵头工作事项2项（截至2026-06-30的红黄绿灯和完成情况）"],
        ["区住建局", "牵头工作事项", "0项", "绿灯0项、黄灯0项、红灯0项、暂无数据0项；已完成0项、逾期0项",
         "牵头工作事项0项（截至2026-06-30的红黄绿灯和完成情况）"],
    ]

    # The office edits and finalises; the text is then frozen. The .docx reads back.
    texts = [s["text"] for s in district.sections]
    texts[0] += "\n全区质量工作稳步推进。"
    district = services.district_summary_save(actor=cast.office, district=district, title=district.title,
                                              texts=texts, version=district.version)
    district = services.district_summary_finalise(actor=cast.office, district=district, version=district.version)
    assert district.status == DistrictStatus.FINAL
    with pytest.raises(ConflictError):
        services.district_summary_save(actor=cast.office, district=district, title="改", texts=texts)
    with pytest.raises(ConflictError):
        services.district_summary_generate(actor=cast.office, round=rnd)
    document = Document(io.BytesIO(district_docx(district)))
    lines = [p.text for p in document.paragraphs]
    assert lines[0] == "普陀区质量强区2026年上半年工作总结"
    assert lines[3:8] == ["一、主要工作成效", f"区经信局：{TEXTS_A[0]}", f"区住建局：{TEXTS_B[0]}", "全区质量工作稳步推进。",
                          "二、存在的问题"]
    assert "五、存在的不足和滞后情况" in lines and "逾期未报送总结的单位：沈家门街道。" in lines
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["单位", "数据项", "数值", "对照（目标、灯色、完成情况）", "来源"]
    assert [c.text for c in table.rows[1].cells][:3] == ["区经信局", "Q1 抽检合格率", "95%"]
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="district_summary.").order_by("seq")] == [
        "district_summary.generate", "district_summary.save", "district_summary.finalise"]


def test_only_the_units_own_liaison_and_the_office_write_its_summary(cast, world):
    plan, *_rest = world
    rnd = open_round(cast, plan, make_template(cast), units=[cast.dept_a, cast.dept_b])
    a = _summary(rnd, cast.dept_a)
    for outsider in (cast.liaison_b, cast.leader, cast.town_liaison):
        with pytest.raises(NotFoundError):
            services.unit_summary_save(actor=outsider, summary=a, texts=["x", "y", "z"])
    a.refresh_from_db()
    assert (a.texts, a.version) == (["", "", ""], 1)
    assert AuditEvent.objects.filter(action="unit_summary.save").count() == 0
    # An empty section is refused at submission, naming it; nothing changes.
    with pytest.raises(ServiceError) as refused:
        services.unit_summary_submit(actor=cast.liaison_a, summary=a, texts=["写了", "", "写了"])
    assert refused.value.message == "每一部分都填写后才能报送（第2部分为空）。"
    a.refresh_from_db()
    assert a.status == UnitSummaryStatus.DRAFT
    # A stale save is refused.
    services.unit_summary_save(actor=cast.liaison_a, summary=a, texts=["一", "二", "三"], version=1)
    with pytest.raises(ConflictError):
        services.unit_summary_save(actor=cast.liaison_a, summary=a, texts=["旧", "二", "三"], version=1)
    a.refresh_from_db()
    assert a.texts == ["一", "二", "三"]


def test_a_returned_summary_is_revised_and_submitted_again(cast, world):
    plan, *_rest = world
    rnd = open_round(cast, plan, make_template(cast), units=[cast.dept_a])
    a = _summary(rnd, cast.dept_a)
    services.unit_summary_submit(actor=cast.liaison_a, summary=a, texts=TEXTS_A, now=at(2026, 7, 1))
    with pytest.raises(ServiceError):
        services.unit_summary_return(actor=cast.office, summary=a, reason=" ")
    with pytest.raises(NotFoundError):
        services.unit_summary_return(actor=cast.leader, summary=a, reason="数据不全")
    services.unit_summary_return(actor=cast.office, summary=a, reason="请补充指标完成情况")
    a.refresh_from_db()
    assert (a.status, a.return_reason) == (UnitSummaryStatus.RETURNED, "请补充指标完成情况")
    services.unit_summary_submit(actor=cast.liaison_a, summary=a, texts=TEXTS_A, now=at(2026, 7, 12))
    a.refresh_from_db()
    # Resubmitted after the due date: late.
    assert (a.status, a.late, a.return_reason) == (UnitSummaryStatus.SUBMITTED, True, "")


def test_round_defaults_to_the_plans_member_units_and_refuses_a_second_round(cast, world):
    plan, *_rest = world
    template = make_template(cast)
    assert [u.short_name for u in services.member_units(plan)] == ["区经信局", "区住建局"]
    rnd = open_round(cast, plan, template)
    assert sorted(rnd.unit_summaries.values_list("unit__short_name", flat=True)) == ["区住建局", "区经信局"]
    with pytest.raises(ServiceError):
        open_round(cast, plan, template)
    with pytest.raises(NotFoundError):
        services.round_open(actor=cast.leader, plan=plan, year=2026, kind="annual", due_date=dt.date(2027, 1, 20),
                            template=template)
    # Editing the template later leaves the open round's sections alone.
    services.template_save(actor=cast.office, title="新模板", sections=[{"heading": "一、成效"}], figures=[],
                           template=template, version=template.version)
    rnd.refresh_from_db()
    assert [s["heading"] for s in rnd.sections] == ["一、主要工作成效", "二、存在的问题", "三、下半年工作打算"]
    assert DUE == rnd.due_date


def test_remind_command_prints_what_it_did(cast, world):
    from django.core.management import call_command

    plan, *_rest = world
    open_round(cast, plan, make_template(cast), units=[cast.dept_a])
    out = io.StringIO()
    call_command("summaries", "remind", "--today", "2026-07-11", stdout=out)
    assert out.getvalue() == "截止前提醒 0 个单位；逾期催报 1 个单位（新记逾期 1 个）；发出通知 2 条\n"
    assert UnitSummary.objects.get().late is True
