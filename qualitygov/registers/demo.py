"""Demo loader: two years of Putuo's quality registers — the district quality award round with its
applications through the review stages, 品字标 certificates and well-known trademarks, standards led,
首席质量官 of the 规上 firms, 质量巡诊 visits and publicity — loaded through the real services by the
office for 区市场监管分局 and flagged as demo data. Uses the market-entity directory's demo firms; when
there are none yet it adds a few (valid 统一社会信用代码) itself. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.registry.models import MarketEntity

from . import services
from .choices import AwardKind, AwardResult, BrandKind, PublicityKind, StandardLevel, StandardRole, VisitKind
from .models import (
    AwardApplication,
    AwardRound,
    Brand,
    EnterpriseVisit,
    PublicityItem,
    QualityOfficer,
    StandardLed,
)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 (GB 32100-2015) for its first 17."""
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def demo_uscc(serial: int) -> str:
    """A valid code of a Putuo (330903) enterprise: the GB 11714 organisation code check digit included."""
    body = f"{71000000 + serial * 7919:08d}"[-8:]
    total = sum(int(ch) * w for ch, w in zip(body, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = "91330903" + org
    return first17 + uscc_check_char(first17)


FIRMS = [
    ("浙江普陀海洋食品有限公司", "C1361", "水产品冷冻加工", "沈家门街道", True),
    ("舟山市普陀区东海鱼糜制品有限公司", "C1362", "鱼糜制品及水产品干腌制加工", "沈家门街道", True),
    ("舟山普陀远洋渔业集团有限公司", "A0412", "远洋捕捞", "沈家门街道", True),
    ("舟山市普陀区六横船舶修造有限公司", "C3731", "金属船舶制造", "六横镇", True),
    ("浙江六横重工机械有限公司", "C3434", "起重机制造", "六横镇", True),
    ("舟山市普陀区展茅海洋生物科技有限公司", "C1363", "鱼油提取及制品制造", "展茅街道", True),
    ("舟山市普陀区东港水产冷链物流有限公司", "G5951", "冷藏仓储", "东港街道", True),
    ("浙江东港电子科技有限公司", "C3982", "电子电路制造", "东港街道", True),
    ("舟山市普陀区朱家尖海鲜食品有限公司", "C1369", "其他水产品加工", "朱家尖街道", True),
    ("舟山市普陀区虾峙海产品加工厂", "C1361", "水产品冷冻加工", "虾峙镇", False),
    ("舟山市普陀区桃花岛石材有限公司", "C3032", "建筑用石加工", "桃花镇", True),
    ("舟山市普陀区东极海洋渔业专业合作社", "A0411", "海水捕捞", "东极镇", False),
    ("舟山市普陀山旅游食品有限公司", "C1419", "其他焙烤食品制造", "普陀山镇", False),
    ("舟山市普陀区沈家门渔具制造有限公司", "C2929", "其他塑料制品制造", "沈家门街道", True),
    ("舟山市普陀区六横海洋装备有限公司", "C3737", "海洋工程装备制造", "六横镇", True),
    ("舟山市普陀区东港调味品有限公司", "C1469", "其他调味品、发酵制品制造", "东港街道", True),
]


def _entities(towns: dict[str, OrgUnit]) -> list[MarketEntity]:
    found = list(MarketEntity.objects.filter(is_active=True).select_related("town").order_by("pk")[:400])
    if len(found) >= 12:
        return found
    out = []
    for i, (name, code, industry, town, above) in enumerate(FIRMS, start=1):
        entity, _created = MarketEntity.objects.get_or_create(uscc=demo_uscc(i), defaults={
            "name": name, "industry_code": code, "industry_name": industry, "town": towns.get(town),
            "above_scale": above, "is_demo": True, "registered_on": dt.date(2005 + i % 15, 1 + i % 12, 1 + i % 27)})
        out.append(entity)
    return out


@transaction.atomic
def load(stdout=None, today: dt.date | None = None) -> dict[str, int]:
    if AwardRound.objects.filter(is_demo=True).exists() or not User.objects.filter(username="office").exists():
        return {"records": 0}
    office = User.objects.get(username="office")
    unit = OrgUnit.objects.named("区市场监管分局").first() or office.unit
    towns = {t.label: t for t in OrgUnit.objects.filter(kind__in=TOWN_KINDS)}
    today = today or timezone.localdate()
    year = today.year
    rng = random.Random(20260315)
    models = (AwardRound, AwardApplication, Brand, StandardLed, QualityOfficer, EnterpriseVisit, PublicityItem)
    before = {m: m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for m in models}
    firms = _entities(towns)
    above = [f for f in firms if f.above_scale] or firms
    created = 0

    def day(y: int, lo: int = 1, hi: int = 330) -> dt.date:
        return min(dt.date(y, 1, 1) + dt.timedelta(days=rng.randint(lo, hi)), today)

    # Award rounds: last year's decided, this year's in review.
    for y, decided in ((year - 1, True), (year, False)):
        rnd = services.award_round_save(actor=office, unit=unit, values={
            "kind": AwardKind.DISTRICT, "year": y, "title": f"{y}年度普陀区政府质量奖",
            "notice": f"普质强办〔{y}〕{3 + y % 5}号 关于开展{y}年度普陀区政府质量奖评审工作的通知",
            "opens_on": dt.date(y, 3, 1), "closes_on": dt.date(y, 4, 30), "max_winners": 2, "notes": ""})
        created += 1
        for i, firm in enumerate(rng.sample(above, min(5, len(above)))):
            app = services.application_save(actor=office, unit=unit, values={
                "round": rnd, "entity": firm, "applied_on": dt.date(y, 4, 1 + i * 5), "recommended": False,
                "qualification_passed": None, "materials_score": None, "site_score": None, "defence_score": None,
                "publicity_from": None, "publicity_to": None, "reward": None, "notes": ""})
            created += 1
            steps = 6 if decided else rng.randint(1, 4)
            for _ in range(steps):
                app = services.application_advance(actor=office, application=app)
            scores = {"qualification_passed": True, "materials_score": Decimal(rng.randint(700, 920)) / 10,
                      "site_score": Decimal(rng.randint(720, 950)) / 10 if steps >= 4 else None,
                      "defence_score": Decimal(rng.randint(750, 960)) / 10 if steps >= 5 else None}
            values = {c.name: getattr(app, c.name) for c in services.APPLICATIONS.columns}
            values.update(scores)
            if decided:
                values.update(publicity_from=dt.date(y, 11, 10), publicity_to=dt.date(y, 11, 16))
            app = services.application_save(actor=office, unit=unit, values=values, record=app)
            if decided:
                won = i < 2
                services.application_decide(actor=office, application=app,
                                            result=AwardResult.WON if won else AwardResult.NOT_WON,
                                            decided_on=dt.date(y, 11, 28), reward=Decimal("50") if won else None)

    # Brands.
    for i, firm in enumerate(rng.sample(firms, min(9, len(firms)))):
        y = year - (i % 2)
        issued = day(y)
        services.brand_save(actor=office, unit=unit, values={
            "kind": BrandKind.PINZI, "entity": firm, "number": f"ZJM-{y}-{1000 + i * 37:05d}",
            "product": rng.choice(["冷冻带鱼段", "即食鱿鱼丝", "鱼糜制品", "船用起重机", "海洋工程钢结构", "鱼油软胶囊"]),
            "issued_on": issued, "expires_on": issued.replace(year=issued.year + 3),
            "certifier": rng.choice(["浙江公信认证有限公司", "杭州万泰认证有限公司", "方圆标志认证集团浙江有限公司"]),
            "notes": ""})
        created += 1
    for i, firm in enumerate(above[:2]):
        services.brand_save(actor=office, unit=unit, values={
            "kind": BrandKind.FAMOUS, "entity": firm, "number": f"{8800000 + i * 4321}", "product": firm.name[:4] + "及图",
            "issued_on": day(year - 1), "expires_on": None, "certifier": "国家知识产权局", "notes": ""})
        created += 1

    # Standards.
    titles = [("T/ZZB", StandardLevel.GROUP, "冷冻带鱼段"), ("T/ZJFA", StandardLevel.GROUP, "即食鱿鱼丝加工技术规范"),
              ("DB3309/T", StandardLevel.LOCAL, "海捕虾仁加工质量规范"), ("SC/T", StandardLevel.INDUSTRY, "鱼糜制品 通则"),
              ("Q/PTHY", StandardLevel.ENTERPRISE, "冷冻鲳鱼"), ("GB/T", StandardLevel.NATIONAL, "船用甲板起重机"),
              ("Q/LHZG", StandardLevel.ENTERPRISE, "海洋工程钢结构焊接工艺")]
    for i, (prefix, level, title) in enumerate(titles):
        firm = firms[i % len(firms)]
        services.standard_save(actor=office, unit=unit, values={
            "entity": firm, "level": level, "number": f"{prefix} {100 + i * 13}-{year - i % 2}", "title": title,
            "role": StandardRole.LEAD if i % 3 else StandardRole.TAKE_PART, "published_on": day(year - i % 2),
            "leader": level == StandardLevel.ENTERPRISE, "notes": ""})
        created += 1

    # Chief quality officers: most 规上 firms.
    surnames = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
    for i, firm in enumerate(above):
        if i % 4 == 3:
            continue
        services.officer_save(actor=office, unit=unit, values={
            "entity": firm, "person": surnames[i % len(surnames)] + rng.choice("海明建国伟芳静磊军洋"),
            "appointed_on": day(year - 1 - i % 2), "left_on": None,
            "trained_on": day(year) if i % 3 else None,
            "training": "区市场监管分局首席质量官培训班结业" if i % 3 else "", "notes": ""})
        created += 1

    # Visits and publicity.
    problems = ["出厂检验记录不全", "计量器具未按期检定", "标签标识不规范", "冷库温度记录缺失", "无问题"]
    for i in range(14):
        firm = firms[rng.randrange(len(firms))]
        found = problems[i % len(problems)]
        services.visit_save(actor=office, unit=unit, values={
            "kind": VisitKind.DIAGNOSIS if i % 3 else VisitKind.ASSISTANCE, "visited_on": day(year - (i % 4 == 0)),
            "entity": firm, "problems": found, "follow_up": "" if found == "无问题" else "已督促整改，约定一个月后回访",
            "closed": i % 3 != 1, "notes": ""})
        created += 1
    events = [(PublicityKind.CONSUMER_DAY, "3·15国际消费者权益日宣传咨询活动", (3, 15), "沈家门渔港广场", 1200),
              (PublicityKind.MEASUREMENT_DAY, "5·20世界计量日进企业", (5, 20), "六横镇", 300),
              (PublicityKind.QUALITY_MONTH, "质量月启动仪式暨质量开放日", (9, 5), "区市民中心", 800),
              (PublicityKind.STANDARDS_DAY, "世界标准日标准化知识讲座", (10, 14), "东港街道", 150),
              (PublicityKind.MEDIA, "《普陀：品字标带动水产加工提质》", (6, 18), "舟山日报", 20000)]
    for y in (year - 1, year):
        for kind, title, (m, d), medium, reach in events:
            if dt.date(y, m, d) > today:
                continue
            services.publicity_save(actor=office, unit=unit, values={
                "kind": kind, "title": f"{y}年{title}", "held_on": dt.date(y, m, d), "medium": medium,
                "reach": reach, "notes": ""})
            created += 1
    for model in models:
        model.objects.filter(pk__gt=before[model]).update(is_demo=True)
    return {"records": created}
