"""URL kwargs for the permission matrix: the open-data API is PUBLIC (every member of the cast, signed
in or not, gets 200), so the samples only need a published indicator to name."""

from __future__ import annotations


def _published_indicator(cast):
    from qualitygov.plans.tests.factories import indicator_factory, plan_factory
    from qualitygov.portal.models import PublishedItem
    from qualitygov.portal.services import item_publish

    found = PublishedItem.objects.filter(kind="indicator", key__startswith="indicator:", state="published").first()
    if found is not None:
        return found
    plan = plan_factory(title="开放数据矩阵样例方案")
    indicator = indicator_factory(plan=plan, code="OD1", name="开放数据样例指标", comparator=">=", value="90", unit="%")
    return item_publish(actor=cast.office, kind="indicator", obj=indicator)


SAMPLES = {
    "opendata:indicator": lambda cast: {"id": _published_indicator(cast).slug},
    "opendata:indicator_values": lambda cast: {"id": _published_indicator(cast).slug},
    "opendata:kind_list": lambda cast: {"kind": "indicator"},
    "opendata:item": lambda cast: {"kind": "indicator", "id": _published_indicator(cast).slug},
}
