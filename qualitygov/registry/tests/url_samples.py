"""URL kwargs for the permission matrix: the market-entity directory.

An entity is read by whoever's `view` scope covers its town (the sample's entity is in the cast's town,
沈家门街道: office, leader and the town liaison read it; department liaisons and an office admin granted
on one department do not). Writing (edit, import) is for an office holding the whole district or the
区市场监管分局's staff (the cast has none), hence `district_wide`.
"""

from __future__ import annotations


def _entity(cast):
    from qualitygov.registry.models import MarketEntity

    found = MarketEntity.objects.filter(uscc="91330100716105852F").first()
    if found is None:
        found = MarketEntity.objects.create(uscc="91330100716105852F", name="矩阵样例水产有限公司", town=cast.town,
                                            industry_code="C1361", industry_name="水产品冷冻加工")
    return found


def _import(cast):
    from qualitygov.registry.demo import checked_file
    from qualitygov.registry.models import EntityImport
    from qualitygov.registry.services import entity_import_preview
    from qualitygov.registry.tests.helpers import export_xlsx

    found = EntityImport.objects.filter(source_name="矩阵样例.xlsx").first()
    if found is None:
        found = entity_import_preview(actor=cast.office, checked=checked_file("矩阵样例.xlsx", export_xlsx()))
    return found


SAMPLES = {
    "registry:list": lambda cast: {},
    "registry:detail": lambda cast: {"pk": _entity(cast).pk, "owner": "town_liaison"},
    "registry:edit": lambda cast: {"pk": _entity(cast).pk, "district_wide": True,
                                   "post": {"name": "改名", "kind": "enterprise", "version": "1"}},
    "registry:import_upload": lambda cast: {"district_wide": True},
    "registry:import_detail": lambda cast: {"pk": _import(cast).pk, "district_wide": True},
    "registry:import_confirm": lambda cast: {"pk": _import(cast).pk, "district_wide": True, "get_status": 405},
    "registry:import_cancel": lambda cast: {"pk": _import(cast).pk, "district_wide": True, "get_status": 405},
    "registry:import_file": lambda cast: {"pk": _import(cast).pk, "district_wide": True},
}
