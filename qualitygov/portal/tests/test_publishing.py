"""Publishing is a decision: explicit publication and revision with history, withdrawal, rules applied
idempotently, only the office publishes, and each write is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.portal import services
from qualitygov.portal.choices import ItemState, VersionAction
from qualitygov.portal.models import PublicationRule, PublishedItem, PublishedVersion

from .world import UNTIL, build_world, value

pytestmark = pytest.mark.django_db


def test_indicator_snapshot_holds_published_values_targets_and_path(cast):
    world = build_world(cast)
    item = world.items["p1"]
    assert (item.kind, item.key, item.slug, item.title, item.state, item.current_version) == (
        "indicator", f"indicator:{world.p1.pk}", "indicator-p1", "P1 产品质量监督抽查合格率", ItemState.PUBLISHED, 1)
    p = item.payload
    assert [(v["period"], v["value"]) for v in p["values"]] == [("2026-Q1", "95.5"), ("2026-Q2", "96.25")]
    assert p["targets_by_year"] == {"2026": "97", "2027": "99"}
    assert p["responsible_units"] == ["舟山市普陀区经济和信息化局"]
    assert p["as_of"] == UNTIL.isoformat()
    assert (item.period_label, item.period_start, item.period_end) == ("2026-Q2", dt.date(2026, 4, 1),
                                                                      dt.date(2026, 6, 30))
    path = {row["period"]: row["expected"] for row in p["path"]}
    assert path["2026-Q4"] == "97" and path["2027-Q4"] == "99"
    [version] = item.versions.all()
    assert (version.version, version.action, version.actor, version.payload) == (1, VersionAction.PUBLISH,
                                                                                 cast.office, p)
    event = AuditEvent.objects.filter(action="portal_item.publish", object_id=str(item.pk)).get()
    assert event.changes["key"] == item.key and event.changes["version"] == 1


def test_publishing_again_unchanged_writes_nothing_and_a_change_is_a_revision(cast):
    world = build_world(cast)
    item = services.item_publish(actor=cast.office, kind="indicator", obj=world.p1, options={"until": UNTIL.isoformat()})
    assert item.current_version == 1 and PublishedVersion.objects.filter(item=item).count() == 1
    item = services.item_publish(actor=cast.office, kind="indicator", obj=world.p1,
                                 options={"until": "2026-09-30"}, note="第三季度数据")
    assert item.current_version == 2
    assert [v["value"] for v in item.payload["values"]] == ["95.5", "96.25", "97.75"]
    latest, first = item.versions.all()
    assert (latest.action, latest.note, first.action) == (VersionAction.REVISE, "第三季度数据", VersionAction.PUBLISH)
    assert [v["value"] for v in first.payload["values"]] == ["95.5", "96.25"]
    assert AuditEvent.objects.filter(action="portal_item.revise", object_id=str(item.pk)).count() == 1


def test_withdrawal_empties_the_item_keeps_its_history_and_needs_a_reason(cast):
    world = build_world(cast)
    item = world.items["p1"]
    with pytest.raises(ServiceError):
        services.item_withdraw(actor=cast.office, item=item, reason="  ")
    item = services.item_withdraw(actor=cast.office, item=item, reason="数据口径调整")
    assert (item.state, item.payload, item.withdrawn_reason, item.current_version) == (
        ItemState.WITHDRAWN, {}, "数据口径调整", 2)
    assert [v.action for v in item.versions.all()] == [VersionAction.WITHDRAW, VersionAction.PUBLISH]
    assert item.versions.get(version=1).payload["values"]
    assert not PublishedItem.objects.published().filter(pk=item.pk).exists()
    with pytest.raises(ServiceError):
        services.item_withdraw(actor=cast.office, item=item, reason="再次")
    again = services.item_publish(actor=cast.office, kind="indicator", obj=world.p1, options={"until": UNTIL.isoformat()})
    assert (again.state, again.current_version, again.versions.first().action) == (
        ItemState.PUBLISHED, 3, VersionAction.PUBLISH)


@pytest.mark.parametrize("member", ["leader", "liaison_a", "liaison_b", "town_liaison"])
def test_only_the_district_office_publishes(cast, member):
    world = build_world(cast)
    user = cast.members[member]
    with pytest.raises(NotFoundError):
        services.item_publish(actor=user, kind="indicator", obj=world.s9)
    with pytest.raises(NotFoundError):
        services.item_withdraw(actor=user, item=world.items["p1"], reason="x")
    with pytest.raises(NotFoundError):
        services.rule_save(actor=user, name="x", kind="indicator", keys=[world.s9.pk])
    assert not PublishedItem.objects.filter(key=f"indicator:{world.s9.pk}").exists()
    assert PublishedItem.objects.get(pk=world.items["p1"].pk).is_published


def test_rule_publishes_on_its_day_the_values_of_ended_months_once(cast):
    world = build_world(cast, publish=False)
    rule = services.rule_save(actor=cast.office, name="每月5日公开抽检合格率", kind="indicator", keys=[world.p1.pk],
                              day_of_month=5)
    assert services.rules_apply(today=dt.date(2026, 7, 4)) == []
    assert not PublishedItem.objects.exists()
    [item] = services.rules_apply(today=dt.date(2026, 7, 5))
    assert [v["value"] for v in item.payload["values"]] == ["95.5", "96.25"]
    assert item.payload["as_of"] == "2026-06-30"
    version = item.versions.get()
    assert (version.rule, version.actor, version.note) == (rule, None, "按规则“每月5日公开抽检合格率”发布")
    # Applying again in the same month (a second run of the job) changes nothing.
    assert services.rules_apply(today=dt.date(2026, 7, 6)) == []
    assert services.rules_apply(today=dt.date(2026, 7, 6), force=True) == []
    assert PublishedVersion.objects.count() == 1
    # Next month the third quarter has ended: a revision.
    [item] = services.rules_apply(today=dt.date(2026, 10, 5))
    assert item.current_version == 2 and item.versions.first().action == VersionAction.REVISE
    assert PublicationRule.objects.get().last_applied_on == dt.date(2026, 10, 5)
    assert AuditEvent.objects.filter(action="portal_rule.apply").count() == 3


def test_rule_refuses_unknown_records_and_days(cast):
    world = build_world(cast, publish=False)
    with pytest.raises(ServiceError):
        services.rule_save(actor=cast.office, name="x", kind="indicator", keys=[999999])
    with pytest.raises(ServiceError):
        services.rule_save(actor=cast.office, name="x", kind="indicator", keys=[world.p1.pk], day_of_month=31)
    with pytest.raises(ServiceError):
        services.rule_save(actor=cast.office, name="x", kind="nothing", keys=[world.p1.pk])
    assert not PublicationRule.objects.exists()


def test_unapproved_values_are_never_in_a_snapshot(cast):
    world = build_world(cast)
    value(cast, world.p1, "2026-Q4", "55.5", approve=False)
    item = services.item_publish(actor=cast.office, kind="indicator", obj=world.p1, options={"until": "2026-12-31"})
    assert "55.5" not in str(item.payload)
