"""Writes of public disclosure: publishing, revising and withdrawing items, publication rules, the
masking policy.

Only an office holding the whole district publishes (anyone else: NotFoundError, nothing written);
publication rules are applied by a job that runs without a user. Each write is one transaction with one
audit event of this app per item. Publishing builds the kind's snapshot, masks it and stores a new
version only when the masked content or title differs from the current one, so publishing again or
applying a rule twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qualitygov.core.audit import audit_record
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.scoping import manages_district

from . import events
from .choices import ItemState, Treatment, VersionAction
from .kinds import KINDS as _KINDS
from .kinds import Kind, get_kind
from .masking import DEFAULT_FIELDS, mask_payload
from .models import MaskingRule, PublicationRule, PublishedItem, PublishedVersion


def may_publish(actor) -> bool:
    """True for an office holding the whole district: the only one who decides what is public."""
    return manages_district(actor)


def _require_office(actor) -> None:
    if not may_publish(actor):
        raise NotFoundError(_("Not found."))


def _refuse(field: str, message: str):
    raise ServiceError(message, fields={field: [message]})


def _kind(kind: str | Kind) -> Kind:
    if isinstance(kind, Kind):
        return kind
    if kind not in _KINDS:
        _refuse("kind", _("Unknown kind of publication."))
    return get_kind(kind)


def _free_slug(base: str, item_id: int | None) -> str:
    base = (slugify(base) or "item")[:120]
    slug, n = base, 1
    while PublishedItem.objects.filter(slug=slug).exclude(pk=item_id).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _publish(*, actor, kind: Kind, obj, options: dict[str, Any] | None, note: str, rule=None,
             at: dt.datetime | None = None, is_demo: bool = False) -> tuple[PublishedItem, bool]:
    """The shared body of explicit and rule-based publication; (item, changed)."""
    at = at or timezone.now()
    snap = kind.build(obj, dict(options or {}))
    payload = mask_payload(snap.payload)
    title = mask_payload(snap.title)[:300]
    key = kind.item_key(obj)
    item = PublishedItem.objects.select_for_update().filter(kind=kind.key, key=key).first()
    columns = {"period_label": snap.period_label[:40], "period_start": snap.period_start,
               "period_end": snap.period_end, "town_name": snap.town_name[:100], "category": snap.category[:100],
               "sort_key": snap.sort_key[:120]}
    if item is None:
        item = PublishedItem.objects.create(
            kind=kind.key, key=key, slug=_free_slug(kind.item_slug(obj), None), title=title,
            state=ItemState.PUBLISHED, current_version=1, payload=payload, first_published_at=at,
            last_published_at=at, source_type=(kind.model or kind.key).lower(), source_id=kind.source_id(obj), is_demo=is_demo, **columns)
        action = VersionAction.PUBLISH
    else:
        if item.is_published and item.payload == payload and item.title == title:
            return item, False
        action = VersionAction.REVISE if item.is_published else VersionAction.PUBLISH
        item.current_version += 1
        item.title, item.payload, item.state = title, payload, ItemState.PUBLISHED
        item.last_published_at, item.withdrawn_at, item.withdrawn_reason = at, None, ""
        for name, value in columns.items():
            setattr(item, name, value)
        item.save()
    PublishedVersion.objects.create(item=item, version=item.current_version, action=action, title=title,
                                    payload=payload, note=(note or "").strip(), at=at,
                                    actor=actor if getattr(actor, "is_authenticated", False) else None, rule=rule)
    audit_record(actor=actor, action=events.ITEM_PUBLISH if action == VersionAction.PUBLISH else events.ITEM_REVISE,
                 obj=item, changes={"kind": kind.key, "key": key, "version": item.current_version,
                                    "slug": item.slug, "note": (note or "").strip()})
    _changed(item)
    return item, True


def _changed(item: PublishedItem) -> None:
    """Tell readers (the public site's and the open-data API's caches) that published content changed."""
    from . import signals

    transaction.on_commit(lambda: signals.published_changed.send(sender=PublishedItem, item=item))


@transaction.atomic
def item_publish(*, actor, kind: str | Kind, obj, options: dict[str, Any] | None = None, note: str = "",
                 is_demo: bool = False) -> PublishedItem:
    """Publish `obj` as an item of `kind` (first publication, revision, or publication again after a
    withdrawal). Nothing is written when the masked snapshot equals what is published."""
    _require_office(actor)
    item = _publish(actor=actor, kind=_kind(kind), obj=obj, options=options, note=note, is_demo=is_demo)[0]
    return item


@transaction.atomic
def item_republish(*, actor, item: PublishedItem, options: dict[str, Any] | None = None,
                   note: str = "") -> PublishedItem:
    """Build the item's snapshot again from its source (a revision when it changed)."""
    _require_office(actor)
    kind = _kind(item.kind)
    obj = kind.source(item.source_id)
    if obj is None:
        _refuse("item", _("The record this publication was made from no longer exists."))
    item = _publish(actor=actor, kind=kind, obj=obj, options=options, note=note)[0]
    return item


@transaction.atomic
def item_withdraw(*, actor, item: PublishedItem, reason: str) -> PublishedItem:
    """Withdraw a published item: it leaves the public site, the feed and the API at once; its versions
    stay (the office's record). Refused without a reason or when already withdrawn."""
    _require_office(actor)
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("Give the reason for the withdrawal."))
    item = PublishedItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_published:
        _refuse("state", _("This item is not published."))
    at = timezone.now()
    item.state, item.withdrawn_at, item.withdrawn_reason = ItemState.WITHDRAWN, at, reason[:2000]
    item.current_version += 1
    item.payload = {}
    item.save()
    PublishedVersion.objects.create(item=item, version=item.current_version, action=VersionAction.WITHDRAW,
                                    title=item.title, payload={}, note=reason, at=at, actor=actor)
    audit_record(actor=actor, action=events.ITEM_WITHDRAW, obj=item,
                 changes={"kind": item.kind, "key": item.key, "version": item.current_version, "reason": reason})
    _changed(item)
    return item


