"""A small sampled world for the tests: a town outside the cast, entities, a plan owned by 区经信局."""

from __future__ import annotations

import datetime as dt

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create
from qualitygov.registry.models import MarketEntity
from qualitygov.sampling.models import SamplingPlan
from qualitygov.sampling.services import batch_create, plan_save
from qualitygov.utilities.uscc import check_character


def other_town(cast) -> OrgUnit:
    found = OrgUnit.objects.filter(name="舟山市普陀区六横镇").first()
    return found or org_unit_create(actor=None, name="舟山市普陀区六横镇", kind=OrgUnitKind.TOWN, parent=cast.district,
                                    short_name="六横镇")


def entity(town: OrgUnit | None, n: int = 1, name: str = "") -> MarketEntity:
    first17 = f"913309037{n:08d}"
    code = first17 + check_character(first17)
    found = MarketEntity.objects.filter(uscc=code).first()
    return found or MarketEntity.objects.create(uscc=code, name=name or f"舟山测试电器有限公司{n}", town=town,
                                                industry_code="C3854", industry_name="家用电力器具制造",
                                                legal_representative="张三", address="普陀区某路1号")


def plan(cast, *, year: int = 2026, title: str = "电热水壶监督抽查") -> SamplingPlan:
    found = SamplingPlan.objects.filter(title=title, year=year).first()
    return found or plan_save(actor=cast.office, year=year, title=title, product="电热水壶", owning_unit=cast.dept_a,
                              standard="GB 4706.19-2008", batches_planned=20, lab="浙江省检验院")


def batch(cast, *, town=None, n: int = 1, verdict: str = "fail", sampled_on=dt.date(2026, 8, 3), report_no="",
          the_plan=None):
    return batch_create(actor=cast.office, plan=the_plan or plan(cast), entity=entity(town, n), product="电热水壶",
                        sampled_on=sampled_on, lab="浙江省检验院", report_no=report_no or f"BG2026-{n:04d}",
                        verdict=verdict, failed_items="电源连接和外部软线" if verdict == "fail" else "")
