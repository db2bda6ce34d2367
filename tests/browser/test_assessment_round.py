"""A town liaison fills its self-assessment with an evidence file, the office adjusts one item, the
leader approves, and once the results are published the town sees its score and its rank."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from qualitygov.assessments import services_rounds as S
from qualitygov.assessments.choices import ReviewDecision
from qualitygov.assessments.tests.rounds_setup import AUTO, LEADER, RECORDS, SELF, entry, make_round, units_of


def _setup(cast):
    """The round open; the platform's figures in; the two departments' sheets filled and submitted."""
    round_ = make_round(cast)
    S.round_transition(actor=cast.office, round_=round_, name="open")
    units = units_of(cast, round_)
    for key, ru in units.items():
        for code, value in AUTO[key].items():
            S.round_inputs_set(actor=cast.office, round_unit=ru, code=code, value=value, records=RECORDS)
    for key, liaison in (("a", cast.liaison_a), ("b", cast.liaison_b)):
        for code, value in SELF[key].items():
            S.entry_self_save(actor=liaison, entry=entry(units[key], code), value=value)
        S.sheet_submit(actor=liaison, round_unit=units[key])
    return round_, units


def test_town_fills_office_adjusts_leader_approves_town_sees_score_and_rank(new_page, sign_in, cast, tmp_path):
    round_, units = _setup(cast)
    town_sheet = reverse("assessments:sheet", args=[units["t"].pk])
    evidence = Path(tmp_path) / "年度要点落实情况.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")

    town = new_page()
    sign_in(town, "town_liaison")
    town.goto(reverse("assessments:round", args=[round_.pk]))
    town.get_by_role("link", name="沈家门街道").click()
    expect(town.get_by_role("heading", name="自评表：沈家门街道")).to_be_visible()
    town.locator('[data-testid="sheet-row"][data-code="B2"]').get_by_test_id("fill").click()
    town.get_by_label("等次").select_option("全部完成")
    town.get_by_label("说明").fill("全年8项工作要点全部完成")
    town.get_by_label("佐证材料").set_input_files(str(evidence))
    town.get_by_role("button", name="保存").click()
    expect(town.get_by_role("alert").filter(has_text="已保存")).to_be_visible()
    b2_row = town.locator('[data-testid="sheet-row"][data-code="B2"]')
    expect(b2_row.get_by_test_id("value")).to_have_text("全部完成")
    expect(b2_row.get_by_test_id("evidence")).to_have_text("年度要点落实情况.pdf")
    town.locator('[data-testid="sheet-row"][data-code="D1"]').get_by_test_id("fill").click()
    for aspect in ("分管领导", "联络员", "经费", "制度"):
        town.get_by_label(aspect).check()
    town.get_by_role("button", name="保存").click()
    town.get_by_test_id("submit-sheet").click()
    expect(town.get_by_test_id("sheet-status")).to_have_text("已提交")
    # Another unit's sheet is not there for the town.
    assert town.goto(reverse("assessments:sheet", args=[units["a"].pk])).status == 404

    office = new_page()
    sign_in(office, "office")
    office.goto(reverse("assessments:round", args=[round_.pk]))
    office.get_by_test_id("step-start_review").click()
    expect(office.get_by_test_id("round-status")).to_have_text("质量强区办审核")
    office.goto(town_sheet)
    office.locator('[data-testid="sheet-row"][data-code="B2"]').get_by_test_id("review").click()
    office.get_by_label("调整（填写调整后的取值和理由）").check()
    office.get_by_label("等次").select_option("基本完成")
    office.get_by_label("理由或依据").fill("两项要点未按期完成")
    office.get_by_role("button", name="保存审核意见").click()
    expect(office.locator('[data-testid="sheet-row"][data-code="B2"]').get_by_test_id("decision")).to_have_text(
        "已调整：两项要点未按期完成")

    # The leader evaluations and the remaining acceptances, as the office enters them.
    for key, ru in units.items():
        S.entry_override(actor=cast.office, entry=entry(ru, "E1"), value={"score": LEADER[key]}, reason="区领导评价")
        for e in ru.entries.all():
            if e.decision == ReviewDecision.PENDING and e.effective is not None:
                S.entry_review(actor=cast.office, entry=e, decision=ReviewDecision.ACCEPT)
    office.goto(reverse("assessments:round", args=[round_.pk]))
    office.get_by_test_id("step-submit").click()
    expect(office.get_by_test_id("round-status")).to_have_text("待领导审定")

    leader = new_page()
    sign_in(leader, "leader")
    leader.goto(reverse("assessments:round", args=[round_.pk]))
    leader.get_by_test_id("approve-link").click()
    expect(leader.locator('[data-testid="ranking-row"][data-unit="沈家门街道"]').get_by_test_id("total")).to_have_text(
        "96.0")
    leader.get_by_test_id("approve").click()
    expect(leader.get_by_test_id("round-status")).to_have_text("已审定")

    office.reload()
    office.get_by_test_id("step-publish").click()
    expect(office.get_by_test_id("round-status")).to_have_text("已发布")

    town.goto(reverse("assessments:round_results", args=[round_.pk]))
    row = town.locator('[data-testid="ranking-row"][data-unit="沈家门街道"]')
    expect(row.get_by_test_id("total")).to_have_text("96.0")
    expect(row.get_by_test_id("rank")).to_have_text("1")
    town.goto(reverse("assessments:sheet_result", args=[units["t"].pk]))
    expect(town.get_by_test_id("total")).to_have_text("96.0")
    expect(town.get_by_test_id("grade")).to_have_text("优秀")
    expect(town.get_by_test_id("rank")).to_have_text("1")
