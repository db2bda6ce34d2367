"""`/api/v1/audit-events/`: office admins only, scoped, filtered, newest first, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qualitygov.accounts.choices import Role
from qualitygov.accounts.services import user_create, user_update
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.models import AuditEvent

URL = "/api/v1/audit-events/"
NOT_FOUND = {"code": "not_found", "message": "未找到。", "fields": {}}


@pytest.mark.parametrize("member", ["leader", "liaison_a", "liaison_b", "town_liaison"])
def test_only_office_admins_may_read_the_trail(client_for, cast, member):
    client = client_for(member)
    response = client.get(URL)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    event = AuditEvent.objects.order_by("seq").first()
    assert client.get(f"{URL}{event.pk}/").json() == NOT_FOUND


def test_anonymous_gets_401_with_the_error_body(client, cast):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"code": "not_authenticated", "message": "身份认证信息未提供。", "fields": {}}


def test_office_reads_events_newest_first_with_every_field(client_for, cast):
    user_update(actor=cast.office, user=cast.liaison_a, display_name="王小明")
    response = client_for("office").get(URL, {"page_size": 3})
    assert response.status_code == 200
    body = response.json()
    assert [e["seq"] for e in body["results"]] == [17, 16, 15]
    assert body["previous"] is None and "cursor=" in body["next"]
    newest = body["results"][0]
    event = AuditEvent.objects.get(seq=17)
    assert newest == {
        "id": event.pk, "seq": 17, "at": newest["at"], "actor": cast.office.pk, "actor_name": "office",
        "unit": cast.dept_a.pk, "unit_name": "舟山市普陀区经济和信息化局", "action": "user.update",
        "object_type": "accounts.user", "object_id": str(cast.liaison_a.pk), "object": "王小明",
        "changes": {"display_name": ["liaison_a", "王小明"]}, "request_id": event.request_id,
        "prev_hash": event.prev_hash, "hash": event.hash,
    }
    second = client_for("office").get(body["next"]).json()
    assert [e["seq"] for e in second["results"]] == [14, 13, 12]


def test_filters(client_for, cast):
    user_update(actor=cast.office, user=cast.liaison_a, display_name="王小明")
    client = client_for("office")

    def seqs(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return [e["seq"] for e in response.json()["results"]]

    assert seqs(actor="OFFICE") == [17]
    assert seqs(action="grant.create") == [16, 14, 12, 10, 8]
    assert seqs(object_type="accounts.user", object_id=str(cast.liaison_a.pk)) == [17, 11]
    assert seqs(unit=cast.town.pk) == [16, 15, 6]
    at = AuditEvent.objects.get(seq=17).at
    assert seqs(since=at.isoformat()) == [17]
    assert seqs(until=at.isoformat()) == list(range(16, 0, -1))


def test_bad_filter_value_is_invalid_with_fields(client_for, cast):
    response = client_for("office").get(URL, {"since": "yesterday"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "提交的数据无效。",
                               "fields": {"since": ["输入一个有效的日期/时间。"]}}


def test_subtree_office_admin_sees_only_their_units(cast):
    sub = user_create(actor=cast.office, username="sub_admin", password=PASSWORD, unit=cast.town,
                      grants=[(Role.OFFICE_ADMIN, cast.town, True)])
    client = Client()
    client.force_login(sub)
    results = client.get(URL).json()["results"]
    assert {e["unit"] for e in results} == {cast.town.pk}
    assert [e["action"] for e in results] == ["grant.create", "user.create", "grant.create", "user.create",
                                              "org_unit.create"]
    outside = AuditEvent.objects.get(action="org_unit.create", unit_ref=cast.dept_a.pk)
    assert client.get(f"{URL}{outside.pk}/").json() == NOT_FOUND


def test_unknown_event_is_not_found(client_for, cast):
    response = client_for("office").get(f"{URL}999999/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_query_count_does_not_grow_with_events(client_for, cast):
    client = client_for("office")

    def count_queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    for i in range(5):
        user_update(actor=cast.office, user=cast.liaison_b, phone=f"1380000{i:04d}")
    few = count_queries()
    for i in range(45):
        user_update(actor=cast.office, user=cast.liaison_b, phone=f"1390000{i:04d}")
    assert count_queries() == few
