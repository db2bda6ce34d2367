"""The dashboard's only stored data: the versioned thresholds that colour its tiles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qualitygov.core.models import VersionedRuleSet


class TileRuleSet(VersionedRuleSet):
    """Red and amber thresholds of the dashboard's tiles; the set in force on a period's last day judges it.

    `params` (JSON): `{"tiles": {tile_key: {"direction": "min"|"max", "red": "80", "amber": "90",
    "basis": "..."}}}`. With "min" a value below `red` is red and below `amber` amber (rates that must
    stay high); with "max" a value above `red` is red and above `amber` amber (overdue clocks). Either
    threshold may be missing; a tile without an entry is not judged. Numbers are strings (Decimal).
    """

    class Meta(VersionedRuleSet.Meta):
        verbose_name = _("dashboard threshold set")
        verbose_name_plural = _("dashboard threshold sets")
