"""URL kwargs for the permission matrix: public disclosure.

The public pages (`public_*`) are PUBLIC: everyone, signed in or not, gets 200 for a published item.
The office pages are the district office's only (`district_wide`: an office admin granted on one department
gets 404, like every other member without the district's manage scope).
"""

from __future__ import annotations


def _item(cast):
    """A published indicator (with no values) of a small plan."""
    from qualitygov.plans.tests.factories import indicator_factory, plan_factory
    from qualitygov.portal.models import PublishedItem
    from qualitygov.portal.services import item_publish

    found = PublishedItem.objects.filter(kind="indicator", title__contains="矩阵公开指标").first()
    if found is not None:
        return found
    plan = plan_factory(title="矩阵公开方案")
    indicator = indicator_factory(plan=plan, code="PM1", name="矩阵公开指标", comparator=">=", value="90", unit="%")
    return item_publish(actor=cast.office, kind="indicator", obj=indicator)


def _rule(cast):
    from qualitygov.portal.models import PublicationRule
    from qualitygov.portal.services import rule_save

    found = PublicationRule.objects.filter(name="矩阵规则").first()
    if found is not None:
        return found
    item = _item(cast)
    return rule_save(actor=cast.office, name="矩阵规则", kind="indicator", keys=[item.source_id])


SAMPLES = {
    "portal:public_list": lambda cast: {"kind": _item(cast).kind},
    "portal:public_item": lambda cast: {"slug": _item(cast).slug},
    "portal:public_version": lambda cast: {"slug": _item(cast).slug, "version": 1},
    "portal:public_data": lambda cast: {"slug": _item(cast).slug, "fmt": "csv"},
    "portal:office": lambda cast: {"district_wide": True},
    "portal:office_item": lambda cast: {"pk": _item(cast).pk, "district_wide": True},
    "portal:republish": lambda cast: {"pk": _item(cast).pk, "district_wide": True, "get_status": 405,
                                      "post": {"note": "x"}},
    "portal:withdraw": lambda cast: {"pk": _item(cast).pk, "district_wide": True, "get_status": 405,
                                     "post": {"reason": "x"}},
    "portal:publishable": lambda cast: {"kind": "indicator", "district_wide": True},
    "portal:publish": lambda cast: {"kind": "indicator", "district_wide": True, "get_status": 405,
                                    "post": {"source_id": _item(cast).source_id}},
    "portal:rules": lambda cast: {"district_wide": True},
    "portal:rule_new": lambda cast: {"district_wide": True},
    "portal:rule_edit": lambda cast: {"pk": _rule(cast).pk, "district_wide": True},
    "portal:rules_apply": lambda cast: {"district_wide": True, "get_status": 405, "post": {}},
    "portal:masking": lambda cast: {"district_wide": True},
}
