"""The import pages: upload, review with corrections, confirm, cancel, history; who may use them."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from qualitygov.accounts.models import OrgUnit
from qualitygov.indicators.models import Indicator
from qualitygov.planimport.choices import ImportStatus
from qualitygov.planimport.corrections import CorrectionsError, parse_corrections
from qualitygov.planimport.models import PlanImport
from qualitygov.planimport.services import plan_import_confirm, plan_import_preview
from qualitygov.plans.demo import SEED
from qualitygov.plans.models import Plan

from .test_import_services import SEED_BYTES, TITLE, add_demo_departments, revised_seed_text, row_counts


@pytest.fixture
def demo_org(cast):
    """The cast plus the demo district's departments."""
    return add_demo_departments(cast)


def form_data(form) -> dict:
    """What a browser submits for the review form as rendered (unticked boxes and empty values left out)."""
    return {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}


def upload(client, data: bytes = SEED_BYTES, name: str = SEED.name):
    return client.post(reverse("planimport:import_upload"), {"file": SimpleUploadedFile(name, data)})


def test_office_uploads_and_reviews_the_seed(client_for, demo_org):
    office = client_for("office")
    page = office.get(reverse("planimport:import_upload"))
    assert page.status_code == 200
    assert 'accept=".txt,.html,.htm,.docx,.pdf"' in page.content.decode()

    response = upload(office)
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("planimport:import_review", args=[plan_import.pk])

    html = office.get(response["Location"]).content.decode()
    assert TITLE in html
    assert "普质强区发〔2023〕1号" in html
    assert 'data-testid="task-table"' in html and 'data-testid="indicator-table"' in html
    assert html.count('name="t') > 0 and 'value="树立质量发展绿色导向"' in html
    for fix in plan_import.parsed["cleanup"]["other_fixes"]:
        assert fix in html
    for warning in plan_import.parsed["warnings"]:
        assert warning in html
    assert "拼音注音" in html  # the cleanup counts are labelled in Chinese
    assert "区资规分局" in html and "区资源规划分局" in html and 'data-testid="alias-pair"' in html
    assert 'data-testid="unresolved"' not in html  # every demo name is known
    assert 'data-testid="revision-diff"' not in html


def test_unresolved_names_are_highlighted_and_can_be_mapped(client_for, cast):
    office = client_for("office")
    upload(office)
    plan_import = PlanImport.objects.get()
    url = reverse("planimport:import_review", args=[plan_import.pk])
    html = office.get(url).content.decode()
    assert html.count('data-testid="unresolved"') > 20
    assert "table-warning" in html

    form = office.get(url).context["form"]
    data = form_data(form)
    harbour = next(row for row in form.unit_rows if row["name"] == "区港航分中心")
    data[harbour["field"].html_name] = f"unit:{cast.dept_b.pk}"
    data["t1-title"] = "坚持创新驱动"
    data["i0-value"] = "18"
    response = office.post(url, data)
    assert response.status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.corrections == {
        "tasks": {"1": {"title": "坚持创新驱动"}},
        "units": {"区港航分中心": {"unit": cast.dept_b.pk}},
        "indicators": {"0": {"value": 18}},
    }
    html = office.get(url).content.decode()
    assert 'value="坚持创新驱动"' in html

    response = office.post(reverse("planimport:import_confirm", args=[plan_import.pk]), data)
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    landing = office.get(response["Location"])
    assert landing.status_code == 200 and "方案已导入。" in landing.content.decode()
    assert plan.tasks.get(number="1").title == "坚持创新驱动"
    assert OrgUnit.objects.named("区港航分中心").get() == cast.dept_b


def test_bad_upload_shows_the_reason_and_writes_nothing(client_for, cast):
    office = client_for("office")
    before = row_counts()
    response = upload(office, b"MZ\x90\x00" + b"\x00" * 200, "plan.docx")
    assert response.status_code == 200
    assert "文件名为 .docx，但内容不是 Word 文档。" in response.content.decode()
    assert row_counts() == before


@override_settings(QUALITYGOV_MAX_UPLOAD_BYTES=1024)
def test_oversized_or_wrongly_named_upload_is_refused_before_reading(client_for, cast):
    office = client_for("office")
    before = row_counts()
    assert "文件过大：35.2 KB，上限为 1 KB。" in upload(office).content.decode()
    assert "只能导入 .txt、.html、.htm、.docx 或 .pdf 文件。" in upload(office, b"PK\x03\x04", "plan.xlsx").content.decode()
    assert "“另存为” .docx 后再导入" in upload(office, b"\xd0\xcf\x11\xe0", "plan.doc").content.decode()
    assert row_counts() == before


