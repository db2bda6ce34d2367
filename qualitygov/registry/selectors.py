"""Reads of the market-entity directory, always through `visible_to`.

Who sees which entity: users whose `view` scope covers the entity's town (district-wide users — office,
leaders, reviewers, viewers — see every entity; a town liaison sees the entities registered in their
town; a department liaison sees none), and the directory's writers (office, 区市场监管分局 staff), who
keep the whole directory. Imports are seen by the writers only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import Attachment
from qualitygov.core.permissions import Action

from .models import EntityImport, MarketEntity
from .services import may_write


def entity_list_visible(*, user) -> QuerySet[MarketEntity]:
    if may_write(user):
        qs = MarketEntity.objects.all()
    else:
        qs = MarketEntity.objects.visible_to(user, Action.VIEW)
    return qs.select_related("town")


def entity_get_visible(*, user, pk: int) -> MarketEntity:
    try:
        return entity_list_visible(user=user).get(pk=pk)
    except MarketEntity.DoesNotExist:
        raise NotFoundError(_("Not found.")) from None


def entity_by_uscc(*, user, uscc: str) -> MarketEntity | None:
    """The entity with this (normalised) code, if `user` may see it: for the other ledgers' forms."""
    return entity_list_visible(user=user).filter(uscc=uscc).first()


def entity_search(*, user, q: str, limit: int = 20) -> tuple[list[MarketEntity], int]:
    """Entities whose name contains `q` or whose code starts with it (upper-cased)."""
    q = (q or "").strip()
    qs = entity_list_visible(user=user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
    return list(qs.order_by("name", "pk")[:limit]), qs.count()


def town_choices() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).order_by("sort_order", "name")


def import_list_visible(*, user) -> QuerySet[EntityImport]:
    if not may_write(user):
        return EntityImport.objects.none()
    return EntityImport.objects.select_related("created_by")


def import_get_visible(*, user, pk: int) -> EntityImport:
    try:
        return import_list_visible(user=user).get(pk=pk)
    except EntityImport.DoesNotExist:
        raise NotFoundError(_("Not found.")) from None


def import_file(imp: EntityImport) -> Attachment | None:
    return Attachment.objects.filter(owner_type=imp._meta.label_lower, owner_id=str(imp.pk)).order_by("pk").first()


def demo_entities(*, above_scale: bool | None = None, industry_prefix: str = "", town: OrgUnit | None = None
                  ) -> QuerySet[MarketEntity]:
    """The demo entities (loaded by this app's demo loader, order 15) for other ledgers' demo loaders:
    filter by 规上, a GB/T 4754 code prefix ("C13", "C37") or town; ordered by code, so stable."""
    qs = MarketEntity.objects.filter(is_demo=True, is_active=True).select_related("town")
    if above_scale is not None:
        qs = qs.filter(above_scale=above_scale)
    if industry_prefix:
        qs = qs.filter(industry_code__startswith=industry_prefix)
    if town is not None:
        qs = qs.filter(town=town)
    return qs.order_by("uscc")
