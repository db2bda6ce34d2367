"""Reads of assessment rounds: the rounds, a unit's sheet, results tables, a unit's score breakdown and
its year-over-year comparison.

Who sees what: a round itself (title, timeline, status) is a district record every signed-in user
reads. Sheets, entries, objections and results are the unit's: `RoundUnit.objects.visible_to(user)`
(the unit's own people, the office, leaders). Until publication a unit sees only its own result
without a rank; after publication everyone sees the published rankings. Whoever views the whole
district (leaders, the office) sees all results at every stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.core.errors import ServiceError
from qualitygov.core.models import Attachment
from qualitygov.core.scoping import scope_for

from . import rounds as R
from .choices import FROZEN_STATES, EntryKind, EntrySource, ObjectionOutcome, ReviewDecision, RoundStatus
from .forms_rounds import EVENT_LABELS
from .models import AssessmentRound, ItemEntry, Objection, RoundUnit

PUBLIC_STATES = frozenset({RoundStatus.PUBLISHED, RoundStatus.LOCKED})


def sees_all(user) -> bool:
    """Leaders, the office and district-wide viewers: every unit's sheet and result."""
    return scope_for(user, Action.VIEW).everything


def rounds() -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.select_related("scheme").annotate(unit_count=Count("units"))


def round_get(*, pk: int) -> AssessmentRound:
    return AssessmentRound.objects.select_related("scheme", "followup_task", "approved_by").get(pk=pk)


def round_units(*, user, round_: AssessmentRound) -> QuerySet[RoundUnit]:
    return (RoundUnit.objects.visible_to(user, Action.VIEW).filter(round=round_).select_related("unit")
            .annotate(pending=Count("entries", filter=Q(entries__decision=ReviewDecision.PENDING) & (
                Q(entries__auto_value__isnull=False) | Q(entries__self_value__isnull=False)
                | Q(entries__override_value__isnull=False))),
                      returned=Count("entries", filter=Q(entries__decision=ReviewDecision.RETURN)))
            .order_by("group", "unit__sort_order", "unit__path"))


def round_unit_get(*, user, pk: int) -> RoundUnit:
    """A unit of a round the user may see; DoesNotExist otherwise (missing and forbidden alike)."""
    return (RoundUnit.objects.visible_to(user, Action.VIEW).select_related("round__scheme", "unit").get(pk=pk))


def entry_get(*, user, pk: int) -> ItemEntry:
    return (ItemEntry.objects.visible_to(user, Action.VIEW)
            .select_related("round_unit__round__scheme", "round_unit__unit", "set_by", "reviewed_by").get(pk=pk))


def entry_files(entry: ItemEntry) -> list[Attachment]:
    return list(Attachment.objects.filter(owner_type=entry._meta.label_lower, owner_id=str(entry.pk)))


def entry_file_get(*, entry: ItemEntry, pk: int) -> Attachment:
    return Attachment.objects.get(pk=pk, owner_type=entry._meta.label_lower, owner_id=str(entry.pk))


def objection_get(*, user, pk: int) -> Objection:
    return (Objection.objects.visible_to(user, Action.VIEW)
            .select_related("round_unit__round", "round_unit__unit", "entry", "filed_by", "answered_by").get(pk=pk))


def round_objections(*, user, round_: AssessmentRound) -> list[Objection]:
    return list(Objection.objects.visible_to(user, Action.VIEW).filter(round_unit__round=round_)
                .select_related("round_unit__unit", "entry", "filed_by", "answered_by"))


# ------------------------------------------------------------------------------------------------
# Reading an input
# ------------------------------------------------------------------------------------------------


def _n(value: Any) -> str:
    from decimal import Decimal

    return format(Decimal(str(value)).normalize(), "f")


def value_text(entry: ItemEntry, leaf: R.Leaf | None, value: dict[str, Any] | None) -> str:
    """A Chinese reading of an input ("全部完成", "8/10", "逾期 2") for tables."""
    if value is None:
        return ""
    if value.get("na"):
        return _("not applicable")
    if entry.kind == EntryKind.BONUS:
        return _("%(n)s claimed") % {"n": value.get("count", 0)}
    if entry.kind == EntryKind.VETO:
        return _("applies") if value.get("applies") else _("does not apply")
    method = leaf.method if leaf else ""
    if method == "judged":
        return _("%(score)s points") % {"score": _n(value["score"])}
    if method == "binary":
        return _("completed") if value.get("done") else _("not completed")
    if method == "graded":
        return str(value.get("option", ""))
    if method == "per_missing":
        present = value.get("present") or []
        return _("in place: %(list)s") % {"list": "、".join(present)} if present else _("none in place")
    if method == "ratio":
        return f"{_n(value['num'])}/{_n(value['den'])}"
    if method in ("rate_bands", "indicator_shortfall"):
        return _n(value["value"])
    if method == "event_deductions":
        counts = value.get("counts") or {}
        if not counts:
            return _("no events")
        return "；".join(f"{EVENT_LABELS.get(k, k)} {v}" for k, v in counts.items())
    if method == "share_indicators":
        return _("%(n)s indicators") % {"n": len(value.get("indicators") or [])}
    return ""


