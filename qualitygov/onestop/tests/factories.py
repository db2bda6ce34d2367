"""Test data: market entities with valid 统一社会信用代码."""

from __future__ import annotations

from qualitygov.registry.models import MarketEntity

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(serial: int) -> str:
    first17 = f"91330903MA{serial:07d}"
    total = sum(CHARS.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHARS[(31 - total % 31) % 31]


def entity_factory(*, name: str = "舟山市普陀区样例服务企业", serial: int = 1, town=None, above_scale: bool = True,
                   industry_code: str = "C1361", industry_name: str = "水产品冷冻加工") -> MarketEntity:
    entity, _created = MarketEntity.objects.get_or_create(uscc=uscc(serial), defaults={
        "name": name, "town": town, "above_scale": above_scale, "industry_code": industry_code,
        "industry_name": industry_name})
    return entity
