"""Demo loader: about 300 generated Putuo market entities (labelled as demo data), written as the
registration system's export would be — a merged title row, an export-date row, the header on row 3,
a 合计 row — and loaded through the real import service, as an office would import them.

The entities follow Putuo's economy: sea fishing and seafood processing (C1361 水产品冷冻加工…) around
沈家门/东港/展茅, shipbuilding and repair (C3731 金属船舶制造…) on 六横/虾峙, tourism on 朱家尖/普陀山/桃花/
东极; about one in five enterprises is 规上. Every code is a valid 统一社会信用代码 of the district
(region code 330903), generated, not a real firm's.

Runs early (order 15) so that the ledgers' demo loaders can pick their entities with
`selectors.demo_entities(...)`. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections.abc import Iterator

from django.db import transaction
from openpyxl import Workbook

from qualitygov.core.uploads import CheckedFile
from qualitygov.utilities.uscc import ALPHABET, check_character

from .models import MarketEntity

DEMO_COUNT = 300
DEMO_FILE = "普陀区市场主体名录（演示数据）.xlsx"
REGION = "330903"  # 舟山市普陀区
HEADER = ["序号", "统一社会信用代码", "企业名称", "类型", "行业代码", "行业", "所属镇街", "规上", "法定代表人", "住所",
          "成立日期", "登记状态"]

#: (GB/T 4754 code, name, business word in the firm's name, towns, share of 规上 among enterprises, weight)
INDUSTRIES: list[tuple[str, str, str, tuple[str, ...], float, int]] = [
    ("C1361", "水产品冷冻加工", "水产", ("沈家门街道", "东港街道", "展茅街道", "六横镇"), 0.3, 34),
    ("C1362", "鱼糜制品及水产品干腌制加工", "食品", ("沈家门街道", "展茅街道", "东港街道"), 0.25, 22),
    ("C1369", "其他水产品加工", "海洋生物", ("展茅街道", "东港街道"), 0.2, 10),
    ("C1329", "其他饲料加工", "饲料", ("展茅街道", "六横镇"), 0.3, 6),
    ("C3731", "金属船舶制造", "船舶", ("六横镇", "虾峙镇", "东港街道"), 0.5, 18),
    ("C3734", "船用配套设备制造", "船舶配件", ("六横镇", "东港街道", "沈家门街道"), 0.3, 12),
    ("C3735", "船舶改装", "船舶修造", ("六横镇", "虾峙镇", "沈家门街道"), 0.35, 12),
    ("C3311", "金属结构制造", "钢结构", ("六横镇", "展茅街道"), 0.25, 8),
    ("A0421", "海水捕捞", "渔业", ("沈家门街道", "虾峙镇", "桃花镇", "东极镇"), 0.05, 30),
    ("A0411", "海水养殖", "水产养殖", ("六横镇", "桃花镇", "虾峙镇"), 0.05, 14),
    ("F5124", "肉、禽、蛋、奶及水产品批发", "海产品", ("沈家门街道", "东港街道"), 0.1, 26),
    ("G5511", "海上旅客运输", "客运", ("沈家门街道", "朱家尖街道", "普陀山镇"), 0.2, 6),
    ("G5532", "货运港口", "港务", ("六横镇", "沈家门街道"), 0.3, 5),
    ("H6110", "旅游饭店", "大酒店", ("朱家尖街道", "普陀山镇", "沈家门街道"), 0.15, 16),
    ("H6121", "一般旅馆", "民宿", ("朱家尖街道", "普陀山镇", "桃花镇", "东极镇"), 0.0, 30),
    ("H6210", "正餐服务", "海鲜酒楼", ("沈家门街道", "朱家尖街道", "东港街道"), 0.0, 24),
    ("L7291", "旅行社及相关服务", "旅行社", ("朱家尖街道", "沈家门街道", "普陀山镇"), 0.05, 8),
    ("M7452", "检测服务", "检测技术", ("东港街道", "沈家门街道"), 0.1, 4),
]
BRANDS = list("海鑫兴盛恒泰丰源东宏华远顺达金诚众合安鸿祥瑞明普隆嘉永福利新润国欣沈峰渔晟蓝洋浪")
SURNAMES = list("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭")
GIVEN = list("国建明海波军平华强伟峰斌勇杰磊涛鹏飞亮红芳燕丽静敏霞萍娟英琴云")
ROADS = ["海印路", "东海中路", "兴港路", "滨港路", "新街", "沙咀路", "鲁家峙东路", "普陀大道", "朱家尖大道", "六横大道",
         "峙头路", "东港大道", "展茅工业区", "桃花镇茅草屋路", "东极镇庙子湖村"]


def org_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (for realistic codes)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body8, weights, strict=True))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def make_code(rng: random.Random, prefix: str, seen: set[str]) -> str:
    """A fresh valid 统一社会信用代码 `prefix` (e.g. "91") + 普陀区 + "MA" + random body."""
    while True:
        body8 = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
        first17 = f"{prefix}{REGION}{body8}{org_check(body8)}"
        if any(ch not in ALPHABET for ch in first17):
            continue
        code = first17 + check_character(first17)
        if code not in seen:
            seen.add(code)
            return code


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate(count: int, *, seed: int = 903, today: dt.date | None = None) -> Iterator[list]:
    """`count` export rows (without 序号), deterministic for a seed: code, name, type, industry code and
    name, town, 规上, legal representative, address, registration date, status."""
    rng = random.Random(seed)
    today = today or dt.date(2026, 6, 30)
    weights = [row[5] for row in INDUSTRIES]
    seen_codes: set[str] = set()
    seen_names: set[str] = set()
    for index in range(count):
        code_4754, industry, word, towns, above_share, _weight = rng.choices(INDUSTRIES, weights)[0]
        town = rng.choice(towns)
        roll = rng.random()
        if word in ("民宿", "海鲜酒楼", "海产品", "渔业") and roll < 0.45:
            prefix, kind = "92", "个体工商户"
        elif word in ("渔业", "水产养殖") and roll < 0.7:
            prefix, kind = "93", "农民专业合作社"
        else:
            prefix, kind = "91", rng.choice(("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
                                              "股份有限公司（非上市、自然人投资或控股）"))
        brand = rng.choice(BRANDS) + rng.choice(BRANDS)
        short = town.removesuffix("街道").removesuffix("镇")
        if prefix == "92":
            name = f"舟山市普陀区{short}{brand}{word}{rng.choice(('店', '商行', '经营部'))}"
        elif prefix == "93":
            name = f"舟山市普陀区{short}{brand}{word}专业合作社"
        else:
            name = f"{rng.choice(('舟山', '舟山市普陀区', '浙江'))}{brand}{word}{rng.choice(('有限公司', '股份有限公司'))}"
        if name in seen_names:
            name = name.replace(brand, f"{brand}{index}", 1)
        seen_names.add(name)
        above = prefix == "91" and rng.random() < above_share
        registered = today - dt.timedelta(days=rng.randint(60, 365 * 25))
        closed = rng.random() < 0.04
        yield [
            make_code(rng, prefix, seen_codes), name, kind, code_4754, industry, town, "是" if above else "否",
            _person(rng), f"浙江省舟山市普陀区{town}{rng.choice(ROADS)}{rng.randint(1, 399)}号",
            registered, "注销" if closed else "存续",
        ]


def workbook(rows: Iterator[list], *, title: str = "舟山市普陀区市场主体名录（演示数据）",
             exported: dt.date | None = None, write_only: bool = False) -> bytes:
    """An export-shaped .xlsx: merged title row, export-date row, header on row 3, rows, 合计 row."""
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("市场主体") if write_only else wb.active
    if not write_only:
        ws.title = "市场主体"
    ws.append([title])
    ws.append([f"导出日期：{(exported or dt.date(2026, 7, 1)).isoformat()}（演示数据，非真实企业）"])
    ws.append(HEADER)
    n = 0
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    ws.append(["合计", f"{n}户"])
    if not write_only:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def checked_file(name: str, data: bytes) -> CheckedFile:
    return CheckedFile(name=name, data=data, extension="." + name.rsplit(".", 1)[-1].lower(),
                       content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       sha256=hashlib.sha256(data).hexdigest())


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    from qualitygov.accounts.models import User

    from .services import entity_import_run

    if MarketEntity.objects.filter(is_demo=True).exists():
        return {"entities": 0}
    office = User.objects.filter(username="office").first()
    data = workbook(generate(DEMO_COUNT))
    _imp, plan = entity_import_run(actor=office, checked=checked_file(DEMO_FILE, data), is_demo=True)
    return {"entities": plan.new}
