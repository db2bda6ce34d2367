"""Each accounts service call writes exactly one audit event, with who, where and old → new."""

from __future__ import annotations

import pytest

from qualitygov.accounts.choices import OrgUnitKind, Role
from qualitygov.accounts.models import Grant, OrgUnit
from qualitygov.accounts.services import (
    grant_create,
    grant_delete,
    org_unit_create,
    org_unit_merge,
    org_unit_update,
    user_create,
    user_set_password,
    user_update,
)
from qualitygov.core.audit import audit_verify
from qualitygov.core.context import reset_request_id, set_request_id
from qualitygov.core.models import AuditEvent


@pytest.fixture
def request_id():
    token = set_request_id("req-test-0001")
    yield "req-test-0001"
    reset_request_id(token)


def _only_new_event(before: int) -> AuditEvent:
    events = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(events) == 1, [e.action for e in events]
    assert audit_verify().ok
    return events[0]


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_user_update_records_old_and_new(cast, request_id):
    before = _head()
    user_update(actor=cast.office, user=cast.liaison_a, display_name="王小明", phone="0580-1234567")
    event = _only_new_event(before)
    assert (event.action, event.actor_id, event.actor_repr) == ("user.update", cast.office.pk, "office")
    assert (event.unit_ref, event.unit_repr) == (cast.dept_a.pk, "舟山市普陀区经济和信息化局")
    assert (event.object_type, event.object_id, event.object_repr) == ("accounts.user", str(cast.liaison_a.pk), "王小明")
    assert event.changes == {"display_name": ["liaison_a", "王小明"], "phone": ["", "0580-1234567"]}
    assert event.request_id == "req-test-0001"


def test_grant_create_records_the_grant(cast, request_id):
    before = _head()
    grant = grant_create(actor=cast.office, user=cast.liaison_b, role=Role.VIEWER, unit=cast.town)
    event = _only_new_event(before)
    assert (event.action, event.actor_repr, event.unit_ref) == ("grant.create", "office", cast.town.pk)
    assert (event.object_type, event.object_id) == ("accounts.grant", str(grant.pk))
    assert event.changes == {"user": "liaison_b", "role": "viewer", "unit": "舟山市普陀区沈家门街道",
                             "include_descendants": False}


def test_org_unit_update_records_fields_and_aliases(cast, request_id):
    before = _head()
    org_unit_update(actor=cast.office, unit=cast.dept_b, short_name="住建局", aliases=["区建设局"])
    event = _only_new_event(before)
    assert (event.action, event.unit_ref, event.object_id) == ("org_unit.update", cast.dept_b.pk, str(cast.dept_b.pk))
    assert event.changes == {"short_name": ["区住建局", "住建局"], "aliases": [[], ["区建设局"]]}


def test_org_unit_create_records_the_new_unit(cast):
    before = _head()
    unit = org_unit_create(actor=cast.office, name="舟山市普陀区东港街道", kind=OrgUnitKind.SUBDISTRICT,
                           parent=cast.district, short_name="东港街道", aliases=["东港"])
    event = _only_new_event(before)
    assert (event.action, event.unit_ref, event.actor_repr) == ("org_unit.create", unit.pk, "office")
    assert event.changes == {
        "new": {"parent": cast.district.pk, "kind": "subdistrict", "name": "舟山市普陀区东港街道",
                "short_name": "东港街道", "sort_order": 0, "is_active": True},
        "aliases": ["东港"],
    }


def test_org_unit_merge_records_one_event(cast):
    source = org_unit_create(actor=cast.office, name="普陀区旧经信局", kind=OrgUnitKind.DEPARTMENT,
                             parent=cast.district)
    before = _head()
    org_unit_merge(actor=cast.office, source=source, target=cast.dept_a)
    event = _only_new_event(before)
    assert (event.action, event.unit_ref) == ("org_unit.merge", cast.dept_a.pk)
    assert event.changes["merged"] == {"id": source.pk, "name": "普陀区旧经信局"}
    assert event.changes["aliases_added"] == ["普陀区旧经信局"]
    assert not OrgUnit.objects.filter(pk=source.pk).exists()


def test_user_create_without_grants_records_one_event(cast):
    before = _head()
    user = user_create(actor=cast.office, username="new_liaison", password="Another-password-2026",
                       display_name="新联络员", unit=cast.dept_b)
    event = _only_new_event(before)
    assert (event.action, event.object_id, event.unit_ref) == ("user.create", str(user.pk), cast.dept_b.pk)
    assert event.changes == {"new": {"username": "new_liaison", "display_name": "新联络员", "email": "",
                                     "phone": "", "unit": cast.dept_b.pk, "is_active": True}}


def test_password_change_records_no_password(cast):
    before = _head()
    user_set_password(actor=cast.office, user=cast.town_liaison, password="Brand-new-password-2026")
    event = _only_new_event(before)
    assert (event.action, event.changes) == ("user.set_password", {"password": "changed"})
    assert "Brand-new" not in str(event.changes)


def test_grant_delete_records_the_withdrawn_grant(cast):
    grant = Grant.objects.get(user=cast.liaison_b)
    grant_pk = grant.pk
    before = _head()
    grant_delete(actor=cast.office, grant=grant)
    event = _only_new_event(before)
    assert (event.action, event.object_id, event.unit_ref) == ("grant.delete", str(grant_pk), cast.dept_b.pk)
    assert event.changes == {"user": "liaison_b", "role": "department_liaison", "unit": "舟山市普陀区住房和城乡建设局",
                             "include_descendants": False}
