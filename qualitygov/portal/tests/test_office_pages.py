"""The office's disclosure pages: publishing, revising and withdrawing through the pages, rules and the
masking policy; everyone else gets 404 and a refused POST changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from qualitygov.portal.choices import ItemState
from qualitygov.portal.models import MaskingRule, PublicationRule, PublishedItem

from .world import build_world

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_office_publishes_revises_and_withdraws_through_the_pages(cast):
    world = build_world(cast, publish=False)
    office = _client(cast.office)
    page = office.get("/disclosure/publishable/indicator/").content.decode()
    assert "绝密指标名称" in page and "未公开" in page  # the office sees what it may publish
    response = office.post("/disclosure/publishable/indicator/publish/",
                           {"source_id": world.p1.pk, "until": "2026-06-30", "note": "首次公开"})
    item = PublishedItem.objects.get(kind="indicator")
    assert response.status_code == 302 and response["Location"] == f"/disclosure/items/{item.pk}/"
    assert [v["value"] for v in item.payload["values"]] == ["95.5", "96.25"]
    office.post(f"/disclosure/items/{item.pk}/republish/", {"until": "2026-09-30", "note": "三季度"})
    item.refresh_from_db()
    assert item.current_version == 2
    office.post(f"/disclosure/items/{item.pk}/withdraw/", {"reason": ""})
    item.refresh_from_db()
    assert item.state == ItemState.PUBLISHED  # no reason: refused
    office.post(f"/disclosure/items/{item.pk}/withdraw/", {"reason": "数据有误"})
    item.refresh_from_db()
    assert (item.state, item.withdrawn_reason) == (ItemState.WITHDRAWN, "数据有误")
    listing = office.get("/disclosure/?state=withdrawn").content.decode()
    assert "P1 产品质量监督抽查合格率" in listing
    export = office.get("/disclosure/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_office_sets_a_rule_and_a_masking_field_through_the_pages(cast):
    world = build_world(cast, publish=False)
    office = _client(cast.office)
    response = office.post("/disclosure/rules/new/", {"name": "每月公开", "keys": [str(world.p1.pk)],
                                                      "day_of_month": "5", "active": "on"})
    assert response.status_code == 302
    rule = PublicationRule.objects.get()
    assert (rule.keys, rule.day_of_month, rule.active) == ([str(world.p1.pk)], 5, True)
    assert "P1 产品质量监督抽查合格率" in office.get("/disclosure/rules/").content.decode()
    response = office.post("/disclosure/masking/", {"field": "inspector", "treatment": "name", "active": "on"})
    assert response.status_code == 302 and MaskingRule.objects.get().field == "inspector"
    page = office.get("/disclosure/masking/").content.decode()
    assert "inspector" in page and "complainant" in page


@pytest.mark.parametrize("member", ["leader", "liaison_a", "town_liaison", "anonymous"])
def test_others_get_404_and_change_nothing(cast, member):
    world = build_world(cast)
    client = _client(cast.members[member])
    item = world.items["p1"]
    for url in ["/disclosure/", f"/disclosure/items/{item.pk}/", "/disclosure/publishable/indicator/",
                "/disclosure/rules/", "/disclosure/masking/"]:
        status = client.get(url).status_code
        assert status == (302 if member == "anonymous" else 404), url
    client.post(f"/disclosure/items/{item.pk}/withdraw/", {"reason": "x"})
    client.post("/disclosure/publishable/indicator/publish/", {"source_id": world.s9.pk})
    client.post("/disclosure/masking/", {"field": "phone", "treatment": "redact", "active": "on"})
    assert PublishedItem.objects.get(pk=item.pk).is_published
    assert not PublishedItem.objects.filter(key=f"indicator:{world.s9.pk}").exists()
    assert not MaskingRule.objects.exists()
