"""The round pages: a unit's sheet (its own only), filling an item with evidence, the office's review
form, the leader's approval, results before and after publication, the bulletin and the scores
workbook, and the year-over-year comparison."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from qualitygov.assessments import services_rounds as S
from qualitygov.assessments.choices import ReviewDecision, RoundStatus
from qualitygov.assessments.models import AssessmentRound, ItemEntry
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.progress.tests.factories import make_task

from .rounds_setup import PDF, entry, fill, make_round, published_scheme, units_of
from .test_rounds import AFTER_WINDOW, _review_all


@pytest.fixture
def filled(cast):
    round_ = make_round(cast)
    return round_, fill(cast, round_)


def _approve(cast, round_, units):
    S.entry_override(actor=cast.office, entry=entry(units["a"], "C1"), value={"value": 100}, reason="补报材料已核实")
    S.entry_review(actor=cast.office, entry=entry(units["t"], "B2"), decision=ReviewDecision.ADJUST,
                   value={"option": "基本完成"}, reason="两项未完成")
    _review_all(cast, units)
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    return S.round_approve(actor=cast.leader, round_=round_)


def test_a_unit_sees_its_own_sheet_only(cast, client_for, filled):
    round_, units = filled
    town = client_for("town_liaison")
    page = town.get(reverse("assessments:sheet", args=[units["t"].pk]))
    assert page.status_code == 200
    assert "自评表：沈家门街道" in page.content.decode()
    assert town.get(reverse("assessments:sheet", args=[units["a"].pk])).status_code == 404
    assert town.get(reverse("assessments:sheet_result", args=[units["a"].pk])).status_code == 404
    assert town.get(reverse("assessments:entry_fill", args=[entry(units["a"], "B2").pk])).status_code == 404
    detail = town.get(reverse("assessments:round", args=[round_.pk])).content.decode()
    assert 'data-unit="沈家门街道"' in detail and 'data-unit="区经信局"' not in detail


def test_filling_an_item_with_an_evidence_file(cast, client_for):
    round_ = make_round(cast)
    S.round_transition(actor=cast.office, round_=round_, name="open")
    t = units_of(cast, round_)["t"]
    b2 = entry(t, "B2")
    town = client_for("town_liaison")
    url = reverse("assessments:entry_fill", args=[b2.pk])
    refused = town.post(url, {"option": "不存在的选项", "text": "说明"})
    assert refused.status_code == 400
    assert ItemEntry.objects.get(pk=b2.pk).self_value is None
    done = town.post(url, {"option": "全部完成", "text": "全年8项要点均已完成",
                           "file": SimpleUploadedFile("要点落实情况.pdf", PDF, content_type="application/pdf")})
    assert done.status_code == 302
    b2.refresh_from_db()
    assert (b2.self_value, b2.note, b2.set_by) == ({"option": "全部完成"}, "全年8项要点均已完成", cast.town_liaison)
    [evidence] = Attachment.objects.filter(owner_type="assessments.itementry", owner_id=str(b2.pk))
    assert evidence.original_name == "要点落实情况.pdf"
    got = town.get(reverse("assessments:entry_file", args=[b2.pk, evidence.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert client_for("liaison_a").get(reverse("assessments:entry_file", args=[b2.pk, evidence.pk])).status_code == 404
    submitted = town.post(reverse("assessments:sheet_submit", args=[t.pk]))
    assert submitted.status_code == 302
    t.refresh_from_db()
    assert t.sheet_status == "submitted"


def test_the_office_adjusts_an_item_with_a_reason(cast, client_for, filled):
    _round, units = filled
    b2 = entry(units["t"], "B2")
    office = client_for("office")
    url = reverse("assessments:entry_review", args=[b2.pk])
    assert office.get(url).status_code == 200
    before = AuditEvent.objects.count()
    refused = office.post(url, {"decision": "adjust", "option": "基本完成", "text": ""})
    assert refused.status_code == 400
    assert "请填写调整理由。" in refused.content.decode()
    assert (AuditEvent.objects.count(), ItemEntry.objects.get(pk=b2.pk).decision) == (before, ReviewDecision.PENDING)
    assert office.post(url, {"decision": "adjust", "option": "基本完成", "text": "两项要点未完成"}).status_code == 302
    b2.refresh_from_db()
    assert (b2.decision, b2.reviewed_value, b2.review_reason, b2.effective) == (
        ReviewDecision.ADJUST, {"option": "基本完成"}, "两项要点未完成", {"option": "基本完成"})
    # The leader reads but does not review.
    assert client_for("leader").post(url, {"decision": "accept", "text": ""}).status_code == 404


def test_the_leader_approves_on_the_approval_page(cast, client_for, filled):
    round_, units = filled
    _review_all(cast, units)
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    leader = client_for("leader")
    url = reverse("assessments:round_approve", args=[round_.pk])
    page = leader.get(url).content.decode()
    assert 'data-testid="approve"' in page and 'data-testid="ranking-row"' in page
    assert client_for("liaison_a").post(url, {"action": "approve"}).status_code == 404
    office = client_for("office")
    assert 'data-testid="leader-approves"' in office.get(url).content.decode()
    assert office.post(url, {"action": "approve"}).status_code == 404
    assert leader.post(url, {"action": "approve", "note": "同意"}).status_code == 302
    round_.refresh_from_db()
    assert (round_.status, round_.approved_by, round_.approval_note) == (RoundStatus.APPROVED, cast.leader, "同意")


def _ranks(html: str) -> list[str]:
    import re

    return re.findall(r'data-testid="rank">(\d+)<', html)


def test_results_before_and_after_publication(cast, client_for, filled):
    round_, units = filled
    round_ = _approve(cast, round_, units)
    url = reverse("assessments:round_results", args=[round_.pk])
    town = client_for("town_liaison")
    own = town.get(url).content.decode()
    assert own.count('data-testid="ranking-row"') == 1 and 'data-unit="沈家门街道"' in own
    assert _ranks(own) == []
    result = town.get(reverse("assessments:sheet_result", args=[units["t"].pk])).content.decode()
    assert 'data-testid="total">98.0<' in result and 'data-testid="rank">—<' in result
    led = client_for("leader").get(url).content.decode()
    assert led.count('data-testid="ranking-row"') == 3 and _ranks(led) == ["1", "2", "1"]
    S.round_transition(actor=cast.office, round_=round_, name="publish")
    published = town.get(url).content.decode()
    assert published.count('data-testid="ranking-row"') == 3 and _ranks(published) == ["1", "2", "1"]
    # The ranking, not the other units' breakdowns: only its own unit is a link.
    assert published.count(reverse("assessments:sheet_result", args=[units["t"].pk])) == 1
    assert reverse("assessments:sheet_result", args=[units["a"].pk]) not in published
    result = town.get(reverse("assessments:sheet_result", args=[units["t"].pk])).content.decode()
    assert 'data-testid="rank">1<' in result
    # The exports are for the office and leaders.
    assert town.get(reverse("assessments:round_bulletin", args=[round_.pk])).status_code == 404


def test_bulletin_and_scores_workbook(cast, client_for, filled):
    round_, units = filled
    round_ = _approve(cast, round_, units)
    leader = client_for("leader")
    docx = leader.get(reverse("assessments:round_bulletin", args=[round_.pk]))
    assert docx.status_code == 200
    text = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert text[0] == "关于2026年度质量强区工作考核结果的通报"
    assert "部门：优秀（1个）：区经信局；不合格（1个）：区住建局。" in text
    assert "镇（街道）、管委会：优秀（1个）：沈家门街道。" in text
    assert "区住建局因“全年被督办三次及以上，不得评为优秀”，等次不高于不合格。" in text
    assert "区住建局须于2027年1月30日前向区质量强区办报送书面整改报告，逐项说明失分原因和整改措施。" in text
    table = Document(io.BytesIO(docx.content)).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["排名", "单位", "基础得分", "加分", "总分", "等次"],
        ["1", "区经信局", "99.00", "0", "99.0", "优秀"], ["2", "区住建局", "55.50", "0", "55.5", "不合格"]]
    xlsx = leader.get(reverse("assessments:round_results_xlsx", args=[round_.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("组别", "排名", "单位", "A1 牵头指标完成情况（30）")
    assert rows[3] == ("镇（街道）、管委会", 1, "沈家门街道", "30.00", "5.00", "20.00", "3.00", "10.00",
                       "10.00", "5.00", "5.00", "8.00", "96.00", "2", "98.0", "优秀", None, None, None)


def test_year_over_year_comparison(cast, client_for):
    task = make_task(cast)
    scheme = published_scheme(cast)
    last = make_round(cast, title="2025年度考核", year=2025, scheme=scheme, followup_task=task,
                      self_due=dt.date(2025, 12, 10), review_due=dt.date(2025, 12, 20),
                      approval_due=dt.date(2025, 12, 25), publish_on=dt.date(2025, 12, 30),
                      objection_until=dt.date(2026, 1, 6))
    units = fill(cast, last)
    _approve(cast, last, units)
    S.round_transition(actor=cast.office, round_=last, name="publish")
    S.round_transition(actor=cast.office, round_=last, name="lock", today=dt.date(2026, 1, 7))
    current = make_round(cast, scheme=scheme)
    S.round_transition(actor=cast.office, round_=current, name="open")
    ru = units_of(cast, current)["t"]
    page = client_for("town_liaison").get(reverse("assessments:sheet_result", args=[ru.pk])).content.decode()
    assert 'data-testid="previous-year"><td>2025</td><td class="text-end">98.0</td><td>优秀</td><td>1</td>' in page
    assert AssessmentRound.objects.get(pk=last.pk).status == RoundStatus.LOCKED
    assert AFTER_WINDOW > last.objection_until


def test_the_inbox_asks_for_the_sheet_then_for_approval(cast, client_for):
    import re

    def lines(member, section):
        html = client_for(member).get(reverse("progress:inbox")).content.decode()
        block = re.search(rf'data-testid="inbox-{section}".*?</section>', html, re.S)
        found = re.findall(r'data-testid="inbox-item">(.*?)</li>', block.group(0), re.S) if block else []
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in found]

    round_ = make_round(cast)
    S.round_transition(actor=cast.office, round_=round_, name="open")
    assert [line for line in lines("town_liaison", "due") if "考核" in line] == [
        "2026年度成员单位考核 单位自评 · 沈家门街道 · 2026-12-10 截止"]
    assert not [line for line in lines("office", "due") if "成员单位考核" in line]
    units = fill(cast, round_)  # submits every sheet, starts the review
    assert not [line for line in lines("town_liaison", "due") if "考核" in line]
    S.entry_review(actor=cast.office, entry=entry(units["t"], "B2"), decision=ReviewDecision.RETURN, reason="请补充材料")
    assert [line for line in lines("town_liaison", "returned") if "考核" in line] == [
        "2026年度成员单位考核 单位自评 · 沈家门街道 · 质量强区办退回了部分评分项"]
    S.entry_self_save(actor=cast.town_liaison, entry=entry(units["t"], "B2"), value={"option": "基本完成"})
    S.sheet_submit(actor=cast.town_liaison, round_unit=units["t"])
    _review_all(cast, units)
    S.round_transition(actor=cast.office, round_=round_, name="submit")
    assert lines("leader", "review") == ["2026年度成员单位考核 待审定的考核结果 · 2026-12-25 截止"]


def test_the_office_starts_a_round_on_the_page(cast, client_for):
    scheme = published_scheme(cast)
    office = client_for("office")
    url = reverse("assessments:round_new")
    data = {"scheme": scheme.pk, "year": 2026, "title": "2026年度考核", "self_due": "2026-12-10",
            "review_due": "2026-12-20", "approval_due": "2026-12-25", "publish_on": "2026-12-30",
            "objection_until": "2026-12-01"}
    refused = office.post(url, data)
    assert refused.status_code == 400 and "该日期不能早于时间安排中的上一环节。" in refused.content.decode()
    assert AssessmentRound.objects.count() == 0
    done = office.post(url, {**data, "objection_until": "2027-01-06"})
    round_ = AssessmentRound.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("assessments:round", args=[round_.pk])
    assert (round_.status, round_.scheme, round_.units.count()) == (RoundStatus.DRAFT, scheme, 3)
    assert client_for("leader").post(url, {**data, "title": "另一轮"}).status_code == 404
    page = office.get(reverse("assessments:round", args=[round_.pk])).content.decode()
    assert 'data-testid="step-open"' in page
    assert office.post(reverse("assessments:round_step", args=[round_.pk, "open"])).status_code == 302
    round_.refresh_from_db()
    assert (round_.status, ItemEntry.objects.filter(round_unit__round=round_).count()) == (
        RoundStatus.SELF_ASSESSMENT, 3 * (9 + 3 + 1))


def test_the_office_answers_an_objection_on_the_page(cast, client_for, filled):
    round_, units = filled
    _approve(cast, round_, units)
    S.round_transition(actor=cast.office, round_=round_, name="publish")
    town = client_for("town_liaison")
    url = reverse("assessments:objection_new", args=[units["t"].pk])
    b2 = entry(units["t"], "B2")
    assert town.post(url, {"entry": str(b2.pk), "text": "八项要点均已完成，附完成情况"}).status_code == 302
    objection = b2.objections.get()
    assert (objection.filed_by, objection.outcome) == (cast.town_liaison, "pending")
    answer = reverse("assessments:objection_answer", args=[objection.pk])
    assert town.post(answer, {"outcome": "upheld", "answer": "x"}).status_code == 404
    office = client_for("office")
    assert office.post(answer, {"outcome": "upheld", "answer": "经核实，两项要点已于年底前完成"}).status_code == 302
    assert office.post(reverse("assessments:entry_review", args=[b2.pk]), {
        "decision": "adjust", "option": "全部完成", "text": "异议成立"}).status_code == 302
    round_.refresh_from_db()
    town_row = next(u for u in round_.result["units"] if u["unit"] == "舟山市普陀区沈家门街道")
    assert (town_row["total"], town_row["grade"]) == ("100.0", "优秀")
    page = town.get(reverse("assessments:sheet_result", args=[units["t"].pk])).content.decode()
    assert "经核实，两项要点已于年底前完成" in page and 'data-testid="total">100.0<' in page
