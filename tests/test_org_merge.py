"""Merging two units moves every reference, keeps the names as aliases, and is shown before it runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qualitygov.accounts.models import Grant, OrgUnit, OrgUnitAlias, User
from qualitygov.accounts.selectors import org_unit_lookup
from qualitygov.accounts.services import grant_create, org_unit_create, org_unit_merge, org_unit_update
from qualitygov.core.audit import audit_verify
from qualitygov.core.errors import ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.plans.models import Plan, Responsibility, Task


@pytest.fixture
def plan_refs(cast):
    """Task 1 has dept_b as lead; task 2 has both dept_a and dept_b (the merge would duplicate it)."""
    plan = Plan.objects.create(title="普陀区质量强区建设实施方案（2023—2027年）")
    task1 = Task.objects.create(plan=plan, number="1", title="提升产品质量", text="……", order=1)
    task2 = Task.objects.create(plan=plan, number="2", title="提升工程质量", text="……", order=2)
    r1 = Responsibility.objects.create(task=task1, unit=cast.dept_b, role="lead", name_as_written="区住建局")
    r2a = Responsibility.objects.create(task=task2, unit=cast.dept_a, role="lead")
    r2b = Responsibility.objects.create(task=task2, unit=cast.dept_b, role="co")
    return {"task1": task1, "task2": task2, "r1": r1, "r2a": r2a, "r2b": r2b}


def test_merge_flow_previews_then_moves_every_reference(client_for, cast, plan_refs):
    org_unit_update(actor=None, unit=cast.dept_b, aliases=["区建设局"])
    child = org_unit_create(actor=None, name="区住建局建筑业管理科", kind="other", parent=cast.dept_b)
    client = client_for("office")
    url = reverse("accounts:unit_merge", args=[cast.dept_b.pk])

    chooser = client.get(url)
    assert chooser.status_code == 200
    offered = [value for value, _ in chooser.context["form"].fields["target"].choices]
    assert str(cast.dept_a.pk) in offered
    assert str(cast.dept_b.pk) not in offered and str(child.pk) not in offered

    before = AuditEvent.objects.count()
    preview = client.post(url, {"target": cast.dept_a.pk})
    assert preview.status_code == 200
    assert [(r["key"], r["count"]) for r in preview.context["references"]] == [
        ("accounts.orgunit.parent", 1), ("accounts.user.unit", 1), ("accounts.grant.unit", 1),
        ("plans.responsibility.unit", 2),
    ]
    assert [(str(r["model"]), str(r["field"])) for r in preview.context["references"]][:3] == [
        ("单位", "上级单位"), ("用户", "单位"), ("授权", "单位"),
    ]
    body = preview.content.decode()
    assert "将要转移的内容" in body and "舟山市普陀区住房和城乡建设局、区住建局、区建设局" in body
    assert preview.context["names"] == ["舟山市普陀区住房和城乡建设局", "区住建局", "区建设局"]
    assert AuditEvent.objects.count() == before
    assert OrgUnit.objects.filter(pk=cast.dept_b.pk).exists()

    done = client.post(url, {"target": cast.dept_a.pk, "confirm": "1"})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:unit_detail", args=[cast.dept_a.pk])
    assert not OrgUnit.objects.filter(pk=cast.dept_b.pk).exists()
    # Users, grants, subordinate units and responsibilities all point at the remaining unit.
    assert User.objects.get(username="liaison_b").unit_id == cast.dept_a.pk
    assert list(Grant.objects.filter(user__username="liaison_b").values_list("role", "unit_id")) == [
        ("department_liaison", cast.dept_a.pk)
    ]
    assert OrgUnit.objects.get(pk=child.pk).parent_id == cast.dept_a.pk
    assert OrgUnit.objects.get(pk=child.pk).path == f"{cast.dept_a.path}{child.pk:08d}/"
    assert Responsibility.objects.get(pk=plan_refs["r1"].pk).unit_id == cast.dept_a.pk
    # Task 2 already had dept_a: the duplicate row is dropped, the existing one stays.
    assert list(plan_refs["task2"].responsibilities.values_list("pk", "unit_id")) == [
        (plan_refs["r2a"].pk, cast.dept_a.pk)
    ]
    assert not Responsibility.objects.filter(unit_id=cast.dept_b.pk).exists()
    # Every name of the merged unit now finds the remaining one.
    assert sorted(OrgUnitAlias.objects.filter(unit=cast.dept_a).values_list("name", flat=True)) == sorted(
        ["舟山市普陀区住房和城乡建设局", "区住建局", "区建设局"]
    )
    for name in ["舟山市普陀区住房和城乡建设局", "区住建局", "区建设局", "区经信局"]:
        assert org_unit_lookup(name) == cast.dept_a
    lookup = client.get(reverse("accounts:org_tree"), {"lookup": "区住建局"})
    assert lookup.context["found"] == cast.dept_a
    event = AuditEvent.objects.filter(action="org_unit.merge").get()
    assert event.changes["moved"] == {
        "accounts.user.unit": 1, "accounts.grant.unit": 1, "plans.responsibility.unit": 1,
        "plans.responsibility.unit.dropped_duplicate": 1, "accounts.orgunit.parent": 1,
    }
    assert audit_verify().ok


def test_merged_liaison_now_sees_the_remaining_unit(client_for, cast):
    org_unit_merge(actor=cast.office, source=cast.dept_b, target=cast.dept_a)
    client = client_for("liaison_b")
    assert client.get(reverse("accounts:unit_detail", args=[cast.dept_a.pk])).status_code == 200


def test_merge_refusals(cast):
    with pytest.raises(ServiceError):
        org_unit_merge(actor=None, source=cast.dept_a, target=cast.dept_a)
    with pytest.raises(ServiceError):
        org_unit_merge(actor=None, source=cast.district, target=cast.dept_a)
    assert OrgUnit.objects.count() == 6


def test_merge_form_requires_a_target_and_writes_nothing(client_for, cast):
    before = (OrgUnit.objects.count(), AuditEvent.objects.count())
    response = client_for("office").post(reverse("accounts:unit_merge", args=[cast.dept_b.pk]), {"confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"target": ["该字段是必填项。"]}
    assert (OrgUnit.objects.count(), AuditEvent.objects.count()) == before


def test_merge_keeps_grant_already_held_at_target(cast):
    grant_create(actor=None, user=cast.liaison_b, role="department_liaison", unit=cast.dept_a)
    org_unit_merge(actor=None, source=cast.dept_b, target=cast.dept_a)
    assert list(Grant.objects.filter(user=cast.liaison_b).values_list("unit_id", flat=True)) == [cast.dept_a.pk]


def test_merge_refuses_to_delete_data_both_units_reported(client_for, cast):
    """Two units' observations for one period are data, not links: the merge is refused, nothing moves."""
    import datetime as dt

    from qualitygov.accounts.tests.test_org_views import state
    from qualitygov.indicators.models import Indicator, Observation, ReportingPeriod

    plan = Plan.objects.create(title="普陀区质量强区建设实施方案（2023—2027年）")
    indicator = Indicator.objects.create(plan=plan, code="Z1", name="制造业产品质量合格率", comparator=">=",
                                         target_value=95, scope="goals")
    period = ReportingPeriod.objects.create(indicator=indicator, label="2025年", start=dt.date(2025, 1, 1),
                                            end=dt.date(2025, 12, 31), due_date=dt.date(2026, 1, 15))
    for unit, value in ((cast.dept_a, 96), (cast.dept_b, 97)):
        Observation.objects.create(indicator=indicator, period=period, unit=unit, value=value)
    before = (state(), list(Observation.objects.order_by("pk").values_list("unit_id", "value")))
    response = client_for("office").post(reverse("accounts:unit_merge", args=[cast.dept_b.pk]),
                                         {"target": cast.dept_a.pk, "confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "“舟山市普陀区住房和城乡建设局”和“舟山市普陀区经济和信息化局”对同一事项都有指标数据；请先处理重复项，再合并。"
    ]
    assert (state(), list(Observation.objects.order_by("pk").values_list("unit_id", "value"))) == before