def test_revision_diff_is_shown_and_confirm_updates_in_place(client_for, demo_org):
    plan = plan_import_confirm(actor=demo_org.office, plan_import=plan_import_preview(
        actor=demo_org.office, filename=SEED.name, data=SEED_BYTES))
    office = client_for("office")
    upload(office, revised_seed_text().encode(), "plan-v2.txt")
    plan_import = PlanImport.objects.get(status=ImportStatus.PREVIEW)
    url = reverse("planimport:import_review", args=[plan_import.pk])
    response = office.get(url)
    html = response.content.decode()
    assert 'data-testid="revision-diff"' in html
    assert "树立质量发展绿色低碳导向" in html and "培育区域质量发展新优势" in html and "特种设备定期检验率" in html
    response = office.post(reverse("planimport:import_confirm", args=[plan_import.pk]), form_data(response.context["form"]))
    assert response["Location"] == reverse("plans:plan_detail", args=[plan.pk])
    plan.refresh_from_db()
    assert (plan.revision, plan.tasks.count(), Plan.objects.count()) == (2, 19, 1)


def test_cancel_and_history(client_for, demo_org):
    office = client_for("office")
    upload(office)
    plan_import = PlanImport.objects.get()
    response = office.post(reverse("planimport:import_cancel", args=[plan_import.pk]))
    assert response["Location"] == reverse("planimport:import_list")
    plan_import.refresh_from_db()
    assert plan_import.status == ImportStatus.CANCELLED
    html = office.get(reverse("planimport:import_list")).content.decode()
    assert SEED.name in html and "已取消" in html
    # A cancelled import is read-only.
    assert office.post(reverse("planimport:import_review", args=[plan_import.pk]), {"title": "x"}).status_code == 404

    export = office.get(reverse("planimport:import_export"))
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "文件名", "状态", "识别的标题")
    assert rows[1][:4] == (plan_import.pk, SEED.name, "已取消", TITLE)


def test_empty_history(client_for, cast):
    html = client_for("office").get(reverse("planimport:import_list")).content.decode()
    assert 'data-testid="imports-empty"' in html


@pytest.mark.parametrize("member", ["liaison_a", "liaison_b", "town_liaison", "leader"])
def test_others_cannot_open_or_use_the_import_pages(client_for, cast, member):
    plan_import = plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    client = client_for(member)
    before = row_counts()
    assert client.get(reverse("planimport:import_upload")).status_code == 404
    assert upload(client).status_code == 404
    assert client.get(reverse("planimport:import_list")).status_code == 404
    assert client.get(reverse("planimport:import_export")).status_code == 404
    assert client.get(reverse("planimport:import_review", args=[plan_import.pk])).status_code == 404
    assert client.post(reverse("planimport:import_review", args=[plan_import.pk]), {"title": "x"}).status_code == 404
    assert client.post(reverse("planimport:import_confirm", args=[plan_import.pk])).status_code == 404
    assert client.post(reverse("planimport:import_cancel", args=[plan_import.pk])).status_code == 404
    assert row_counts() == before
    plan_import.refresh_from_db()
    assert (plan_import.status, plan_import.corrections) == (ImportStatus.PREVIEW, {})


def test_unticking_a_suggested_alias_pair_keeps_the_names_apart(client_for, cast):
    office = client_for("office")
    upload(office)
    plan_import = PlanImport.objects.get()
    url = reverse("planimport:import_review", args=[plan_import.pk])
    form = office.get(url).context["form"]
    data = form_data(form)
    [pair] = form.pair_rows
    assert data[pair["field"].html_name] is True
    del data[pair["field"].html_name]  # an unticked box is not submitted
    assert office.post(url, data).status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.corrections == {"merges": {"区资源规划分局|区资规分局": False}}
    assert 'data-testid="unresolved"' in office.get(url).content.decode()


def test_change_targets_carry_comparator_and_baseline_year_through_review_to_the_indicators(client_for, cast):
    """A county plan with 较2020年下降13% and 下降2个百分点: the review shows and corrects the baseline
    year, and the confirmed plan's indicators keep the change comparator and baseline year."""
    source = Path(__file__).parent / "fixtures" / "synthetic_t3_county_plan_change_targets.txt"
    office = client_for("office")
    upload(office, source.read_bytes(), source.name)
    plan_import = PlanImport.objects.get()
    url = reverse("planimport:import_review", args=[plan_import.pk])
    page = office.get(url)
    html = page.content.decode()
    assert "基期年份" in html and '<option value="decrease_by" selected>较基期下降</option>' in html
    form = page.context["form"]
    names = [row["item"]["name"] for row in form.indicator_rows]
    assert names[:3] == ["规上工业企业亩均税收", "单位工业增加值能耗", "规上工业企业研发投入占营业收入比重"]
    assert form["i1-baseline_year"].value() == 2020
    data = form_data(form)
    data["i2-baseline_year"] = "2022"  # 提高0.5个百分点 states no baseline: the office adds one
    assert office.post(url, data).status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.corrections == {"indicators": {"2": {"baseline_year": 2022}}}

    assert office.post(reverse("planimport:import_confirm", args=[plan_import.pk]), data).status_code == 302
    rows = list(Indicator.objects.filter(plan=Plan.objects.get()).order_by("order").values_list(
        "name", "comparator", "target_value", "unit", "target_year", "baseline_year")[:5])
    assert rows == [
        ("规上工业企业亩均税收", "annual_growth", Decimal("8.0000"), "%", 2025, None),
        ("单位工业增加值能耗", "decrease_by", Decimal("13.0000"), "%", 2025, 2020),
        ("规上工业企业研发投入占营业收入比重", "increase_pp", Decimal("0.5000"), "个百分点", 2025, 2022),
        ("农产品质量安全监测合格率", ">=", Decimal("98.0000"), "%", 2025, None),
        ("产品抽检不合格发现率", "decrease_pp", Decimal("2.0000"), "个百分点", 2025, 2022),
    ]


