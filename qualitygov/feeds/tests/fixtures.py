"""Files shaped like the real exports, one per shipped mapping: title rows over merged cells, the header
somewhere below, merged town cells, a totals row, notes, and (where asked) one bad row."""

from __future__ import annotations

from qualitygov.feeds.sheets import csv_bytes, xlsx_bytes

__all__ = ["csv_bytes", "xlsx_bytes"]


def c12315_xlsx(*, bad: bool = False, accepted_sjm_food: int = 12, demo: str = "") -> bytes:
    """2026年1月 12315 statistics: 2 title rows (merged), header at row 4, 沈家门街道 merged over two
    category rows, percent-formatted cells, a 合计 row and a note."""
    rows = [
        [f"普陀区12315投诉举报统计月报{demo}", None, None, None, None, None],
        ["统计期间：2026年1月", None, None, None, "单位：件、%", None],
        [],
        ["镇街", "类别", "受理量（件）", "按时办结率", "调解成功率", "投诉公示率"],
        ["沈家门街道", "食品", accepted_sjm_food, 0.99, "95.5%", "100%"],
        [None, "日用消费品", "1,008", "98.0%", 88, 100],
        ["东港", "食品", "abc" if bad else 5, "100%", "80%", "100%"],
        ["合 计", None, 1025 + accepted_sjm_food - 12, None, None, None],
        ["注：本表数据来源于全国12315平台。", None, None, None, None, None],
    ]
    return xlsx_bytes(rows, merges=["A1:F1", "A2:D2", "A5:A6"], percent_cells=["D5"])


def c12315_gb18030_csv() -> bytes:
    """The same month as a GB18030 CSV: the merged town cell comes out blank below its first row."""
    rows = [
        ["普陀区12315投诉举报统计月报（2026年2月）"],
        ["镇街", "类别", "受理量", "按时办结率", "调解成功率", "投诉公示率"],
        ["沈家门街道", "食品", "10", "100%", "90%", "100%"],
        ["", "日用消费品", "20", "95%", "85%", "100%"],
        ["六横镇人民政府", "食品", "3", "100.0%", "100%", "100%"],
        ["合计", "", "33", "", "", ""],
    ]
    return csv_bytes(rows, encoding="gb18030")


def inspections_xlsx(*, bad: bool = False) -> bytes:
    rows = [
        ["2026年3月“双随机、一公开”抽查结果统计表", None, None, None, None, None, None],
        ["填报单位：区市场监管分局", None, None, None, None, None, None],
        ["序号", "镇街", "计划抽查户数", "完成抽查户数", "按时公示率", "后续处置率", "发现问题户数"],
        [1, "沈家门街道", 40, 38, "100%", "100%", 3],
        [2, "东港街道", 30, 30, "96.7%", "50%" if not bad else "150%", 2],
        [3, "六横镇", 20, 20, "100%", "", 0],
        ["合计", None, 90, 88, None, None, 5],
    ]
    return xlsx_bytes(rows, merges=["A1:G1", "A2:G2"])


def sampling_xlsx(*, bad: bool = False) -> bytes:
    rows = [
        ["普陀区食品和产品抽检结果明细（2026年4月）", None, None, None, None, None, None],
        ["抽样单编号", "样品名称", "抽检类别", "被抽样单位名称", "所在镇街", "抽样日期", "检验结论"],
        ["DC26330903000101", "大米", "评价性抽检", "某粮油店", "沈家门街道", "2026-04-02", "合格"],
        ["DC26330903000102", "带鱼", "例行监测", "某水产店", "沈家门街道", "2026/4/3", "不合格"],
        ["DC26330903000103", "阿莫西林胶囊", "基本药物", "某药房", "东港街道", "2026年4月8日", "合格"],
        ["GC26330903000104", "电线电缆", "产品质量监督抽查", "某电器厂", "六横镇",
         "2026-04-31" if bad else "2026-04-30", "合格"],
        ["合计：共4批次", None, None, None, None, None, None],
    ]
    return xlsx_bytes(rows, merges=["A1:G1"])


def credit_xlsx(*, bad: bool = False) -> bytes:
    """A two-row header: 严重违法失信名单 and 经营异常名录 merged over 列入/移出; 镇街 merged down."""
    rows = [
        ["普陀区信用监管名单列入移出情况（2026年5月）", None, None, None, None],
        ["镇街", "严重违法失信名单", None, "经营异常名录", None],
        [None, "列入", "移出", "列入", "移出"],
        ["沈家门街道", 1, 0, 25, 12],
        ["东港街道", 0, 1, 14, 9],
        ["六横镇", 0, 0, "七" if bad else 6, 3],
        ["总计", 1, 1, 45, 24],
    ]
    return xlsx_bytes(rows, merges=["A1:E1", "A2:A3", "B2:C2", "D2:E2"])


def air_csv(*, bad: bool = False) -> bytes:
    rows = [
        ["普陀区环境空气质量日报（2026年6月）"],
        ["日期", "站点", "AQI", "首要污染物", "空气质量级别"],
        ["2026-06-01", "普陀城区站", "45", "—", "优"],
        ["2026-06-02", "普陀城区站", "112", "O3", "轻度污染"],
        ["2026-06-03", "普陀城区站", "", "—", "良"],
        ["2026-06-04", "普陀城区站", "x" if bad else "68", "PM2.5", "良"],
    ]
    return csv_bytes(rows, encoding="utf-8-sig")


def water_xlsx(*, bad: bool = False) -> bytes:
    rows = [
        ["普陀区地表水省控断面水质月报", None, None, None],
        ["2026年7月", None, None, None],
        ["断面名称", "所在镇街", "月份", "水质类别"],
        ["勾山浦", "东港街道", "2026-07", "Ⅲ"],
        ["展茅大河", "沈家门街道", "2026年7月", "Ⅳ类"],
        ["六横河", "六横镇", "202607", "Ⅵ" if bad else "II"],
    ]
    return xlsx_bytes(rows, merges=["A1:D1", "A2:D2"])
