"""Test data: market entities with valid 统一社会信用代码 (made as the demo makes them)."""

from __future__ import annotations

from qualitygov.registry.models import MarketEntity


def entity_factory(*, name: str = "舟山市普陀区样例水产有限公司", serial: int = 1, town=None, above_scale: bool = True,
                   industry_code: str = "C1361", industry_name: str = "水产品冷冻加工",
                   is_active: bool = True) -> MarketEntity:
    from qualitygov.registers.demo import demo_uscc

    entity, _created = MarketEntity.objects.get_or_create(uscc=demo_uscc(serial), defaults={
        "name": name, "town": town, "above_scale": above_scale, "industry_code": industry_code,
        "industry_name": industry_name, "is_active": is_active})
    return entity
