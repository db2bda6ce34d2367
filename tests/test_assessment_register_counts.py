"""The assessment reads the quality registers' counts through the `register_counts` hook (assessments does
not import registers): a `rate_bands` leaf and a bonus item whose `source` names a register count are
filled per unit — a record counts for the unit that keeps it and for its firm's town — and scored."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.services import org_unit_create
from qualitygov.registers import services
from qualitygov.registers.tests.factories import entity_factory

D = dt.date(2026, 3, 2)


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
            entity_factory(name="舟山市普陀区六横船舶修造有限公司", serial=3, town=lh)]


def brand(cast, firm, number: str, *, issued=D, unit=None):
    return services.brand_save(actor=cast.office, unit=unit or cast.dept_a, values={
        "kind": "pinzi", "entity": firm, "number": number, "product": "冷冻带鱼段", "issued_on": issued})



SCHEME = {
    "id": "registers-bonus", "title": "登记簿加分测试", "max_total": 10, "groups": ["department", "town"],
    "grades": [{"grade": "合格", "min": 0}],
    "bonus": {"cap": 5, "items": {"pinzibiao": {"points": 1, "text": "新增品字标（每家）",
                                                "source": "registers.brand_certificates"}}},
    "sections": [{"code": "A", "title": "质量品牌", "items": [
        {"code": "A1", "title": "品字标浙江制造", "max": 10, "method": "rate_bands",
         "params": {"bands": [{"min": 2, "points": 10}, {"min": 1, "points": 6}, {"min": 0, "points": 0}]},
         "source": "registers.brand_certificates"}]}],
}


def test_an_assessment_leaf_and_bonus_item_are_scored_from_the_register_counts(cast, towns, firms):
    from qualitygov.assessments.engine import assess
    from qualitygov.assessments.inputs import collect_units, dumps_units

    sjm, lh = towns
    brand(cast, firms[0], "A1")  # kept by 区经信局, firm in 沈家门: counts for both
    brand(cast, firms[1], "A2", unit=cast.dept_b)  # 区住建局, 沈家门
    brand(cast, firms[2], "A3", unit=cast.dept_b, issued=dt.date(2025, 5, 1))  # last year
    units = [cast.dept_a, cast.dept_b, sjm, lh]
    result = collect_units(scheme=copy.deepcopy(SCHEME), year=2026, units=units, as_of=dt.date(2027, 1, 15))
    inputs = {u["unit"]: (u["inputs"]["A1"], u["bonus"]) for u in result.document["units"]}
    assert inputs == {"区经信局": ({"value": Decimal(1)}, {"pinzibiao": 1}),
                      "区住建局": ({"value": Decimal(1)}, {"pinzibiao": 1}),
                      "沈家门街道": ({"value": Decimal(2)}, {"pinzibiao": 2}),
                      "六横镇": ({"value": Decimal(0)}, {"pinzibiao": 0})}
    leaf = result.unit("沈家门街道").leaves["A1"]
    assert [r.label for r in leaf.records()] == [f"{firms[0].name} · A1 冷冻带鱼段（2026-03-02）",
                                                 f"{firms[1].name} · A2 冷冻带鱼段（2026-03-02）"]
    scored = assess(copy.deepcopy(SCHEME), json.loads(dumps_units(result.document)))
    totals = {u["unit"]: tuple(Decimal(u[k]) for k in ("base", "bonus", "total")) for u in scored["units"]}
    assert totals == {"沈家门街道": (10, 2, 12), "六横镇": (0, 0, 0), "区经信局": (6, 1, 7), "区住建局": (6, 1, 7)}
