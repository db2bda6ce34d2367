"""The quality registers: writes scoped and audited, the .xlsx round trip (dry run with row and column,
all or nothing, formula-safe export), measures by town, the assessment's register counts, snapshots."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.services import org_unit_create
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.indicators.measures import measure_by_town, measure_value
from qualitygov.registers import selectors, services
from qualitygov.registers.demo import demo_uscc, uscc_check_char
from qualitygov.registers.models import AwardApplication, Brand, QualityOfficer, StandardLed
from qualitygov.registers.registers import BRANDS, REGISTERS, STANDARDS
from qualitygov.registry.ledgers import read_rows

from .factories import entity_factory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
D = dt.date(2026, 3, 2)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def towns(cast):
    other = org_unit_create(actor=None, name="舟山市普陀区六横镇", kind=OrgUnitKind.TOWN, parent=cast.district,
                            short_name="六横镇")
    return cast.town, other


@pytest.fixture
def firms(towns):
    sjm, lh = towns
    return [entity_factory(name="浙江普陀海洋食品有限公司", serial=1, town=sjm),
            entity_factory(name="舟山市普陀区东海鱼糜制品有限公司", serial=2, town=sjm),
            entity_factory(name="舟山市普陀区六横船舶修造有限公司", serial=3, town=lh),
            entity_factory(name="舟山市普陀区虾峙海产品加工厂", serial=4, town=lh, above_scale=False)]


def brand(cast, firm, number: str, *, kind: str = "pinzi", issued=D, unit=None, product: str = "冷冻带鱼段"):
    return services.brand_save(actor=cast.office, unit=unit or cast.dept_a, values={
        "kind": kind, "entity": firm, "number": number, "product": product, "issued_on": issued})


# ── USCC of the demo and test firms ─────────────────────────────────────────────────────────────────


def test_the_check_character_is_the_standards():
    # Real published codes (GB 32100-2015 examples and registrations).
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert uscc_check_char("91110000600037341") == "L"
    assert demo_uscc(1)[-1] == uscc_check_char(demo_uscc(1)[:17]) and len(demo_uscc(1)) == 18


# ── Writes: scoped, audited, measures told ───────────────────────────────────────────────────────────


def test_a_record_is_saved_with_its_event_and_tells_the_measures(cast, firms):
    from qualitygov.indicators.measures import add_listener, remove_listener

    heard = []
    add_listener("test", lambda *, keys, actor: heard.append(sorted(keys)))
    try:
        obj = brand(cast, firms[0], "ZJM-2026-001")
    finally:
        remove_listener("test")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_id, event.unit_ref) == ("brand.create", str(obj.pk), cast.dept_a.pk)
    assert event.changes["new"]["number"] == "ZJM-2026-001"
    assert heard == [["registers.brand_certificates", "registers.famous_trademarks"]]


def test_writes_outside_the_scope_are_refused_and_change_nothing(cast, firms):
    obj = brand(cast, firms[0], "ZJM-2026-001")
    events = AuditEvent.objects.count()
    brand(cast, firms[0], "ZJM-2026-002", unit=cast.dept_b)  # the office may keep records anywhere
    with pytest.raises(NotFoundError):
        services.brand_save(actor=cast.liaison_b, unit=cast.dept_a, values={
            "kind": "pinzi", "entity": firms[0], "number": "X", "product": "x", "issued_on": D})
    with pytest.raises(NotFoundError):
        services.brand_save(actor=cast.liaison_b, unit=cast.dept_b, record=obj, values={"product": "x"})
    with pytest.raises(NotFoundError):
        services.brand_delete(actor=cast.liaison_b, record=obj)
    assert Brand.objects.get(pk=obj.pk).product == "冷冻带鱼段"
    assert AuditEvent.objects.count() == events + 1  # only the office's second brand


def test_each_register_is_scoped_to_the_keeping_unit(cast, firms):
    from .url_samples import _record

    for reg in REGISTERS:
        obj = _record(cast, reg.key)
        assert list(selectors.record_list_visible(user=cast.liaison_a, register=reg)) == [obj], reg.key
        assert list(selectors.record_list_visible(user=cast.liaison_b, register=reg)) == [], reg.key
        assert list(selectors.record_list_visible(user=cast.town_liaison, register=reg)) == [], reg.key
        assert list(selectors.record_list_visible(user=cast.leader, register=reg)) == [obj], reg.key


def test_the_model_and_register_rules_are_field_errors(cast, firms):
    brand(cast, firms[0], "ZJM-2026-001")
    with pytest.raises(ServiceError) as exc:
        brand(cast, firms[1], "ZJM-2026-001")
    assert exc.value.fields == {"__all__": ["该类别下已登记此证书编号/注册号。"]}
    with pytest.raises(ServiceError) as exc:
        services.brand_save(actor=cast.office, unit=cast.dept_a, values={
            "kind": "pinzi", "entity": firms[0], "number": "ZJM-9", "product": "x", "issued_on": D,
            "expires_on": D - dt.timedelta(days=1)})
    assert exc.value.fields == {"expires_on": ["证书有效期不能早于发证日期。"]}


def test_an_application_moves_through_named_stages_and_is_decided(cast, firms):
    rnd = services.award_round_save(actor=cast.office, unit=cast.dept_a, values={
        "kind": "district", "year": 2026, "title": "2026年度普陀区政府质量奖", "opens_on": D,
        "closes_on": dt.date(2026, 4, 30)})
    app = services.application_save(actor=cast.office, unit=cast.dept_a, values={
        "round": rnd, "entity": firms[0], "applied_on": dt.date(2026, 4, 1)})
    stages = []
    for _ in range(6):
        app = services.application_advance(actor=cast.office, application=app)
        stages.append(app.stage)
    assert stages == ["recommended", "qualification", "materials", "site", "defence", "approval"]
    assert app.recommended is True
    with pytest.raises(ServiceError):
        services.application_advance(actor=cast.office, application=app)
    app = services.application_decide(actor=cast.office, application=app, result="won",
                                      decided_on=dt.date(2026, 11, 28), reward=Decimal("50"))
    assert (app.stage, app.result, app.reward) == ("decided", "won", Decimal("50.00"))
    assert measure_value("registers.awards_won", start=YEAR[0], end=YEAR[1]).value == Decimal(1)
    with pytest.raises(ServiceError):
        services.application_save(actor=cast.office, unit=cast.dept_a, values={
            "round": rnd, "entity": firms[1], "applied_on": dt.date(2026, 5, 2)})


# ── Import: dry run, row/column errors in Chinese, all or nothing, natural key ──────────────────────


HEAD = ["类别", "统一社会信用代码", "企业名称", "证书编号/注册号", "产品/商标", "发证日期", "有效期至", "认证机构", "备注"]


def test_the_dry_run_names_every_bad_row_and_column_and_nothing_is_written(cast, firms):
    data = xlsx([HEAD,
                 ["品字标浙江制造证书", firms[0].uscc, "", "ZJM-1", "冷冻带鱼段", "2026-03-01", "", "", ""],
                 ["品字标", "91330903XXXXXXXXX1", "", "ZJM-2", "鱼糜", "2026/3/2", "", "", ""],
                 ["金奖", firms[1].uscc, "", "ZJM-3", "鱼糜", "2026年3月40日", "", "", ""],
                 ["驰名商标", firms[2].uscc.lower(), "", "", "", "2026-03-01", "", "", ""],
                 [None] * 9,
                 ["品字标浙江制造证书", firms[3].uscc, "", "ZJM-1", "重复", "2026-03-01", "", "", ""]])
    plan = services.import_plan(actor=cast.office, register=BRANDS, data=data, filename="品牌.xlsx", unit=cast.dept_a)
    assert plan.errors == [
        "第3行“类别”列（A）：“品字标”不是可选值（可选：品字标浙江制造证书、驰名商标）",
        "第3行“统一社会信用代码”列（B）：“91330903XXXXXXXXX1”不在市场主体名录中",
        "第4行“类别”列（A）：“金奖”不是可选值（可选：品字标浙江制造证书、驰名商标）",
        "第4行“发证日期”列（F）：“2026年3月40日”不是日期（如 2026-03-15）",
        "第5行“证书编号/注册号”列（D）：必填",
        "第5行“产品/商标”列（E）：必填",
        "第7行与第2行重复。",
    ]
    before = (Brand.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as exc:
        services.brand_import(actor=cast.office, data=data, filename="品牌.xlsx", unit=cast.dept_a)
    assert exc.value.message == "文件有 7 处问题，未导入任何数据。"
    assert (Brand.objects.count(), AuditEvent.objects.count()) == before


def test_the_import_page_checks_first_then_imports_everything_and_a_second_import_updates(cast, client_for, firms):
    data = xlsx([["说明：品字标证书台账"], HEAD,
                 ["品字标浙江制造证书", firms[0].uscc, "任意", "ZJM-1", "冷冻带鱼段", dt.date(2026, 3, 1), "", "", ""],
                 ["驰名商标", f"  {firms[2].uscc.lower()} ", "", "8800001", "六横及图", "2026-05-06", "", "", ""]])
    client = client_for("office")
    url = reverse("registers:brands_import")
    response = client.post(url, {"file": SimpleUploadedFile("品牌.xlsx", data, XLSX), "unit": cast.dept_a.pk})
    assert response.status_code == 200
    assert Brand.objects.count() == 0
    confirm = response.context["confirm"].initial
    response = client.post(url, {**confirm, "confirm": "1"})
    assert response.status_code == 302
    assert sorted(Brand.objects.values_list("number", "kind", "entity_id", "unit_id")) == [
        ("8800001", "famous", firms[2].pk, cast.dept_a.pk), ("ZJM-1", "pinzi", firms[0].pk, cast.dept_a.pk)]
    event = AuditEvent.objects.filter(action="brand.import").get()
    assert (event.changes["created"], event.changes["updated"], event.changes["file"]) == (2, 0, "品牌.xlsx")
    # The same file again: the same two records, updated, none added.
    plan = services.brand_import(actor=cast.office, data=data, filename="品牌.xlsx", unit=cast.dept_a)
    assert (len(plan.created), len(plan.updated), Brand.objects.count()) == (0, 2, 2)


def test_a_bad_upload_shows_its_errors_on_the_page(cast, client_for, firms):
    data = xlsx([HEAD, ["品字标浙江制造证书", firms[0].uscc, "", "ZJM-1", "冷冻带鱼段", "明天", "", "", ""]])
    response = client_for("office").post(reverse("registers:brands_import"),
                                         {"file": SimpleUploadedFile("品牌.xlsx", data, XLSX), "unit": cast.dept_a.pk})
    assert response.status_code == 400
    assert "第2行“发证日期”列（F）：“明天”不是日期（如 2026-03-15）" in response.content.decode()
    assert Brand.objects.count() == 0


def test_the_template_and_the_export_round_trip(cast, client_for, firms):
    template = client_for("liaison_a").get(reverse("registers:standards_template"))
    wb = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb["导入"][1]] == ["统一社会信用代码", "企业名称", "标准层级", "标准编号", "标准名称", "参与方式",
                                               "发布日期", "企业标准领跑者", "备注"]
    services.standard_save(actor=cast.office, unit=cast.dept_a, values={
        "entity": firms[0], "level": "group", "number": "T/ZZB 1-2026", "title": "冷冻带鱼段", "role": "lead",
        "published_on": D, "leader": True})
    exported = client_for("liaison_a").get(reverse("registers:standards_list"), {"format": "xlsx"}).content
    plan = services.standard_import(actor=cast.office, data=exported, filename="导出.xlsx", unit=cast.dept_a)
    assert (len(plan.created), len(plan.updated)) == (0, 1)


def test_the_export_writes_typed_text_never_a_formula(cast, client_for, firms):
    for i, text in enumerate(["=1+1", "+1", "-1", "@SUM(A1)"]):
        brand(cast, firms[0], f"N{i}", product=text)
    response = client_for("office").get(reverse("registers:brands_list"), {"format": "xlsx"})
    assert response["Content-Type"] == XLSX
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert sorted((c.value, c.data_type) for c in cells if c.column == 5 and c.row > 1) == [
        ("+1", "s"), ("-1", "s"), ("=1+1", "s"), ("@SUM(A1)", "s")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), csv_name=st.booleans())
def test_reading_any_bytes_never_crashes(db, data, csv_name):
    result = read_rows(STANDARDS, data, "x.csv" if csv_name else "x.xlsx")
    assert result.errors or result.rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.integers(), st.floats(allow_nan=True)),
                               min_size=0, max_size=10), max_size=6))
def test_reading_any_sheet_never_crashes(db, cells):
    head = ["统一社会信用代码", "标准层级", "标准编号", "标准名称", "参与方式", "发布日期"]
    result = read_rows(STANDARDS, xlsx([head, *cells]), "x.xlsx")
    assert isinstance(result.errors, list)


# ── Measures by town ─────────────────────────────────────────────────────────────────────────────────


def test_measures_count_by_town_with_provenance(cast, towns, firms):
    sjm, lh = towns
    brand(cast, firms[0], "A1")
    brand(cast, firms[1], "A2")
    brand(cast, firms[2], "A3")
    brand(cast, firms[2], "A4", issued=dt.date(2025, 12, 31))
    brand(cast, firms[0], "T1", kind="famous")
    services.visit_save(actor=cast.office, unit=cast.dept_a, values={
        "kind": "diagnosis", "visited_on": D, "entity": firms[2], "problems": "计量器具未检定"})
    services.publicity_save(actor=cast.office, unit=lh, values={"kind": "quality_month", "title": "质量月",
                                                                "held_on": D, "reach": 300})
    value = measure_value("registers.brand_certificates", start=YEAR[0], end=YEAR[1])
    assert value.value == Decimal(3)
    assert value.provenance == ({"label": "品字标浙江制造证书", "count": 3, "url": "/registers/brands/?kind=pinzi"
                                 "&date_from=2026-01-01&date_to=2026-12-31"},)
    by_town = measure_by_town("registers.brand_certificates", start=YEAR[0], end=YEAR[1], town_ids=[sjm.pk, lh.pk])
    assert {k: v.value for k, v in by_town.items()} == {sjm.pk: Decimal(2), lh.pk: Decimal(1)}
    assert measure_value("registers.brand_certificates", start=YEAR[0], end=YEAR[1], town_id=lh.pk).value == 1
    assert measure_value("registers.famous_trademarks", start=YEAR[0], end=YEAR[1]).value == 1
    assert {k: v.value for k, v in measure_by_town("registers.visits", start=YEAR[0], end=YEAR[1],
                                                   town_ids=[sjm.pk, lh.pk]).items()} == {sjm.pk: None, lh.pk: 1}
    assert measure_by_town("registers.publicity_events", start=YEAR[0], end=YEAR[1],
                           town_ids=[lh.pk])[lh.pk].value == 1
    # The provenance URL opens the same rows.
    url = measure_value("registers.brand_certificates", start=YEAR[0], end=YEAR[1], town_id=lh.pk).provenance[0]["url"]
    assert url == f"/registers/brands/?kind=pinzi&date_from=2026-01-01&date_to=2026-12-31&town={lh.pk}"


def test_the_chief_quality_officer_coverage_of_firms_above_designated_size(cast, towns, firms):
    sjm, lh = towns
    officer = {"person": "王海", "appointed_on": dt.date(2025, 6, 1)}
    services.officer_save(actor=cast.office, unit=cast.dept_a, values={"entity": firms[0], **officer})
    services.officer_save(actor=cast.office, unit=cast.dept_a, values={"entity": firms[2], **officer,
                                                                       "left_on": dt.date(2026, 6, 30)})
    services.officer_save(actor=cast.office, unit=cast.dept_a, values={"entity": firms[3], **officer})  # not 规上
    coverage = measure_value("registers.cqo_coverage", start=YEAR[0], end=YEAR[1])
    assert coverage.value == Decimal("33.3")  # 1 of the 3 active 规上 firms has one in office on 31 Dec
    by_town = measure_by_town("registers.cqo_coverage", start=YEAR[0], end=YEAR[1], town_ids=[sjm.pk, lh.pk])
    assert {k: v.value for k, v in by_town.items()} == {sjm.pk: Decimal("50.0"), lh.pk: Decimal("0.0")}
    mid = measure_by_town("registers.cqo_coverage", start=YEAR[0], end=dt.date(2026, 3, 31), town_ids=[lh.pk])
    assert mid[lh.pk].value == Decimal("100.0")
    assert measure_value("registers.cqo_count", start=YEAR[0], end=YEAR[1]).value == Decimal(2)


# ── Publishable snapshots ────────────────────────────────────────────────────────────────────────────


def test_public_snapshots_hold_no_personal_data(cast, firms):
    firms[0].legal_representative = "张三"
    firms[0].save()
    b = brand(cast, firms[0], "ZJM-1")
    snap = selectors.brand_public_snapshot(b)
    assert snap == {"kind": "brand", "id": b.pk, "brand": "品字标浙江制造证书", "number": "ZJM-1",
                    "product": "冷冻带鱼段", "firm": {"name": firms[0].name, "uscc": firms[0].uscc, "town": "舟山市普陀区沈家门街道"},
                    "issued_on": "2026-03-02", "expires_on": None, "certifier": ""}
    std = services.standard_save(actor=cast.office, unit=cast.dept_a, values={
        "entity": firms[0], "level": "group", "number": "T/ZZB 1-2026", "title": "冷冻带鱼段", "role": "lead",
        "published_on": D})
    assert selectors.standard_public_snapshot(std)["level"] == "团体标准"
    rnd = services.award_round_save(actor=cast.office, unit=cast.dept_a, values={
        "kind": "district", "year": 2026, "title": "2026年度普陀区政府质量奖", "opens_on": D,
        "closes_on": dt.date(2026, 4, 30)})
    app = services.application_save(actor=cast.office, unit=cast.dept_a, values={
        "round": rnd, "entity": firms[0], "applied_on": dt.date(2026, 4, 1), "reward": Decimal("50")})
    snap = selectors.award_public_snapshot(app)
    assert set(snap) == {"kind", "id", "round", "year", "award", "firm", "result", "decided_on", "publicity_from",
                         "publicity_to"}
    for s in (snap, selectors.brand_public_snapshot(b), selectors.standard_public_snapshot(std)):
        assert "张三" not in json.dumps(s, ensure_ascii=False)


# ── Pages ────────────────────────────────────────────────────────────────────────────────────────────


def test_pages_render_in_chinese(cast, client_for, firms):
    brand(cast, firms[0], "ZJM-1")
    client = client_for("liaison_a")
    html = client.get(reverse("registers:home")).content.decode()
    assert "质量登记簿" in html and "首席质量官" in html
    html = client.get(reverse("registers:brands_list")).content.decode()
    assert "ZJM-1" in html and "品字标浙江制造证书" in html
    obj = Brand.objects.get()
    html = client.get(reverse("registers:brands_detail", args=[obj.pk])).content.decode()
    assert firms[0].uscc in html
    response = client.post(reverse("registers:brands_edit", args=[obj.pk]), {
        "kind": "pinzi", "entity": firms[0].uscc.lower(), "number": "ZJM-1", "product": "冷冻鲳鱼",
        "issued_on": "2026-03-02", "unit": cast.dept_a.pk, "version": obj.version})
    assert response.status_code == 302
    assert Brand.objects.get().product == "冷冻鲳鱼"


def test_the_demo_loads_once(db):
    from qualitygov.accounts.demo import load as load_accounts
    from qualitygov.registers.demo import load

    load_accounts()
    first = load(today=dt.date(2026, 11, 26))
    assert first["records"] > 50
    assert AwardApplication.objects.filter(result="won", is_demo=True).count() == 2
    assert QualityOfficer.objects.exists() and StandardLed.objects.filter(leader=True).exists()
    assert load(today=dt.date(2026, 11, 26)) == {"records": 0}


def test_publicity_evidence_is_checked_stored_and_served_in_scope(cast, client_for):
    item = services.publicity_save(actor=cast.office, unit=cast.dept_a, values={
        "kind": "quality_month", "title": "质量月启动仪式", "held_on": D, "reach": 800})
    client = client_for("liaison_a")
    url = reverse("registers:publicity_evidence_add", args=[item.pk])
    client.post(url, {"file": SimpleUploadedFile("照片.pdf", b"MZ not a pdf", "application/pdf")})
    assert services.publicity_evidence(item) == []
    client.post(url, {"file": SimpleUploadedFile("照片.pdf", b"%PDF-1.4 photo", "application/pdf")})
    [evidence] = services.publicity_evidence(item)
    download = reverse("registers:publicity_evidence", args=[item.pk, evidence.pk])
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 photo"
    assert client_for("liaison_b").get(download).status_code == 404