def test_review_of_a_reimport_lists_the_reviewed_values_it_keeps(client_for, demo_org):
    from qualitygov.planimport.demo import load as load_seed

    load_seed()
    office = client_for("office")
    page = office.get(upload(office)["Location"]).content.decode()
    kept = page.split('data-testid="diff-kept"', 1)[1].split("</div>", 1)[0]
    assert "指标 I13：新文件中的名称“地表水省控…到或优于Ⅲ类水质比例”不如已审核的“地表水省控断面达到或优于Ⅲ类水质比例”，保留已审核的名称。" in kept
    assert 'data-testid="diff-empty"' in page


def test_review_shows_each_item_in_the_sentence_it_came_from(client_for, demo_org):
    office = client_for("office")
    page = office.get(upload(office)["Location"]).content.decode()
    # Units: the note as written, and the rule that decided the lead.
    assert ("原文： （<mark>责任部门：区发改局、区经信局、区市场监管分局按职责分工负责。以下均需各镇街道、管委会落实，"
            "不再列出</mark>）") in page
    assert page.count('data-testid="lead-rule">未写明牵头：按惯例由首列单位牵头</span>') == 19
    # Indicators: the clause with the name and the value marked.
    assert "<mark>规上工业企业研发活动覆盖率</mark>" in page
    text = ("为贯彻落实《质量强国建设纲要》，加快推进质量强区建设，结合我区实际，提出如下实施意见。\n一、总体要求\n坚持质量第一。\n"
            "二、重点任务\n（一）提升制造业质量竞争力。推动企业导入卓越绩效管理模式，2025年底前培育标杆企业10家。"
            "（区经信局牵头，区市场监管局、区科技局配合）\n（二）提升工程质量。推进工程质量安全手册制度，长期坚持。"
            "（牵头单位：区住建局；配合单位：区交通局）\n三、保障措施\n（一）加强组织领导。统筹推进。\n")
    page = office.get(upload(office, text.encode(), "opening.txt")["Location"]).content.decode()
    assert "未找到方案标题：文件从正文（开头语）开始，标题可能在复制时丢失，请在导入审核时填写标题" in page
    assert '<div class="small text-muted" data-testid="deadline-source">推动企业导入卓越绩效管理模式，<mark>2025年底前</mark>培育标杆企业10家。</div>' in page
    assert '<div class="small text-muted" data-testid="deadline-source">推进工程质量安全手册制度，<mark>长期坚持</mark>。</div>' in page
    assert 'data-testid="lead-rule">注释写明了由谁牵头（…牵头）</span>' in page
    assert 'data-testid="lead-rule">注释中标明了牵头和配合单位</span>' in page


def test_the_office_turns_the_first_listed_lead_convention_off_for_one_import(client_for, demo_org):
    """The convention is the office's choice on the review page: off, a list without roles stays all lead."""
    office = client_for("office")
    upload(office)
    plan_import = PlanImport.objects.get()
    url = reverse("planimport:import_review", args=[plan_import.pk])
    form = office.get(url).context["form"]
    assert form["first_listed_leads"].value() is True
    task1 = form.task_rows[0]["task"]
    assert (task1["lead_departments"], task1["co_departments"], task1["lead_rule"]) == (
        ["区发改局"], ["区经信局", "区市场监管分局"], "first_listed")

    data = form_data(form)
    del data["first_listed_leads"]  # the box unticked
    assert office.post(url, data).status_code == 302
    plan_import.refresh_from_db()
    assert plan_import.corrections == {"first_listed_leads": False}
    form = office.get(url).context["form"]
    assert form["first_listed_leads"].value() is False
    task1 = form.task_rows[0]["task"]
    assert (task1["lead_departments"], task1["co_departments"], task1["lead_rule"]) == (
        ["区发改局", "区经信局", "区市场监管分局"], [], "listed")

    with pytest.raises(CorrectionsError):
        parse_corrections({"first_listed_leads": "no"}, task_numbers=set(), indicator_count=0)
