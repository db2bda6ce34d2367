"""Who sees and writes the directory, the pages (list filters, export, edit, the import's dry run then
confirm), the measures, and the demo loader."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from importlib import import_module

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.core.errors import ConflictError, NotFoundError
from qualitygov.core.models import AuditEvent
from qualitygov.registry import selectors, services
from qualitygov.registry.demo import checked_file
from qualitygov.registry.models import EntityImport, MarketEntity

from .helpers import ROWS, A, B, C, export_xlsx, putuo

pytestmark = pytest.mark.django_db

# `registry` sits below `indicators` in the layers: even its tests reach the measures at run time.
_measures = import_module("qualitygov.indicators.measures")
measure_value, measure_by_town = _measures.measure_value, _measures.measure_by_town


@pytest.fixture
def directory(cast):
    extra = putuo(cast)
    services.entity_import_run(actor=cast.office, checked=checked_file("名录.xlsx", export_xlsx()))
    return extra


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_scoping_town_liaison_sees_own_town_department_sees_none(cast, directory):
    codes = lambda user: sorted(selectors.entity_list_visible(user=user).values_list("uscc", flat=True))  # noqa: E731
    assert codes(cast.office) == codes(cast.leader) == sorted([A, B, C])
    assert codes(cast.town_liaison) == [A]  # 沈家门街道 only
    assert codes(cast.liaison_a) == []
    assert codes(directory["inspector"]) == sorted([A, B, C])  # 区市场监管分局 keeps the whole directory


def test_who_writes(cast, directory):
    assert [services.may_write(u) for u in (cast.office, directory["inspector"], cast.leader, cast.town_liaison,
                                            cast.liaison_a)] == [True, True, False, False, False]
    entity = MarketEntity.objects.get(uscc=A)
    for user in (cast.leader, cast.town_liaison, cast.liaison_a):
        with pytest.raises(NotFoundError):
            services.market_entity_update(actor=user, entity=entity, name="改")
        with pytest.raises(NotFoundError):
            services.entity_import_preview(actor=user, checked=checked_file("x.xlsx", export_xlsx()))
    updated = services.market_entity_update(actor=directory["inspector"], entity=entity, version=1, above_scale=False)
    assert (updated.above_scale, updated.version) == (False, 2)
    assert AuditEvent.objects.filter(action="market_entity.update").last().changes == {"above_scale": [True, False]}
    with pytest.raises(ConflictError):
        services.market_entity_update(actor=cast.office, entity=entity, version=1, name="旧版本")


def test_denied_edit_post_changes_nothing(cast, directory):
    entity = MarketEntity.objects.get(uscc=A)
    url = reverse("registry:edit", args=[entity.pk])
    response = _client(cast.town_liaison).post(url, {"name": "改名", "kind": "enterprise", "version": "1"})
    assert response.status_code == 404
    entity.refresh_from_db()
    assert (entity.name, entity.version) == ("舟山海鑫水产有限公司", 1)


def test_edit_page_saves_through_the_service(cast, directory):
    entity = MarketEntity.objects.get(uscc=B)
    response = _client(cast.office).post(reverse("registry:edit", args=[entity.pk]), {
        "name": "浙江欣海船舶修造股份有限公司", "kind": "enterprise", "industry_code": "c3735", "industry_name": "船舶改装",
        "town": directory["liuheng"].pk, "above_scale": "on", "legal_representative": "陈明", "address": "六横",
        "registered_on": "2012-03-02", "is_active": "on", "version": "1"})
    assert response.status_code == 302
    entity.refresh_from_db()
    assert (entity.name, entity.industry_code, entity.above_scale, entity.version) == (
        "浙江欣海船舶修造股份有限公司", "C3735", True, 2)


def test_list_filters_search_and_export(cast, directory):
    client = _client(cast.office)
    url = reverse("registry:list")

    def names(query: str) -> list[str]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return [e.name for e in response.context["entities"]]

    assert names("") == ["浙江欣海船舶修造有限公司", "舟山市普陀区六横海丰渔业专业合作社", "舟山海鑫水产有限公司"]
    assert names(f"town={directory['liuheng'].pk}") == ["浙江欣海船舶修造有限公司", "舟山市普陀区六横海丰渔业专业合作社"]
    assert names("industry=C37") == ["浙江欣海船舶修造有限公司"]
    assert names("industry=水产") == ["舟山海鑫水产有限公司"]
    assert names("above_scale=true") == ["舟山海鑫水产有限公司"]
    assert names(f"q={C[:10].lower()}") == ["舟山市普陀区六横海丰渔业专业合作社"]  # a code's start, any case
    assert names(f"q={C[3:12]}") == []  # codes match from their start only
    assert names("q=913302") == ["舟山市普陀区六横海丰渔业专业合作社"]
    assert names("q=海鑫") == ["舟山海鑫水产有限公司"]
    response = client.get(f"{url}?format=xlsx&industry=C1361")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["统一社会信用代码", "企业名称", "类型", "行业代码", "行业", "所属镇街", "规上", "法定代表人", "住所", "成立日期",
         "登记状态"],
        [A, "舟山海鑫水产有限公司", "企业", "C1361", "水产品冷冻加工", "沈家门街道", "是", "王海",
         "浙江省舟山市普陀区沈家门街道海印路1号", dt.datetime(2008, 5, 12), "存续"],
    ]


def test_the_export_imports_back_unchanged(cast, directory):
    response = _client(cast.office).get(reverse("registry:list") + "?format=xlsx")
    _imp, plan = services.entity_import_run(actor=cast.office, checked=checked_file("导出.xlsx", response.content))
    assert plan.counts == {"rows": 3, "new": 0, "changed": 0, "unchanged": 3, "errors": 0}


def test_upload_dry_run_then_confirm_pages(cast):
    putuo(cast)
    client = _client(cast.office)
    response = client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile("名录.xlsx", export_xlsx())})
    imp = EntityImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_detail", args=[imp.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-new">3<' in page and 'data-testid="confirm"' in page
    assert MarketEntity.objects.count() == 0
    response = client.post(reverse("registry:import_confirm", args=[imp.pk]))
    assert response.status_code == 302 and MarketEntity.objects.count() == 3
    assert client.get(reverse("registry:import_file", args=[imp.pk])).status_code == 200


def test_upload_with_a_bad_row_shows_it_and_offers_no_confirm(cast):
    putuo(cast)
    rows = [list(r) for r in ROWS]
    rows[2][0] = "91330212MA281ATH4Z"
    client = _client(cast.office)
    response = client.post(reverse("registry:import_upload"), {"file": SimpleUploadedFile("名录.xlsx", export_xlsx(rows))},
                           follow=True)
    page = response.content.decode()
    assert "第18位字符“Z”不是统一社会信用代码允许的字符" in page and "6" in page
    assert 'data-testid="confirm"' not in page
    imp = EntityImport.objects.get()
    assert client.post(reverse("registry:import_confirm", args=[imp.pk])).status_code == 302
    assert MarketEntity.objects.count() == 0


def test_an_unreadable_upload_is_refused_in_chinese(cast):
    response = _client(cast.office).post(reverse("registry:import_upload"),
                                         {"file": SimpleUploadedFile("x.csv", "名称,地址\n甲,乙\n".encode())})
    assert response.status_code == 400
    assert "没有找到“统一社会信用代码”列" in response.content.decode()
    assert EntityImport.objects.count() == 0


def test_measures_count_entities_in_business_by_town(cast, directory):
    end = dt.date(2026, 12, 31)
    assert measure_value("registry.entities", start=dt.date(2026, 1, 1), end=end).value == Decimal(3)
    above = measure_value("registry.above_scale", start=dt.date(2026, 1, 1), end=end)
    assert above.value == Decimal(1)
    assert above.provenance[0]["label"] == "规上市场主体（在业）：截至2026年12月31日"
    assert above.provenance[0]["url"] == "/entities/?active=1&above_scale=true"
    assert measure_value("registry.entities", start=dt.date(2010, 1, 1), end=dt.date(2010, 12, 31)).value == 1
    towns = [cast.town.pk, directory["liuheng"].pk]
    by_town = measure_by_town("registry.entities", start=dt.date(2026, 1, 1), end=end, town_ids=towns)
    assert {k: v.value for k, v in by_town.items()} == {cast.town.pk: 1, directory["liuheng"].pk: 2}
    single = measure_value("registry.entities", start=dt.date(2026, 1, 1), end=end, town_id=directory["liuheng"].pk)
    assert single.value == 2


def test_demo_loader_imports_valid_putuo_entities_once(db):
    from qualitygov.accounts.demo import load as load_district
    from qualitygov.registry.demo import DEMO_COUNT, load
    from qualitygov.utilities.uscc import is_valid

    load_district()
    assert load() == {"entities": DEMO_COUNT}
    assert load() == {"entities": 0}
    entities = list(MarketEntity.objects.all())
    assert len(entities) == DEMO_COUNT and all(e.is_demo and is_valid(e.uscc) for e in entities)
    assert all(e.uscc[2:8] == "330903" and e.town is not None for e in entities)
    assert 20 <= sum(e.above_scale for e in entities) <= 90
    assert selectors.demo_entities(industry_prefix="C37").exists()
    assert EntityImport.objects.get().is_demo
