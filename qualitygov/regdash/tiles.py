"""The dashboard's tiles, declared as data: which measure each one shows, under which heading.

A tile reads measures only (`qualitygov.indicators.measures`): its headline `measure` and the
`extras` shown beside it. A tile whose headline measure is not registered (its app is not
installed or not yet connected) is shown as 未接入 and costs no query. Thresholds are not here: they
are versioned data (`TileRuleSet`), keyed by the tile's `key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tile:
    """One figure of the dashboard. `year_to_date`: counted from 1 January of the period's year to its
    end, whatever the period chosen (awards and certificates are counted per year). `note` says what
    the figure is not (the district's sampling pass rate is not the national 制造业产品质量合格率)."""

    key: str
    group: Any
    label: Any
    measure: str
    extras: tuple[str, ...] = ()
    note: Any = ""
    year_to_date: bool = False

    @property
    def measure_keys(self) -> tuple[str, ...]:
        return (self.measure, *self.extras)


SAMPLING = _("Supervision sampling")
C12315 = _("12315 complaints")
INSPECTIONS = _("Random inspections")
CREDIT = _("Credit listings")
REGISTERS = _("Awards, brands and standards")
ONESTOP = _("One-stop NQI services")

TILES: tuple[Tile, ...] = (
    Tile("sampling_batches", SAMPLING, _("Sampled batches"), "sampling.batches", ("sampling.failed",)),
    Tile("sampling_pass_rate", SAMPLING, _("District supervision sampling pass rate"), "sampling.pass_rate",
         note=_("The district's own sampling, not the national manufacturing product quality pass rate")),
    Tile("followups_due_soon", SAMPLING, _("Follow-ups due within 15 days"), "sampling.followups_due_soon",
         ("sampling.followups_open",)),
    Tile("followups_overdue", SAMPLING, _("Follow-ups overdue"), "sampling.followups_overdue"),
    Tile("c12315_accepted", C12315, _("Complaints accepted"), "feeds.c12315.accepted"),
    Tile("c12315_ontime", C12315, _("Complaints closed on time"), "feeds.c12315.ontime_rate"),
    Tile("c12315_mediation", C12315, _("Mediation success rate"), "feeds.c12315.mediation_rate"),
    Tile("c12315_disclosure", C12315, _("Complaint disclosure rate"), "feeds.c12315.disclosure_rate"),
    Tile("inspections_completion", INSPECTIONS, _("Random inspections completed"),
         "feeds.inspections.completion_rate", ("feeds.inspections.planned", "feeds.inspections.completed")),
    Tile("inspections_publication", INSPECTIONS, _("Results published on time"),
         "feeds.inspections.ontime_publication_rate", ("feeds.inspections.problems",)),
    Tile("credit_serious", CREDIT, _("Put on the serious-violation list"), "feeds.credit.serious_listed",
         ("feeds.credit.serious_removed",)),
    Tile("credit_abnormal", CREDIT, _("Put on the abnormal-operation list"), "feeds.credit.abnormal_listed",
         ("feeds.credit.abnormal_removed",)),
    Tile("awards", REGISTERS, _("Quality awards won this year"), "registers.awards_won",
         ("registers.award_applications",), year_to_date=True),
    Tile("brands", REGISTERS, _("Zhejiang Made certificates this year"), "registers.brand_certificates",
         year_to_date=True),
    Tile("standards", REGISTERS, _("Standards led this year"), "registers.standards_led",
         ("registers.standard_leaders",), year_to_date=True),
    Tile("onestop_requests", ONESTOP, _("One-stop service requests"), "onestop.requests", ("onestop.done",)),
    Tile("onestop_sla", ONESTOP, _("One-stop requests done within the service time"), "onestop.sla_rate"),
)

TILES_BY_KEY: dict[str, Tile] = {tile.key: tile for tile in TILES}
