"""Importing the registration / credit-publicity export: export-shaped files (title rows, merged cells,
totals row, GB18030), the dry run's counts and row/column errors, all-or-nothing, idempotent and
corrected re-imports, the kept file and the one audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitygov.core.errors import ServiceError
from qualitygov.core.models import Attachment, AuditEvent
from qualitygov.registry import cli, importer, services
from qualitygov.registry.demo import checked_file
from qualitygov.registry.models import EntityImport, MarketEntity

from .helpers import ROWS, A, B, C, export_csv, export_xlsx, putuo

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns(cast):
    return putuo(cast)


def _snapshot():
    return sorted(MarketEntity.objects.values_list("uscc", "name", "kind", "industry_code", "industry_name",
                                                   "town__short_name", "above_scale", "legal_representative",
                                                   "registered_on", "is_active", "version"))


def test_export_shaped_xlsx_dry_run_then_confirm(cast, towns):
    data = export_xlsx()
    imp = services.entity_import_preview(actor=cast.office, checked=checked_file("名录.xlsx", data))
    assert imp.counts == {"rows": 3, "new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    assert MarketEntity.objects.count() == 0  # a dry run writes no entity
    kept = Attachment.objects.get(owner_type="registry.entityimport", owner_id=str(imp.pk))
    assert kept.sha256 == hashlib.sha256(data).hexdigest() and kept.original_name == "名录.xlsx"
    before = AuditEvent.objects.filter(action="entity_import.confirm").count()
    plan = services.entity_import_confirm(actor=cast.office, imp=imp)
    assert plan.counts == {"rows": 3, "new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    assert _snapshot() == [
        (A, "舟山海鑫水产有限公司", "enterprise", "C1361", "水产品冷冻加工", "沈家门街道", True, "王海",
         dt.date(2008, 5, 12), True, 1),
        (C, "舟山市普陀区六横海丰渔业专业合作社", "cooperative", "A0421", "海水捕捞", "六横镇", False, "李国",
         dt.date(2019, 7, 1), True, 1),
        (B, "浙江欣海船舶修造有限公司", "enterprise", "C3731", "金属船舶制造", "六横镇", False, "陈明",
         dt.date(2012, 3, 2), True, 1),
    ]
    events = AuditEvent.objects.filter(action="entity_import.confirm")
    assert events.count() == before + 1
    assert events.last().changes == {"file": "名录.xlsx", "sha256": hashlib.sha256(data).hexdigest(), "rows": 3,
                                     "new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    imp.refresh_from_db()
    assert imp.status == "confirmed"


def test_reimport_is_idempotent_and_a_corrected_file_updates(cast, towns):
    services.entity_import_run(actor=cast.office, checked=checked_file("a.xlsx", export_xlsx()))
    first = _snapshot()
    _imp, plan = services.entity_import_run(actor=cast.office, checked=checked_file("a.xlsx", export_xlsx()))
    assert plan.counts == {"rows": 3, "new": 0, "changed": 0, "unchanged": 3, "errors": 0}
    assert _snapshot() == first
    corrected = [list(r) for r in ROWS]
    corrected[0][6] = "否"  # A is no longer 规上
    corrected[1][10] = "注销"  # B closed
    _imp, plan = services.entity_import_run(actor=cast.office, checked=checked_file("b.xlsx", export_xlsx(corrected)))
    assert plan.counts == {"rows": 3, "new": 0, "changed": 2, "unchanged": 1, "errors": 0}
    a, b, c = (MarketEntity.objects.get(uscc=code) for code in (A, B, C))
    assert (a.above_scale, a.version, b.is_active, b.version, c.version) == (False, 2, False, 2, 1)


def test_a_file_without_a_column_leaves_that_field_alone(cast, towns):
    services.entity_import_run(actor=cast.office, checked=checked_file("a.xlsx", export_xlsx()))
    short = [[r[0], r[1]] for r in ROWS]
    data = export_xlsx(short, header=["序号", "统一社会信用代码", "企业名称"])
    _imp, plan = services.entity_import_run(actor=cast.office, checked=checked_file("s.xlsx", data))
    assert plan.counts["unchanged"] == 3
    assert MarketEntity.objects.get(uscc=A).above_scale is True


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_each_encoding(cast, towns, encoding):
    data = export_csv(encoding=encoding)
    _imp, plan = services.entity_import_run(actor=cast.office, checked=checked_file("名录.csv", data))
    assert plan.counts == {"rows": 3, "new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    assert MarketEntity.objects.get(uscc=C).name == "舟山市普陀区六横海丰渔业专业合作社"


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(cast, towns):
    rows = [list(r) for r in ROWS]
    rows[1][0] = B[:-1] + "7"  # a wrong check character, data row 2 → file row 5
    rows[2][5] = "沈家门镇"  # no such town, file row 6
    rows[2][9] = "2019-13-01"
    data = export_xlsx(rows)
    plan = services.entity_import_plan(name="a.xlsx", data=data)
    assert [str(e) for e in plan.errors] == [
        "第5行B列（统一社会信用代码）：第18位校验码“7”有误，按前17位计算应为“6”",
        "第6行K列（成立日期）：“2019-13-01”不是日期（应写作 2015-03-02 或 2015年3月2日）",
    ]
    rows[2][9] = "2019-12-01"
    plan = services.entity_import_plan(name="a.xlsx", data=export_xlsx(rows))
    assert [str(e) for e in plan.errors] == [
        "第5行B列（统一社会信用代码）：第18位校验码“7”有误，按前17位计算应为“6”",
        "第6行G列（所属镇街）：“沈家门镇”不是本区的镇（街道）",
    ]
    imp = services.entity_import_preview(actor=cast.office, checked=checked_file("a.xlsx", export_xlsx(rows)))
    assert imp.counts == {"rows": 3, "new": 1, "changed": 0, "unchanged": 0, "errors": 2}
    with pytest.raises(ServiceError):
        services.entity_import_confirm(actor=cast.office, imp=imp)
    with pytest.raises(services.ImportRefused):
        services.entity_import_run(actor=cast.office, checked=checked_file("a.xlsx", export_xlsx(rows)))
    assert MarketEntity.objects.count() == 0
    assert EntityImport.objects.filter(status="confirmed").count() == 0


def test_a_late_bad_row_rolls_back_the_rows_before_it(cast, towns):
    from qualitygov.registry.demo import generate

    rows = list(generate(services.CHUNK + 10))
    for row in rows:
        row[5] = ""  # the cast has one town only
    rows[-1][0] = "91330903MA2A0000X0"
    with pytest.raises(services.ImportRefused) as refused:
        services.entity_import_run(actor=cast.office, checked=checked_file("big.xlsx", export_xlsx(rows)))
    assert refused.value.plan.error_count == 1
    assert MarketEntity.objects.count() == 0


def test_duplicate_codes_and_a_missing_name_column(cast, towns):
    rows = [list(ROWS[0]), list(ROWS[0])]
    rows[1][0] = " " + A.lower() + " "
    plan = services.entity_import_plan(name="d.xlsx", data=export_xlsx(rows))
    assert [str(e) for e in plan.errors] == [f"第5行B列（统一社会信用代码）：与第4行的统一社会信用代码“{A}”重复"]
    with pytest.raises(ServiceError) as refused:
        services.entity_import_plan(name="d.xlsx", data=export_xlsx([[A]], header=["序号", "统一社会信用代码"]))
    assert refused.value.message == "第3行表头缺少“企业名称”列"


def test_industry_codes_and_flags():
    assert importer.split_industry("1361", "") == ("C1361", "", "")
    assert importer.split_industry("", "C3731 金属船舶制造") == ("C3731", "金属船舶制造", "")
    assert importer.split_industry("A1361", "水产品冷冻加工")[2] == "行业代码“A1361”的门类应为“C”（大类13属于门类C）"
    assert importer.split_industry("", "水产品冷冻加工") == ("", "水产品冷冻加工", "")
    assert importer.parse_flag("√") == (True, "") and importer.parse_flag("也许")[1] == "“也许”应填“是”或“否”"
    assert importer.parse_status("吊销，未注销") == (False, "")


# --- the command line ------------------------------------------------------------------------------


def _run_check(tmp_path, name: str, data: bytes) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    code = cli.run_check(str(path), as_json=True, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_cli_check_prints_exactly_the_json(tmp_path, encoding):
    text = f"统一社会信用代码,企业名称\r\n {A.lower()} ,甲\r\n{B[:-1]}7,乙\r\n,丙\r\n\"{C}\",\"丁\r\n（分店）\"\r\n913301007161O5852F,戊\r\n"
    code, out, err = _run_check(tmp_path, "codes.csv", text.encode(encoding))
    assert (code, err) == (1, "")
    assert json.loads(out) == {"rows": 5, "valid": 2, "invalid": [
        {"line": 3, "code": f"{B[:-1]}7", "reason": "第18位校验码“7”有误，按前17位计算应为“6”"},
        {"line": 4, "code": "", "reason": "统一社会信用代码为空"},
        {"line": 7, "code": "913301007161O5852F",
         "reason": "第13位字符“O”不是统一社会信用代码允许的字符（代码不使用字母I、O、Z、S、V）"},
    ]}
    assert list(json.loads(out)) == ["rows", "valid", "invalid"]


def test_cli_check_all_valid_and_missing_column(tmp_path):
    code, out, _err = _run_check(tmp_path, "ok.csv", f"uscc\n{A}\n{B}\n".encode())
    assert (code, out) == (0, '{"rows": 2, "valid": 2, "invalid": []}\n')
    code, out, err = _run_check(tmp_path, "none.csv", "企业名称,住所\n甲,乙\n".encode("gb18030"))
    assert (code, out) == (2, "")
    assert err == "在前20行中没有找到“统一社会信用代码”列（表头应有一列名为“统一社会信用代码”）\n"


def test_cli_check_needs_no_database(tmp_path, django_assert_num_queries):
    with django_assert_num_queries(0):
        code, _out, _err = _run_check(tmp_path, "ok.xlsx", export_xlsx())
    assert code == 0


def test_cli_import_dry_run_and_import(cast, towns, tmp_path):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(export_xlsx())
    out = io.StringIO()
    code = cli.run_import(str(path), dry_run=True, as_json=True, actor_name=None, stdout=out, stderr=io.StringIO())
    assert code == 0 and MarketEntity.objects.count() == 0
    assert json.loads(out.getvalue()) == {"file": "名录.xlsx", "rows": 3, "new": 3, "changed": 0, "unchanged": 0,
                                          "errors": 0, "error_rows": [], "dry_run": True, "imported": False}
    out = io.StringIO()
    code = cli.run_import(str(path), dry_run=False, as_json=False, actor_name="office", stdout=out,
                          stderr=io.StringIO())
    assert code == 0 and MarketEntity.objects.count() == 3
    assert out.getvalue() == "名录.xlsx：已导入。共 3 行：新增 3，变更 0，未变 0，错误 0\n"
    assert AuditEvent.objects.filter(action="entity_import.confirm").last().actor_repr == "office"


def test_cli_import_refuses_a_bad_file_and_an_unknown_actor(cast, towns, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][1] = ""
    path = tmp_path / "bad.xlsx"
    path.write_bytes(export_xlsx(rows))
    out = io.StringIO()
    code = cli.run_import(str(path), dry_run=False, as_json=False, actor_name=None, stdout=out, stderr=io.StringIO())
    assert code == 1 and MarketEntity.objects.count() == 0 and EntityImport.objects.count() == 0
    assert "第4行C列（企业名称）：企业名称为空" in out.getvalue()
    err = io.StringIO()
    code = cli.run_import(str(path), dry_run=True, as_json=True, actor_name="liaison_a", stdout=io.StringIO(),
                          stderr=err)
    assert (code, err.getvalue()) == (2, "用户“liaison_a”不存在或无权导入市场主体\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from(["x.csv", "x.xlsx"]))
def test_reading_any_bytes_never_crashes(data, name):
    try:
        result = importer.check_codes(name, data)
    except importer.TableError as exc:
        assert exc.message
    else:
        assert result["rows"] >= result["valid"] >= 0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(max_size=30), st.integers(), st.none(), st.floats()), max_size=12),
                max_size=6))
def test_parsing_any_rows_never_crashes(rows):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码", "企业名称", "类型", "行业代码", "行业", "所属镇街", "规上", "法定代表人", "住所",
                     "成立日期", "登记状态"])
    for row in rows:
        writer.writerow(row)
    table = importer.read_table("x.csv", out.getvalue().encode())
    for raw in table.rows:
        if not importer.is_skipped(raw.values):
            parsed = importer.parse_row(table, raw)
            assert isinstance(parsed, list | importer.EntityRow)
