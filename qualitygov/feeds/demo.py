"""Demo feeds: a year of generated exports for Putuo's towns (2026-01 up to the last full month), shaped like
the real ones (title rows labelled 演示数据, merged cells, totals rows; March's 12315 file and the air
reports as GB18030 CSV), imported through the real importer; October's 12315 file is then corrected so the
demo shows a superseded file and its recorded changes. Runs once; a second call does nothing.

`demo_files(today)` returns the files; `qualitygov feeds import` reads them like any other export.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit, User

from .models import FeedFile
from .services import feed_import, source_get, source_set_owner
from .sheets import csv_bytes, xlsx_bytes

DEMO = "（演示数据）"
C12315_CATEGORIES = ("食品", "日用消费品", "服务")
#: (section, town short name) of the 省控断面 in the demo.
SECTIONS = (("勾山浦", "东港街道"), ("展茅大河", "展茅街道"), ("六横河", "六横镇"), ("朱家尖河", "朱家尖街道"),
            ("桃花河", "桃花镇"), ("沈家门内河", "沈家门街道"))
#: Town sizes: busier towns get more complaints, inspections and samples.
WEIGHT = {"沈家门街道": 3.0, "东港街道": 2.4, "朱家尖街道": 1.2, "展茅街道": 1.0, "六横镇": 1.6, "虾峙镇": 0.5,
          "桃花镇": 0.5, "东极镇": 0.2, "普陀山镇": 0.6}
PRODUCTS = {"食品": ["大米", "食用植物油", "带鱼干", "酱油", "糕点", "饮料", "白酒", "冷冻饮品"],
            "食用农产品": ["带鱼", "梭子蟹", "小白菜", "鸡蛋", "猪肉", "大黄鱼"],
            "药品": ["阿莫西林胶囊", "布洛芬缓释胶囊", "复方甘草片", "维生素C片"],
            "工业产品": ["电线电缆", "儿童服装", "燃气灶具", "电动自行车", "塑料购物袋"]}
CATEGORY_LABEL = {"食品": "评价性抽检", "食用农产品": "例行监测", "药品": "基本药物", "工业产品": "产品质量监督抽查"}
FAIL_RATE = {"食品": 0.008, "食用农产品": 0.006, "药品": 0.002, "工业产品": 0.05}


def _months(today: dt.date) -> list[tuple[int, int]]:
    """2026-01 … the last month that ended before `today`."""
    out = []
    year, month = 2026, 1
    while dt.date(year, month, calendar.monthrange(year, month)[1]) < today:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _towns() -> list[str]:
    return [u.short_name or u.name for u in OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True)
            .order_by("sort_order", "path")]


def _pct(value: float) -> str:
    return f"{min(value, 100.0):.1f}%"


def c12315_file(year: int, month: int, towns: list[str], rng: random.Random, *, csv: bool = False,
                bump: int = 0) -> tuple[str, bytes]:
    title = f"普陀区12315投诉举报统计月报{DEMO}"
    header = ["镇街", "类别", "受理量（件）", "按时办结率", "调解成功率", "投诉公示率"]
    body, merges, total = [], [], 0
    for i, town in enumerate(towns):
        for j, category in enumerate(C12315_CATEGORIES):
            base = WEIGHT.get(town, 1.0) * (9, 6, 4)[j]
            accepted = max(0, int(rng.gauss(base, base * 0.25)))
            if bump and i == 0 and j == 0:
                accepted += bump
            total += accepted
            ontime = 100.0 if rng.random() < 0.7 else rng.uniform(96.5, 99.9)
            body.append([town if j == 0 or csv is False else "", category, accepted, _pct(ontime),
                         _pct(rng.uniform(72, 96)), _pct(100.0 if rng.random() < 0.8 else rng.uniform(95, 99.9))])
        first = 4 + len(body) - len(C12315_CATEGORIES)
        if not csv:
            merges.append(f"A{first}:A{first + len(C12315_CATEGORIES) - 1}")
    if not csv:
        for ref in merges:  # merged town cells keep their value in the first row only
            first_row = int(ref.split(":")[0][1:]) - 4
            for k in range(1, len(C12315_CATEGORIES)):
                body[first_row + k][0] = None
    rows = [[title], [f"统计期间：{year}年{month}月", None, None, None, "单位：件、%"], header, *body,
            ["合计", None, total], ["注：数据来源于全国12315平台，按属地统计。"]]
    name = f"12315投诉举报统计月报-{year}年{month:02d}月{'（更正）' if bump else ''}"
    if csv:
        return f"{name}.csv", csv_bytes(rows, encoding="gb18030")
    return f"{name}.xlsx", xlsx_bytes(rows, merges=["A1:F1", "A2:D2", *merges])


def inspections_file(year: int, month: int, towns: list[str], rng: random.Random) -> tuple[str, bytes]:
    rows = [[f"{year}年{month}月“双随机、一公开”抽查结果统计表{DEMO}"], ["填报单位：区市场监管分局"],
            ["序号", "镇街", "计划抽查户数", "完成抽查户数", "按时公示率", "后续处置率", "发现问题户数"]]
    totals = [0, 0, 0]
    for i, town in enumerate(towns, start=1):
        planned = max(1, int(rng.gauss(8 * WEIGHT.get(town, 1.0), 2)))
        completed = planned if rng.random() < 0.85 else planned - 1
        problems = min(completed, int(rng.random() * 3 * WEIGHT.get(town, 1.0) / 2))
        followup = _pct(100.0) if problems == 0 or rng.random() < 0.8 else _pct(100.0 * (problems - 1) / problems)
        rows.append([i, town, planned, completed, _pct(100.0 if rng.random() < 0.85 else rng.uniform(90, 99)),
                     followup if problems else "", problems])
        totals = [totals[0] + planned, totals[1] + completed, totals[2] + problems]
    rows.append(["合计", None, totals[0], totals[1], None, None, totals[2]])
    return f"双随机抽查结果-{year}年{month:02d}月.xlsx", xlsx_bytes(rows, merges=["A1:G1", "A2:G2"])


def sampling_file(year: int, month: int, towns: list[str], rng: random.Random) -> tuple[str, bytes]:
    rows = [[f"普陀区食品和产品抽检结果明细（{year}年{month}月）{DEMO}"],
            ["抽样单编号", "样品名称", "抽检类别", "被抽样单位名称", "所在镇街", "抽样日期", "检验结论"]]
    days = calendar.monthrange(year, month)[1]
    serial = 0
    for category, per_month in (("食品", 70), ("食用农产品", 40), ("药品", 12), ("工业产品", 10)):
        for _ in range(int(rng.gauss(per_month, per_month * 0.1))):
            serial += 1
            town = rng.choices(towns, weights=[WEIGHT.get(t, 1.0) for t in towns])[0]
            prefix = "GC" if category == "工业产品" else "YP" if category == "药品" else "DC"
            day = dt.date(year, month, rng.randint(1, days))
            verdict = "不合格" if rng.random() < FAIL_RATE[category] else "合格"
            rows.append([f"{prefix}{year}{month:02d}33090300{serial:04d}", rng.choice(PRODUCTS[category]),
                         CATEGORY_LABEL[category], f"{town}某{'企业' if category == '工业产品' else '经营户'}{serial % 37 + 1}",
                         town, day.isoformat(), verdict])
    rows.append([f"合计：共{serial}批次"])
    return f"抽检结果明细-{year}年{month:02d}月.xlsx", xlsx_bytes(rows, merges=["A1:G1"])


def credit_file(year: int, month: int, towns: list[str], rng: random.Random) -> tuple[str, bytes]:
    rows = [[f"普陀区信用监管名单列入移出情况（{year}年{month}月）{DEMO}"],
            ["镇街", "严重违法失信名单", None, "经营异常名录", None], [None, "列入", "移出", "列入", "移出"]]
    totals = [0, 0, 0, 0]
    for town in towns:
        w = WEIGHT.get(town, 1.0)
        figures = [int(rng.random() < 0.08 * w), int(rng.random() < 0.05 * w), int(rng.gauss(6 * w, 2 * w)),
                   int(rng.gauss(4 * w, 1.5 * w))]
        figures = [max(0, f) for f in figures]
        rows.append([town, *figures])
        totals = [a + b for a, b in zip(totals, figures, strict=True)]
    rows.append(["总计", *totals])
    return (f"信用监管名单列入移出-{year}年{month:02d}月.xlsx",
            xlsx_bytes(rows, merges=["A1:E1", "A2:A3", "B2:C2", "D2:E2"]))


def air_file(year: int, month: int, rng: random.Random) -> tuple[str, bytes]:
    rows = [[f"普陀区环境空气质量日报（{year}年{month}月）{DEMO}"], ["日期", "站点", "AQI", "首要污染物", "空气质量级别"]]
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        winter = month in (1, 2, 12)
        aqi = max(18, int(rng.gauss(62 if winter else 45, 20 if winter else 15)))
        level = "优" if aqi <= 50 else "良" if aqi <= 100 else "轻度污染" if aqi <= 150 else "中度污染"
        rows.append([dt.date(year, month, day).isoformat(), "普陀城区站", aqi,
                     "—" if aqi <= 50 else rng.choice(["PM2.5", "O3", "PM10"]), level])
    return f"空气质量日报-{year}年{month:02d}月.csv", csv_bytes(rows, encoding="gb18030")


def water_file(year: int, month: int, rng: random.Random) -> tuple[str, bytes]:
    rows = [[f"普陀区地表水省控断面水质月报{DEMO}"], [f"{year}年{month}月"], ["断面名称", "所在镇街", "月份", "水质类别"]]
    for section, town in SECTIONS:
        roll = rng.random()
        klass = "Ⅱ" if roll < 0.35 else "Ⅲ" if roll < 0.88 else "Ⅳ"
        rows.append([section, town, f"{year}-{month:02d}", klass])
    return f"地表水省控断面水质-{year}年{month:02d}月.xlsx", xlsx_bytes(rows, merges=["A1:D1", "A2:D2"])


def demo_files(today: dt.date) -> Iterator[tuple[str, str, bytes]]:
    """(source key, file name, bytes) of every demo export, in import order."""
    towns = _towns()
    for year, month in _months(today):
        yield "c12315", *c12315_file(year, month, towns, _rng("c12315", year, month), csv=(month == 3))
        yield "inspections", *inspections_file(year, month, towns, _rng("inspections", year, month))
        yield "sampling", *sampling_file(year, month, towns, _rng("sampling", year, month))
        yield "credit", *credit_file(year, month, towns, _rng("credit", year, month))
        yield "air", *air_file(year, month, _rng("air", year, month))
        yield "water", *water_file(year, month, _rng("water", year, month))


def _rng(key: str, year: int, month: int) -> random.Random:
    """One generator per source and month, so a corrected file differs only where it is corrected."""
    return random.Random(f"{key}-{year}-{month:02d}")


def _unit(name: str) -> OrgUnit | None:
    return OrgUnit.objects.named(name).first()


@transaction.atomic
def load(stdout=None, today: dt.date | None = None) -> dict[str, int]:
    if FeedFile.objects.filter(is_demo=True).exists() or not OrgUnit.objects.filter(kind__in=TOWN_KINDS).exists():
        return {"files": 0, "corrections": 0}
    today = today or timezone.localdate()
    market, ecology = _unit("区市场监管分局"), _unit("区生态环境分局")
    for key in ("c12315", "inspections", "sampling", "credit", "air", "water"):
        unit = ecology if key in ("air", "water") else market
        source = source_get(key)
        if unit is not None and source.owner_unit_id is None:
            source_set_owner(actor=None, source=source, unit=unit)
    actor = User.objects.filter(username="inspector").first() or User.objects.filter(username="office").first()
    office = User.objects.filter(username="office").first()
    files = 0
    for key, name, data in demo_files(today):
        feed_import(actor=actor if key not in ("air", "water") else office, source=source_get(key), name=name,
                    data=data, is_demo=True)
        files += 1
    corrections = 0
    months = _months(today)
    if (2026, 10) in months:
        # October's 12315 statistics were corrected after a late-closed complaint was re-attributed.
        name, data = c12315_file(2026, 10, _towns(), _rng("c12315", 2026, 10), bump=2)
        feed_import(actor=actor, source=source_get("c12315"), name=name, data=data, is_demo=True)
        corrections = 1
    return {"files": files, "corrections": corrections}