# --- publication rules ---------------------------------------------------------------------------

@transaction.atomic
def rule_save(*, actor, name: str, kind: str, keys: list[str], day_of_month: int = 5, active: bool = True,
              rule: PublicationRule | None = None, is_demo: bool = False) -> PublicationRule:
    """Create or change a publication rule. `keys` are source ids of `kind` (e.g. indicator ids); refused
    without a name or objects, with an unknown kind or object, or a day outside 1–28."""
    _require_office(actor)
    name = (name or "").strip()
    if not name:
        _refuse("name", _("Give the rule a name."))
    kind_ = _kind(kind)
    keys = [str(k) for k in keys if str(k).strip()]
    if not keys:
        _refuse("keys", _("Choose at least one record to publish."))
    if any(kind_.source(k) is None for k in keys):
        _refuse("keys", _("Some chosen records do not exist."))
    if not 1 <= int(day_of_month) <= 28:
        _refuse("day_of_month", _("Choose a day between 1 and 28."))
    old = None
    if rule is None:
        rule = PublicationRule(created_by=actor, is_demo=is_demo)
    else:
        rule = PublicationRule.objects.select_for_update().get(pk=rule.pk)
        old = {"name": rule.name, "kind": rule.kind, "keys": rule.keys, "day_of_month": rule.day_of_month,
               "active": rule.active}
    rule.name, rule.kind, rule.keys, rule.day_of_month, rule.active = name[:200], kind_.key, sorted(keys), int(
        day_of_month), bool(active)
    rule.save()
    new = {"name": rule.name, "kind": rule.kind, "keys": rule.keys, "day_of_month": rule.day_of_month,
           "active": rule.active}
    audit_record(actor=actor, action=events.RULE_SAVE, obj=rule,
                 changes={"new": new} if old is None else {k: [old[k], new[k]] for k in new if old[k] != new[k]})
    return rule


def rule_cutoff(today: dt.date) -> dt.date:
    """The last day whose data a rule applied on `today` publishes: the end of the previous month."""
    return today.replace(day=1) - dt.timedelta(days=1)


def rule_due(rule: PublicationRule, today: dt.date) -> bool:
    """Due from its day of the month until applied in that month."""
    if not rule.active or today.day < rule.day_of_month:
        return False
    return rule.last_applied_on is None or (rule.last_applied_on.year, rule.last_applied_on.month) < (
        today.year, today.month)


@transaction.atomic
def rules_apply(*, actor=None, today: dt.date | None = None, force: bool = False) -> list[PublishedItem]:
    """Apply every due rule (all active rules with `force`): publish each object with the data of periods
    that ended by the end of the previous month. Returns the items that changed. Idempotent: a rule
    applied this month is not due again; an unchanged snapshot writes nothing."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        _require_office(actor)
    today = today or timezone.localdate()
    changed: list[PublishedItem] = []
    for rule in PublicationRule.objects.select_for_update().filter(active=True).order_by("id"):
        if not (force or rule_due(rule, today)):
            continue
        kind = _KINDS.get(rule.kind)
        if kind is None:
            continue
        options = {"until": rule_cutoff(today).isoformat()}
        done = []
        for obj in filter(None, (kind.source(k) for k in rule.keys)):
            item, did = _publish(actor=actor, kind=kind, obj=obj, options=options,
                                 note=_("Published by the rule “%(name)s”") % {"name": rule.name}, rule=rule,
                                 is_demo=rule.is_demo)
            if did:
                changed.append(item)
                done.append(item.key)
        rule.last_applied_on = today
        rule.save(update_fields=["last_applied_on"])
        audit_record(actor=actor, action=events.RULE_APPLY, obj=rule,
                     changes={"published": done, "as_of": today.isoformat()})
    return changed


# --- masking policy --------------------------------------------------------------------------------

@transaction.atomic
def masking_rule_save(*, actor, field: str, treatment: str, note: str = "", active: bool = True) -> MaskingRule:
    """Declare (or change) a personal field. A built-in field may be made stricter, never weaker (the
    weaker treatment is stored but `masking.policy()` keeps the built-in one)."""
    _require_office(actor)
    field = (field or "").strip().lower()
    if not field or not field.replace("_", "").isalnum():
        _refuse("field", _("Give the field name (letters, digits and underscores)."))
    if treatment not in Treatment.values:
        _refuse("treatment", _("Choose a treatment."))
    rule = MaskingRule.objects.select_for_update().filter(field=field).first()
    old = None if rule is None else {"treatment": rule.treatment, "active": rule.active, "note": rule.note}
    if rule is None:
        rule = MaskingRule(field=field, created_by=actor)
    rule.treatment, rule.note, rule.active = treatment, (note or "").strip()[:200], bool(active)
    rule.save()
    new = {"treatment": rule.treatment, "active": rule.active, "note": rule.note}
    audit_record(actor=actor, action=events.MASKING_SAVE, obj=rule,
                 changes={"field": field, "builtin": field in DEFAULT_FIELDS,
                          **({"new": new} if old is None else {k: [old[k], new[k]] for k in new if old[k] != new[k]})})
    return rule
