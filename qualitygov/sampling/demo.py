"""Demo loader: the 区市场监管分局's 2026 supervision sampling (four product plans, about 120 batches
across Putuo's towns) with seven failed batches at every stage of the follow-up: closed, ordered to
correct with the 复查 due within 15 days, overdue, in the objection window, a re-test under way, a
provincial notice with the second 复查 window open, and a notice still to serve. Passed batches sampled
more than two months ago are published.

Runs after the market-entity directory's loader and samples its entities; only when the directory is
empty does it create demo entities (valid 统一社会信用代码, `is_demo`). Recorded through the real
services by the 分局's inspector. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.registry.models import MarketEntity
from qualitygov.utilities import uscc

from .models import SampleBatch, SamplingPlan
from .services import batch_create, batch_publish, followup_transition, plan_save

OWNER = "区市场监管分局"
PLANS = [  # title, product, standard, industry code, industry name, lab, batches
    ("电热水壶产品质量监督抽查", "电热水壶", "GB 4706.1-2005、GB 4706.19-2008", "C3854", "家用厨房电器具制造",
     "浙江省轻工业品质量检验研究院", 30),
    ("电动自行车产品质量监督抽查", "电动自行车", "GB 17761-2018", "C3762", "电动自行车制造",
     "浙江省机电产品质量检测所", 30),
    ("儿童服装产品质量监督抽查", "儿童服装", "GB 31701-2015", "C1810", "机织服装制造",
     "舟山市质量技术监督检测研究院", 30),
    ("塑料购物袋产品质量监督抽查", "塑料购物袋", "GB/T 21661-2020", "C2923", "塑料薄膜制造",
     "舟山市质量技术监督检测研究院", 30),
]
NAMES = ["海港", "东海", "莲花", "金塘", "朱家", "鲁家峙", "桃源", "普济", "观音", "沙滩", "渔港", "海天"]
FAILED_ITEMS = {"电热水壶": "泄漏电流和电气强度；发热", "电动自行车": "整车质量；电气安全",
                "儿童服装": "绳带；纤维含量", "塑料购物袋": "厚度偏差；标志"}


def _uscc(first17: str) -> str:
    return first17 + uscc.check_character(first17)


def _demo_entities(towns: list[OrgUnit]) -> list[MarketEntity]:
    created = []
    for i in range(48):
        _title, product, _std, code, industry, _lab, _n = PLANS[i % len(PLANS)]
        town = towns[i % len(towns)]
        created.append(MarketEntity.objects.create(
            uscc=_uscc(f"91330903MA2{i + 1:06d}"),
            name=f"舟山市普陀{NAMES[i % len(NAMES)]}{product}{['有限公司', '制造有限公司', '商贸有限公司'][i % 3]}"
                 f"{'' if i < len(NAMES) else i // len(NAMES) + 1}",
            industry_code=code, industry_name=industry, town=town, above_scale=i % 4 == 0, is_demo=True,
            registered_on=dt.date(2015 + i % 10, 1 + i % 12, 1 + i % 27)))
    return created


@transaction.atomic
def load(stdout=None, today: dt.date | None = None) -> dict[str, int]:
    owner = OrgUnit.objects.named(OWNER).first()
    if owner is None or SamplingPlan.objects.filter(is_demo=True).exists():
        return {"plans": 0, "batches": 0, "entities": 0}
    actor = User.objects.filter(username="inspector").first() or User.objects.get(username="office")
    today = today or timezone.localdate()
    year = today.year
    towns = list(OrgUnit.objects.filter(kind__in=TOWN_KINDS).order_by("sort_order", "pk"))
    new_entities = [] if MarketEntity.objects.exists() else _demo_entities(towns)
    entities = list(MarketEntity.objects.filter(is_active=True).exclude(town=None).order_by("pk")) or \
        list(MarketEntity.objects.filter(is_active=True).order_by("pk"))
    if not entities:
        return {"plans": 0, "batches": 0, "entities": 0}
    first = max(dt.date(year, 1, 10), today - dt.timedelta(days=300))
    span = max((today - dt.timedelta(days=3) - first).days, 1)
    batches: list[SampleBatch] = []
    number = 0
    for p, (title, product, standard, _code, _industry, lab, count) in enumerate(PLANS):
        plan = plan_save(actor=actor, year=year, title=title, product=product, owning_unit=owner, standard=standard,
                         batches_planned=count + 2, lab=lab, window_start=first, window_end=dt.date(year, 11, 30),
                         notes="演示数据", is_demo=True)
        for i in range(count):
            number += 1
            matching = [e for e in entities if e.industry_code == PLANS[p][3]] or entities
            entity = matching[(i * 7 + p) % len(matching)]
            sampled = first + dt.timedelta(days=(i * span) // count + p)
            batches.append(batch_create(actor=actor, plan=plan, entity=entity, product=product,
                                        sampled_on=min(sampled, today - dt.timedelta(days=3)), lab=lab,
                                        report_no=f"PT-JD-{year}-{number:04d}", verdict="pass", notes="演示数据",
                                        is_demo=True))
    fails = _failures(actor, plans=list(SamplingPlan.objects.filter(is_demo=True).order_by("pk")),
                      entities=entities, today=today, start=number)
    for batch in batches:
        if batch.sampled_on <= today - dt.timedelta(days=60):
            batch_publish(actor=actor, batch=batch, published_on=batch.sampled_on + dt.timedelta(days=30),
                          channel="website")
    return {"plans": len(PLANS), "batches": len(batches) + fails, "entities": len(new_entities)}


def _failures(actor, *, plans, entities, today: dt.date, start: int) -> int:
    """Seven failed batches, each taken through its stage of the follow-up."""
    ago = lambda days: today - dt.timedelta(days=days)  # noqa: E731 - a short local helper
    stories = [  # sampled days ago, steps as (name, days ago, facts)
        (200, [("serve", 190, {"notice_method": "direct"}), ("order_correction", 180, {}),
               ("recheck_pass", 120, {})]),
        (80, [("serve", 75, {"notice_method": "direct"}), ("order_correction", 65, {})]),
        (110, [("serve", 105, {"notice_method": "mail"}), ("order_correction", 90, {})]),
        (10, [("serve", 2, {"notice_method": "direct"})]),
        (45, [("serve", 42, {"notice_method": "public"}), ("object", 10, {}),
              ("accept_objection", 7, {"retest_lab": "浙江方圆检测集团股份有限公司"})]),
        (170, [("serve", 165, {"notice_method": "direct"}), ("order_correction", 160, {}),
               ("recheck_fail", 90, {"province_notice_on": ago(60)})]),
        (3, []),
    ]
    for i, (sampled, steps) in enumerate(stories):
        plan = plans[i % len(plans)]
        matching = [e for e in entities if e.industry_code == PLANS[i % len(PLANS)][3]] or entities
        entity = matching[(i * 5 + 3) % len(matching)]
        batch = batch_create(actor=actor, plan=plan, entity=entity, product=plan.product, sampled_on=ago(sampled),
                             lab=plan.lab, report_no=f"PT-JD-{today.year}-{start + i + 1:04d}", verdict="fail",
                             failed_items=FAILED_ITEMS[plan.product], notes="演示数据", is_demo=True)
        followup = batch.followup
        for name, days, facts in steps:
            followup = followup_transition(actor=actor, followup=followup, name=name, on=ago(days), **facts)
        if steps and sampled > 100:
            batch_publish(actor=actor, batch=batch, published_on=ago(sampled - 30), channel="website")
    return len(stories)
