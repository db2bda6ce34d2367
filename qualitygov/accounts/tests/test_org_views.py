"""The organisation tree page, unit pages, export, and the office's unit create/edit/deactivate."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.accounts.models import Grant, OrgUnit, OrgUnitAlias, User
from qualitygov.accounts.services import org_unit_create, org_unit_update
from qualitygov.core.audit import audit_verify
from qualitygov.core.errors import ServiceError
from qualitygov.core.models import AuditEvent

#: Django says 这个字段是必填项。 but DRF's catalogue, earlier in INSTALLED_APPS, takes precedence.
REQUIRED = "该字段是必填项。"

CAST_UNITS = [
    "舟山市普陀区",
    "普陀区质量强区工作领导小组",
    "普陀区质量强区工作领导小组办公室",
    "舟山市普陀区经济和信息化局",
    "舟山市普陀区住房和城乡建设局",
    "舟山市普陀区沈家门街道",
]


def tree_names(response) -> list[str]:
    return [unit["name"] for unit in response.context["units"]]


def state() -> tuple:
    """Everything a refused request must leave unchanged."""
    return (
        list(OrgUnit.objects.order_by("pk").values_list("pk", "name", "short_name", "kind", "parent_id", "is_active",
                                                        "sort_order", "path")),
        list(OrgUnitAlias.objects.order_by("pk").values_list("unit_id", "name")),
        list(User.objects.order_by("pk").values_list("pk", "username", "unit_id", "is_active", "password")),
        list(Grant.objects.order_by("pk").values_list("user_id", "role", "unit_id", "include_descendants")),
        AuditEvent.objects.count(),
    )


def test_office_sees_whole_tree_in_order_with_depths(client_for, cast):
    response = client_for("office").get(reverse("accounts:org_tree"))
    assert response.status_code == 200
    assert tree_names(response) == CAST_UNITS
    assert [u["tree_depth"] for u in response.context["units"]] == [0, 1, 2, 1, 1, 1]
    body = response.content.decode()
    assert "区经信局" in body and "街道" in body and "新增单位" in body


def test_siblings_follow_sort_order(client_for, cast):
    org_unit_update(actor=None, unit=cast.town, sort_order=-1)
    response = client_for("office").get(reverse("accounts:org_tree"))
    assert tree_names(response)[:2] == ["舟山市普陀区", "舟山市普陀区沈家门街道"]


def test_liaison_sees_only_own_unit(client_for, cast):
    response = client_for("liaison_a").get(reverse("accounts:org_tree"))
    assert response.status_code == 200
    assert tree_names(response) == ["舟山市普陀区经济和信息化局"]
    assert "新增单位" not in response.content.decode()


def test_filter_by_kind_and_search_by_alias(client_for, cast):
    org_unit_update(actor=None, unit=cast.dept_b, aliases=["区建设局"])
    client = client_for("office")
    assert tree_names(client.get(reverse("accounts:org_tree"), {"kind": "subdistrict"})) == ["舟山市普陀区沈家门街道"]
    assert tree_names(client.get(reverse("accounts:org_tree"), {"q": "建设"})) == ["舟山市普陀区住房和城乡建设局"]
    assert tree_names(client.get(reverse("accounts:org_tree"), {"q": "区建设局", "kind": "department"})) == [
        "舟山市普陀区住房和城乡建设局"
    ]
    empty = client.get(reverse("accounts:org_tree"), {"q": "不存在的单位"})
    assert tree_names(empty) == []
    assert "没有符合筛选条件的单位。" in empty.content.decode()


def test_lookup_by_any_name_respects_scope(client_for, cast):
    org_unit_update(actor=None, unit=cast.dept_b, aliases=["区建设局"])
    response = client_for("office").get(reverse("accounts:org_tree"), {"lookup": "区建设局"})
    assert response.context["found"] == cast.dept_b
    hidden = client_for("liaison_a").get(reverse("accounts:org_tree"), {"lookup": "区建设局"})
    assert hidden.context["found"] is None
    assert "在您可见的单位中，没有名为“区建设局”的单位。" in hidden.content.decode()


def test_export_lists_visible_units(client_for, cast):
    org_unit_update(actor=None, unit=cast.dept_a, aliases=["经信局", "区经信"])
    response = client_for("office").get(reverse("accounts:org_export"), {"kind": "department"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["层级", "全称", "简称", "类型", "上级单位", "别名", "启用", "排序", "编号"]
    assert rows[1:] == [
        [2, "\u3000舟山市普陀区经济和信息化局", "区经信局", "区直部门", "舟山市普陀区", "区经信、经信局", "是", 0,
         cast.dept_a.pk],
        [2, "\u3000舟山市普陀区住房和城乡建设局", "区住建局", "区直部门", "舟山市普陀区", None, "是", 0, cast.dept_b.pk],
    ]
    liaison = client_for("liaison_b").get(reverse("accounts:org_export"))
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(liaison.content)).active.iter_rows()]
    assert [r[1] for r in rows[1:]] == ["舟山市普陀区住房和城乡建设局"]


def test_unit_page_within_scope_only(client_for, cast):
    own = client_for("liaison_a").get(reverse("accounts:unit_detail", args=[cast.dept_a.pk]))
    assert own.status_code == 200
    body = own.content.decode()
    assert "舟山市普陀区经济和信息化局" in body
    assert [m.username for m in own.context["members"]] == ["liaison_a"]
    assert [(g.user.username, g.role) for g in own.context["grants"]] == [("liaison_a", "department_liaison")]
    assert own.context["parent_visible"] is False
    assert client_for("liaison_a").get(reverse("accounts:unit_detail", args=[cast.dept_b.pk])).status_code == 404
    assert client_for("liaison_b").get(reverse("accounts:unit_detail", args=[cast.dept_a.pk])).status_code == 404
    assert client_for("liaison_a").get(reverse("accounts:unit_detail", args=[999999])).status_code == 404


def test_unit_page_for_office_lists_children(client_for, cast):
    response = client_for("office").get(reverse("accounts:unit_detail", args=[cast.district.pk]))
    assert response.status_code == 200
    assert [c.name for c in response.context["children"]] == [
        "普陀区质量强区工作领导小组", "舟山市普陀区经济和信息化局", "舟山市普陀区住房和城乡建设局", "舟山市普陀区沈家门街道",
    ]
    assert [(g.user.username, g.role) for g in response.context["grants"]] == [
        ("leader", "leader"), ("office", "office_admin"),
    ]
    assert response.context["can_manage"] is True


def test_office_creates_management_committee_with_aliases(client_for, cast):
    before = AuditEvent.objects.count()
    response = client_for("office").post(reverse("accounts:unit_create"), {
        "name": "舟山市普陀区东港开发区管委会", "short_name": "东港管委会", "kind": "management_committee",
        "parent": cast.district.pk, "sort_order": "500", "is_active": "on", "aliases": "东港开发区、 开发区管委会,东港开发区",
    })
    unit = OrgUnit.objects.get(name="舟山市普陀区东港开发区管委会")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:unit_detail", args=[unit.pk])
    assert (unit.kind, unit.short_name, unit.parent, unit.sort_order, unit.is_active, unit.depth) == (
        OrgUnitKind.MANAGEMENT_COMMITTEE, "东港管委会", cast.district, 500, True, 1,
    )
    assert unit.path == f"{cast.district.path}{unit.pk:08d}/"
    assert sorted(unit.aliases.values_list("name", flat=True)) == ["东港开发区", "开发区管委会"]
    event = AuditEvent.objects.get(seq=before + 1)
    assert (event.action, event.actor, event.object_id) == ("org_unit.create", cast.office, str(unit.pk))
    assert AuditEvent.objects.count() == before + 1
    assert audit_verify().ok


def test_create_form_missing_fields_writes_nothing(client_for, cast):
    before = state()
    response = client_for("office").post(reverse("accounts:unit_create"), {"short_name": "X"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"name": [REQUIRED], "kind": [REQUIRED], "parent": [REQUIRED], "sort_order": [REQUIRED]}
    assert response.content.decode().count(REQUIRED) == 4
    assert state() == before


def test_create_with_alias_of_another_unit_is_refused(client_for, cast):
    before = state()
    response = client_for("office").post(reverse("accounts:unit_create"), {
        "name": "舟山市普陀区某新局", "kind": "department", "parent": cast.district.pk, "sort_order": "0",
        "aliases": "区住建局",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "aliases": ["已被使用。"],
        "__all__": ["别名“区住建局”已属于舟山市普陀区住房和城乡建设局。"],
    }
    assert state() == before


def test_create_with_existing_name_is_refused(client_for, cast):
    before = state()
    response = client_for("office").post(reverse("accounts:unit_create"), {
        "name": "沈家门街道", "kind": "subdistrict", "parent": cast.district.pk, "sort_order": "0",
    })
    assert response.context["form"].errors == {
        "name": ["已被使用。"], "__all__": ["名称“沈家门街道”已被其他单位使用。"],
    }
    assert state() == before


def test_alias_uniqueness_in_services(cast):
    with pytest.raises(ServiceError) as exc:
        org_unit_update(actor=None, unit=cast.dept_a, aliases=["沈家门街道"])
    assert exc.value.fields == {"aliases": ["已被使用。"]}
    assert exc.value.message == "别名“沈家门街道”已属于舟山市普陀区沈家门街道。"
    org_unit_update(actor=None, unit=cast.dept_a, aliases=["经信局"])
    with pytest.raises(ServiceError):
        org_unit_update(actor=None, unit=cast.dept_b, aliases=["经信局"])
    with pytest.raises(ServiceError):
        org_unit_create(actor=None, name="经信局", kind="department", parent=cast.district)
    assert list(OrgUnitAlias.objects.values_list("name", flat=True)) == ["经信局"]


def test_office_edits_unit_and_moves_it(client_for, cast):
    response = client_for("office").post(reverse("accounts:unit_edit", args=[cast.town.pk]), {
        "name": "舟山市普陀区沈家门街道办事处", "short_name": "沈家门街道", "kind": "subdistrict",
        "parent": cast.dept_a.pk, "sort_order": "3", "is_active": "on", "aliases": "沈家门，沈家门街道",
    })
    assert response.status_code == 302
    town = OrgUnit.objects.get(pk=cast.town.pk)
    assert (town.name, town.parent, town.sort_order, town.depth) == ("舟山市普陀区沈家门街道办事处", cast.dept_a, 3, 2)
    assert town.path == f"{cast.dept_a.path}{town.pk:08d}/"
    # The short name is not stored again as an alias.
    assert list(town.aliases.values_list("name", flat=True)) == ["沈家门"]
    event = AuditEvent.objects.filter(action="org_unit.update").latest("seq")
    assert event.changes["name"] == ["舟山市普陀区沈家门街道", "舟山市普陀区沈家门街道办事处"]
    assert event.changes["aliases"] == [[], ["沈家门"]]


def test_edit_form_hides_parent_of_root(client_for, cast):
    response = client_for("office").get(reverse("accounts:unit_edit", args=[cast.district.pk]))
    assert response.status_code == 200
    assert "parent" not in response.context["form"].fields
    # A unit cannot be placed under its own subordinate unit: those are not offered.
    edit_district_child = client_for("office").get(reverse("accounts:unit_edit", args=[cast.office_unit.parent_id]))
    offered = [choice[0] for choice in edit_district_child.context["form"].fields["parent"].choices]
    assert str(cast.office_unit.pk) not in offered
    assert str(cast.district.pk) in offered


def test_deactivate_unit(client_for, cast):
    client = client_for("office")
    confirm = client.get(reverse("accounts:unit_deactivate", args=[cast.dept_b.pk]))
    assert confirm.status_code == 200
    assert confirm.context["active_members"] == 1
    response = client.post(reverse("accounts:unit_deactivate", args=[cast.dept_b.pk]))
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=cast.dept_b.pk).is_active is False
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.changes) == ("org_unit.update", {"is_active": [True, False]})


@pytest.mark.parametrize("member", ["liaison_a", "town_liaison", "leader"])
def test_non_admins_cannot_open_unit_management(client_for, cast, member):
    client = client_for(member)
    before = state()
    pages = [
        reverse("accounts:unit_create"),
        reverse("accounts:unit_edit", args=[cast.dept_a.pk]),
        reverse("accounts:unit_deactivate", args=[cast.dept_a.pk]),
        reverse("accounts:unit_merge", args=[cast.dept_a.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("accounts:unit_create"), {
        "name": "某单位", "kind": "department", "parent": cast.dept_a.pk, "sort_order": "0"}).status_code == 404
    assert client.post(reverse("accounts:unit_edit", args=[cast.dept_a.pk]), {
        "name": "改名", "kind": "department", "parent": cast.district.pk, "sort_order": "0"}).status_code == 404
    assert client.post(reverse("accounts:unit_deactivate", args=[cast.dept_a.pk])).status_code == 404
    assert client.post(reverse("accounts:unit_merge", args=[cast.dept_b.pk]),
                       {"target": cast.dept_a.pk, "confirm": "1"}).status_code == 404
    assert state() == before


def test_sub_scope_admin_manages_only_own_subtree(cast):
    from django.test import Client

    from qualitygov.accounts.services import user_create
    from qualitygov.accounts.testing import PASSWORD

    admin = user_create(actor=None, username="dept_admin", password=PASSWORD, unit=cast.dept_a,
                        grants=[("office_admin", cast.dept_a, True)])
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("accounts:unit_edit", args=[cast.dept_a.pk])).status_code == 200
    assert client.get(reverse("accounts:unit_edit", args=[cast.dept_b.pk])).status_code == 404
    # Its own top unit stays where it is: the parent is outside this admin's scope.
    assert "parent" not in client.get(reverse("accounts:unit_edit", args=[cast.dept_a.pk])).context["form"].fields
    before = state()
    response = client.post(reverse("accounts:unit_create"), {
        "name": "某科室", "kind": "other", "parent": cast.dept_b.pk, "sort_order": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == [
        f"选择一个有效的选项。 {cast.dept_b.pk} 不在可用的选项中。"
    ]
    assert state() == before


def test_tree_page_and_user_list_queries_do_not_grow(client_for, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qualitygov.accounts.services import user_create
    from qualitygov.accounts.testing import PASSWORD

    client = client_for("office")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [reverse("accounts:org_tree"), reverse("accounts:org_export"), reverse("accounts:user_list"),
            reverse("accounts:user_export")]
    small = [count(url) for url in urls]
    for i in range(20):
        unit = org_unit_create(actor=None, name=f"测试单位{i}", kind="other", parent=cast.dept_a,
                               aliases=[f"测试别名{i}"])
        user_create(actor=None, username=f"u{i}", password=PASSWORD, unit=unit, grants=[("viewer", unit, False)])
    assert [count(url) for url in urls] == small
    assert small[0] <= 12