@dataclass
class SheetRow:
    entry: ItemEntry
    leaf: R.Leaf | None
    title: str
    max: str
    text: str
    auto_text: str
    self_text: str
    override_text: str
    reviewed_text: str
    files: list[Attachment] = field(default_factory=list)
    score: str | None = None

    @property
    def unit_fills(self) -> bool:
        return self.entry.kind == EntryKind.BONUS or (
            self.entry.kind == EntryKind.LEAF and self.entry.source == EntrySource.SELF)


def sheet_rows(round_unit: RoundUnit, *, nodes: dict[str, Any] | None = None) -> list[SheetRow]:
    """The unit's applicable leaves, bonus claims and vetoes in scheme order, each with its values."""
    data = R.scheme_data(round_unit.round.scheme)
    leaves = {leaf.code: leaf for leaf in R.leaves_of(data)}
    bonus = (data.get("bonus") or {}).get("items", {})
    vetoes = {v["code"]: v for v in data.get("vetoes") or []}
    entries = list(round_unit.entries.select_related("set_by", "reviewed_by"))
    files: dict[str, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(owner_type=ItemEntry._meta.label_lower,
                                                owner_id__in=[str(e.pk) for e in entries]):
        files.setdefault(attachment.owner_id, []).append(attachment)
    order = {code: i for i, code in enumerate(list(leaves) + list(bonus) + list(vetoes))}
    rows = []
    for entry in sorted(entries, key=lambda e: (["leaf", "bonus", "veto"].index(e.kind), order.get(e.code, 0))):
        leaf = leaves.get(entry.code) if entry.kind == EntryKind.LEAF else None
        if entry.kind == EntryKind.LEAF:
            if leaf is None or not leaf.applies(round_unit.group):
                continue
            title, maximum = leaf.title, _n(leaf.max)
        elif entry.kind == EntryKind.BONUS:
            item = bonus.get(entry.code, {})
            title, maximum = item.get("text", entry.code), _n(item.get("points", 0))
        else:
            title, maximum = vetoes.get(entry.code, {}).get("text", entry.code), ""
        score = None
        if nodes and entry.kind == EntryKind.LEAF and entry.code in nodes:
            score = nodes[entry.code]["score"]
        rows.append(SheetRow(entry, leaf, title, maximum, value_text(entry, leaf, entry.effective),
                             value_text(entry, leaf, entry.auto_value), value_text(entry, leaf, entry.self_value),
                             value_text(entry, leaf, entry.override_value),
                             value_text(entry, leaf, entry.reviewed_value), files.get(str(entry.pk), []), score))
    return rows


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    round_unit: RoundUnit
    result: dict[str, Any]
    linked: bool = True  # the user may open the unit's breakdown

    @property
    def vetoed(self) -> bool:
        return bool(self.result["vetoes_applied"])


@dataclass
class Results:
    """What the user may see of a round's results: ranked tables per group (`groups`), or only the
    user's own units without a rank (`own_only`), or nothing yet (`message`)."""

    groups: list[tuple[str, list[ResultRow]]]
    own_only: bool = False
    frozen: bool = False
    message: str = ""


def frozen_rows(round_: AssessmentRound) -> dict[int, dict[str, Any]]:
    """{round unit id: its unit in the frozen result document}."""
    if not round_.result:
        return {}
    return dict(zip(round_.result_units, round_.result["units"], strict=True))


def _live(round_: AssessmentRound, units: list[RoundUnit]) -> dict[int, dict[str, Any]]:
    """Scores computed now from the entries (every unit of the round, so ranks are right)."""
    from .services_rounds import round_score

    result, ids = round_score(round_)
    return dict(zip(ids, result["units"], strict=True))


def _single(round_unit: RoundUnit) -> dict[str, Any] | None:
    """The unit's own score as its entries stand (scored alone: no rank); None while items lack input."""
    entries = list(round_unit.entries.all())
    try:
        result = R.score(round_unit.round.scheme, round_unit.round.year, round_unit.round.publish_on,
                         [(round_unit, entries)])
    except (R.Incomplete, ServiceError):
        return None
    return result["units"][0]


def results(*, user, round_: AssessmentRound) -> Results:
    frozen = round_.status in FROZEN_STATES
    everyone = sees_all(user)
    if everyone or round_.status in PUBLIC_STATES:
        units = list(RoundUnit.objects.filter(round=round_).select_related("unit"))
        if frozen:
            scored = frozen_rows(round_)
        else:
            try:
                scored = _live(round_, units)
            except ServiceError as exc:
                return Results([], message=exc.message)
        by_group: dict[str, list[ResultRow]] = {}
        scope = scope_for(user, Action.VIEW)
        for ru in units:
            if ru.pk in scored:
                by_group.setdefault(ru.group, []).append(ResultRow(ru, scored[ru.pk], ru.unit_id in scope))
        groups = []
        for group, rows in by_group.items():
            rows.sort(key=lambda r: (r.result["rank"], r.round_unit.unit.sort_order, r.round_unit.unit.path))
            groups.append((R.group_label(group), rows))
        order = {g: i for i, g in enumerate(R.scheme_data(round_.scheme).get("groups") or [])}
        groups.sort(key=lambda g: order.get(next(iter(g[1])).round_unit.group, 99))
        return Results(groups, frozen=frozen)
    own = list(RoundUnit.objects.visible_to(user, Action.VIEW).filter(round=round_).select_related("unit"))
    rows = []
    scored = frozen_rows(round_) if frozen else {}
    for ru in own:
        unit_result = scored.get(ru.pk) if frozen else _single(ru)
        if unit_result is not None:
            rows.append(ResultRow(ru, unit_result))
    if not rows:
        return Results([], own_only=True, message=_("No score yet: the review has not finished."))
    return Results([(_("Your unit"), rows)], own_only=True, frozen=frozen)


def unit_result(*, user, round_unit: RoundUnit) -> tuple[dict[str, Any] | None, bool]:
    """(the unit's result, whether its rank may be shown)."""
    round_ = round_unit.round
    if round_.status in FROZEN_STATES:
        show_rank = sees_all(user) or round_.status in PUBLIC_STATES
        return frozen_rows(round_).get(round_unit.pk), show_rank
    if sees_all(user):
        try:
            live = _live(round_, [])
        except ServiceError:
            return _single(round_unit), False
        return live.get(round_unit.pk), True
    return _single(round_unit), False


@dataclass(frozen=True)
class NodeRow:
    depth: int
    code: str
    title: str
    score: str | None
    applicable_max: str
    is_group: bool


def breakdown(round_unit: RoundUnit, result: dict[str, Any]) -> list[NodeRow]:
    """Every section, group node and leaf with its score and applicable maximum, in scheme order."""
    nodes = result["nodes"]
    rows: list[NodeRow] = []

    def walk(node: dict, depth: int) -> None:
        got = nodes.get(node["code"])
        if got is None:
            return
        rows.append(NodeRow(depth, node["code"], node["title"], got["score"], got["applicable_max"], "items" in node))
        for child in node.get("items", []):
            walk(child, depth + 1)

    for section in R.scheme_data(round_unit.round.scheme).get("sections", []):
        walk(section, 0)
    return rows


def previous_years(round_unit: RoundUnit, *, count: int = 3) -> list[tuple[AssessmentRound, dict[str, Any]]]:
    """The unit's results in the locked rounds of earlier years (newest first), same scheme first."""
    round_ = round_unit.round
    earlier = (AssessmentRound.objects.filter(year__lt=round_.year, status=RoundStatus.LOCKED,
                                              units__unit_id=round_unit.unit_id)
               .select_related("scheme").order_by("-year", "-id"))
    out, years = [], set()
    for previous in earlier:
        if previous.year in years:
            continue
        ru_id = previous.units.filter(unit_id=round_unit.unit_id).values_list("pk", flat=True).first()
        found = frozen_rows(previous).get(ru_id)
        if found is not None:
            out.append((previous, found))
            years.add(previous.year)
        if len(out) >= count:
            break
    return out


def pending_objections(round_: AssessmentRound) -> int:
    return Objection.objects.filter(round_unit__round=round_, outcome=ObjectionOutcome.PENDING).count()
