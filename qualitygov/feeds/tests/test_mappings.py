"""Each shipped mapping on a file shaped like the real export: title rows over merged cells, the header
found below them, merged town cells, a totals row checked and skipped, GB18030 text, and one bad row
reported with its row and column in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qualitygov.feeds.mappings import get_mapping
from qualitygov.feeds.reader import read_feed
from qualitygov.feeds.towns import town_resolver

from . import fixtures

pytestmark = pytest.mark.django_db


def _read(key, data, name):
    return read_feed(data, name, get_mapping(key), resolve_town=town_resolver())


def _figures(result, towns):
    names = {unit.pk: short for short, unit in towns.items()}
    return [(r.row, names.get(r.town_id, ""), r.category, r.subject, r.period_start.isoformat(),
             {m: str(v) for m, v, _w in r.figures}) for r in result.rows]


def test_c12315_xlsx(towns):
    result = _read("c12315", fixtures.c12315_xlsx(), "12315月报.xlsx")
    assert result.errors == []
    assert result.header_row == 4
    assert result.skipped_totals == [8]
    assert result.title == "普陀区12315投诉举报统计月报 统计期间：2026年1月 单位：件、%"
    assert _figures(result, towns) == [
        (5, "沈家门街道", "食品", "", "2026-01-01",
         {"accepted": "12.0000", "ontime_rate": "99.0000", "mediation_rate": "95.5000", "disclosure_rate": "100.0000"}),
        (6, "沈家门街道", "日用消费品", "", "2026-01-01",
         {"accepted": "1008.0000", "ontime_rate": "98.0000", "mediation_rate": "88.0000", "disclosure_rate": "100.0000"}),
        (7, "东港街道", "食品", "", "2026-01-01",
         {"accepted": "5.0000", "ontime_rate": "100.0000", "mediation_rate": "80.0000", "disclosure_rate": "100.0000"}),
    ]
    assert result.rows[0].period_end == dt.date(2026, 1, 31)
    # rates carry the row's 受理量 as their weight
    assert result.rows[1].figures[1] == ("ontime_rate", Decimal("98.0000"), Decimal("1008"))


def test_c12315_bad_row_and_totals_mismatch(towns):
    bad = _read("c12315", fixtures.c12315_xlsx(bad=True), "12315月报.xlsx")
    assert [e.as_dict() for e in bad.errors] == [
        {"row": 7, "column": "C列（受理量（件））", "message": "“abc”不是数字"}]
    wrong_total = _read("c12315", fixtures.c12315_xlsx(accepted_sjm_food=13), "x.xlsx")
    assert wrong_total.errors == []  # the fixture's totals row follows the rows …
    data = fixtures.xlsx_bytes([["镇街", "受理量"], ["沈家门街道", 3], ["东港街道", 4], ["合计", 8]])
    off = read_feed(data, "x.xlsx", get_mapping("c12315"), resolve_town=town_resolver())
    assert [str(e) for e in off.errors] == ["文件：无法确定统计月份：表中没有月份列，标题中也没有“××××年×月”"]
    data = fixtures.xlsx_bytes([["2026年3月"], ["镇街", "受理量"], ["沈家门街道", 3], ["东港街道", 4], ["合计", 8]])
    off = read_feed(data, "x.xlsx", get_mapping("c12315"), resolve_town=town_resolver())
    assert [str(e) for e in off.errors] == ["第5行 B列（受理量）：合计行与明细之和不符：合计为8，明细之和为7"]


def test_c12315_gb18030_csv_with_blank_merged_town(towns):
    data = fixtures.c12315_gb18030_csv()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = _read("c12315", data, "12315.csv")
    assert result.errors == []
    assert _figures(result, towns) == [
        (3, "沈家门街道", "食品", "", "2026-02-01",
         {"accepted": "10.0000", "ontime_rate": "100.0000", "mediation_rate": "90.0000", "disclosure_rate": "100.0000"}),
        (4, "沈家门街道", "日用消费品", "", "2026-02-01",
         {"accepted": "20.0000", "ontime_rate": "95.0000", "mediation_rate": "85.0000", "disclosure_rate": "100.0000"}),
        (5, "六横镇", "食品", "", "2026-02-01",
         {"accepted": "3.0000", "ontime_rate": "100.0000", "mediation_rate": "100.0000", "disclosure_rate": "100.0000"}),
    ]


def test_inspections(towns):
    result = _read("inspections", fixtures.inspections_xlsx(), "双随机.xlsx")
    assert result.errors == []
    assert result.header_row == 3
    assert _figures(result, towns) == [
        (4, "沈家门街道", "", "", "2026-03-01", {"planned": "40.0000", "completed": "38.0000",
                                                "ontime_publication_rate": "100.0000", "followup_rate": "100.0000",
                                                "problems": "3.0000"}),
        (5, "东港街道", "", "", "2026-03-01", {"planned": "30.0000", "completed": "30.0000",
                                              "ontime_publication_rate": "96.7000", "followup_rate": "50.0000",
                                              "problems": "2.0000"}),
        (6, "六横镇", "", "", "2026-03-01", {"planned": "20.0000", "completed": "20.0000",
                                            "ontime_publication_rate": "100.0000", "problems": "0.0000"}),
    ]
    bad = _read("inspections", fixtures.inspections_xlsx(bad=True), "双随机.xlsx")
    assert [str(e) for e in bad.errors] == ["第5行 F列（后续处置率）：比率150%应在0～100之间"]


def test_sampling(towns):
    result = _read("sampling", fixtures.sampling_xlsx(), "抽检.xlsx")
    assert result.errors == []
    assert result.skipped_totals == [7]
    assert _figures(result, towns) == [
        (3, "沈家门街道", "食品", "DC26330903000101", "2026-04-02", {"batches": "1", "failed": "0"}),
        (4, "沈家门街道", "食用农产品", "DC26330903000102", "2026-04-03", {"batches": "1", "failed": "1"}),
        (5, "东港街道", "药品", "DC26330903000103", "2026-04-08", {"batches": "1", "failed": "0"}),
        (6, "六横镇", "工业产品", "GC26330903000104", "2026-04-30", {"batches": "1", "failed": "0"}),
    ]
    bad = _read("sampling", fixtures.sampling_xlsx(bad=True), "抽检.xlsx")
    assert [str(e) for e in bad.errors] == ["第6行 F列（抽样日期）：日期“2026-04-31”无效"]


def test_credit_two_row_header(towns):
    result = _read("credit", fixtures.credit_xlsx(), "信用.xlsx")
    assert result.errors == []
    assert result.header_row == 3
    assert result.skipped_totals == [7]
    assert _figures(result, towns)[2] == (6, "六横镇", "", "", "2026-05-01",
                                          {"serious_listed": "0.0000", "serious_removed": "0.0000",
                                           "abnormal_listed": "6.0000", "abnormal_removed": "3.0000"})
    bad = _read("credit", fixtures.credit_xlsx(bad=True), "信用.xlsx")
    assert [str(e) for e in bad.errors] == ["第6行 D列（列入）：“七”不是数字"]


def test_air(towns):
    result = _read("air", fixtures.air_csv(), "空气.csv")
    assert result.errors == []
    assert [(r.row, r.period_start.isoformat(), r.subject, {m: str(v) for m, v, _w in r.figures})
            for r in result.rows] == [
        (3, "2026-06-01", "普陀城区站", {"days": "1", "good_days": "1"}),
        (4, "2026-06-02", "普陀城区站", {"days": "1", "good_days": "0"}),
        (5, "2026-06-03", "普陀城区站", {"days": "1", "good_days": "1"}),
        (6, "2026-06-04", "普陀城区站", {"days": "1", "good_days": "1"}),
    ]
    bad = _read("air", fixtures.air_csv(bad=True), "空气.csv")
    assert [str(e) for e in bad.errors] == ["第6行 C列（AQI）：AQI“x”不是数字"]


def test_water(towns):
    result = _read("water", fixtures.water_xlsx(), "水质.xlsx")
    assert result.errors == []
    assert _figures(result, towns) == [
        (4, "东港街道", "", "勾山浦", "2026-07-01", {"sections": "1", "good_sections": "1"}),
        (5, "沈家门街道", "", "展茅大河", "2026-07-01", {"sections": "1", "good_sections": "0"}),
        (6, "六横镇", "", "六横河", "2026-07-01", {"sections": "1", "good_sections": "1"}),
    ]
    bad = _read("water", fixtures.water_xlsx(bad=True), "水质.xlsx")
    assert [str(e) for e in bad.errors] == ["第6行 D列（水质类别）：水质类别“Ⅵ”无法识别（应为Ⅰ～Ⅴ类或劣Ⅴ类）"]


def test_unknown_town_and_missing_header(towns):
    data = fixtures.xlsx_bytes([["2026年1月"], ["镇街", "受理量"], ["桃花镇", 3], ["合计", 3]])
    result = _read("c12315", data, "x.xlsx")
    assert [str(e) for e in result.errors] == ["第3行 A列（镇街）：镇街“桃花镇”不是本区的镇（街道）"]
    data = fixtures.xlsx_bytes([["2026年1月"], ["地区", "数量"], ["沈家门街道", 3]])
    result = _read("c12315", data, "x.xlsx")
    assert [str(e) for e in result.errors] == [
        "文件：未找到表头：在前30行中没有一行同时含有“镇街”、“受理量”"]


def test_not_a_spreadsheet():
    result = read_feed(b"PK\x03\x04garbage", "x.xlsx", get_mapping("c12315"))
    assert [str(e) for e in result.errors] == ["文件：无法打开该Excel文件（文件已损坏或不是.xlsx格式）"]
    result = read_feed(b"\xff\xfe\xfa\x00", "x.csv", get_mapping("c12315"))
    assert result.error_count == 1
