"""Reads of task progress, always through the caller's scope (`visible_to`).

A report is visible to its lead unit and its co units; a co unit reads only its own part, and
the lead unit reads a co unit's part once it has been filed (a draft stays with its unit). The
office and leaders see everything. Reads without a user (jobs, the bulletin) are under "# Engine".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.accounts.choices import Action
from qualitygov.accounts.models import OrgUnit, User
from qualitygov.accounts.selectors import action_holders, unit_action_holders
from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import Attachment
from qualitygov.core.scoping import scope_for

from .choices import (
    FINDING_OPEN_STATES,
    PART_PENDING,
    PART_SHARED,
    REPORT_EDITABLE,
    REPORT_PENDING,
    EscalationLevel,
    ExtensionStatus,
    FindingStatus,
    PartStatus,
    ReportStatus,
    WorkItemStatus,
)
from .models import (
    EscalationEvent,
    EscalationRuleSet,
    ExtensionRequest,
    Finding,
    LightRuleSet,
    ProgressReport,
    ReportPart,
    WorkItem,
    WorkItemLight,
)


def _get(qs: QuerySet, pk) -> object:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFoundError(_("Not found."))
    return found


# Work items


def work_item_list_visible(*, user, plan=None, task=None, unit=None, status: str | None = None) -> QuerySet[WorkItem]:
    qs = WorkItem.objects.visible_to(user).select_related("task", "lead_unit", "light")
    if plan is not None:
        qs = qs.filter(task__plan=plan)
    if task is not None:
        qs = qs.filter(task=task)
    if unit is not None:
        qs = qs.filter(Q(lead_unit=unit) | Q(co_units__unit=unit)).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("task__order", "order", "pk")


def work_item_get_visible(*, user, pk: int) -> WorkItem:
    return _get(WorkItem.objects.visible_to(user).select_related("task", "task__plan", "lead_unit"), pk)


def work_item_light_visible(*, user, work_item: WorkItem) -> WorkItemLight | None:
    """The stored light of `work_item` with its rule set, if `user` may see the item; else None."""
    return WorkItemLight.objects.visible_to(user).filter(work_item=work_item).select_related("rule_set").first()


def work_item_light_counts(*, user) -> dict[str, int]:
    """Active and completed work items `user` may see, by stored light (none stored counts as grey). One query."""
    rows = (WorkItem.objects.visible_to(user).filter(status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
            .order_by().values_list("light__light").annotate(n=Count("pk")))
    counts: dict[str, int] = defaultdict(int)
    for light, n in rows:
        counts[light or "grey"] += n
    return dict(counts)


def task_light_counts(*, user) -> dict[str, int]:
    """The tasks `user` may see that have a stored light, by that light. One query."""
    from qualitygov.plans.models import Task

    from .models import TaskLight

    tasks = Task.objects.visible_to(user).values("pk")
    return dict(TaskLight.objects.filter(task__in=tasks).order_by().values_list("light").annotate(n=Count("pk")))


def turned_red_since(*, user, since: dt.date) -> QuerySet[WorkItemLight]:
    """Work items `user` may see whose light turned red on or after `since`, most recent first."""
    return (WorkItemLight.objects.visible_to(user).filter(light="red", changed_on__gte=since)
            .select_related("work_item", "work_item__lead_unit").order_by("-changed_on", "work_item_id"))


# Reports and parts


def report_list_visible(*, user, cycle=None, work_item=None, status: str | None = None,
                        unit=None) -> QuerySet[ProgressReport]:
    qs = ProgressReport.objects.visible_to(user).select_related("cycle", "work_item", "work_item__task", "unit")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if work_item is not None:
        qs = qs.filter(work_item=work_item)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("due_date", "pk")


def report_get_visible(*, user, pk: int) -> ProgressReport:
    return _get(report_list_visible(user=user), pk)


def _readable_parts(user) -> Q | None:
    """None when every part is readable; else the condition on parts `user` may read."""
    scope = scope_for(user, Action.VIEW)
    if scope.everything:
        return None
    return Q(unit__in=scope.unit_ids) | Q(report__unit__in=scope.unit_ids, status__in=PART_SHARED)


def report_part_list_visible(*, user, report: ProgressReport | None = None) -> QuerySet[ReportPart]:
    """Parts whose content `user` may read: its own units' parts, and filed parts of reports it leads."""
    qs = ReportPart.objects.visible_to(user).select_related("unit", "report", "report__work_item")
    condition = _readable_parts(user)
    if condition is not None:
        qs = qs.filter(condition)
    if report is not None:
        qs = qs.filter(report=report)
    return qs.order_by("report_id", "unit__path")


def own_parts_pending(*, user) -> QuerySet[ReportPart]:
    """Parts the units where `user` may change still have to file (reports still open); none for a
    district-wide scope, which files nothing itself."""
    change = scope_for(user, Action.CHANGE)
    if change.empty or change.everything:
        return ReportPart.objects.none()
    return ReportPart.objects.filter(unit__in=change.unit_ids, status__in=PART_PENDING,
                                     report__status__in=REPORT_PENDING)


def report_part_get_visible(*, user, pk: int) -> ReportPart:
    return _get(report_part_list_visible(user=user), pk)


@dataclass(frozen=True)
class PartStatusRow:
    unit_label: str
    unit_id: int
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    readable: bool


def report_part_statuses(*, user, report: ProgressReport) -> list[PartStatusRow]:
    """Who has filed what, for the lead unit and the office (a co unit sees its own row only)."""
    scope = scope_for(user, Action.VIEW)
    leads = scope.everything or report.unit_id in scope
    readable = set(report_part_list_visible(user=user, report=report).values_list("pk", flat=True))
    rows = []
    for part in report.parts.select_related("unit").order_by("unit__path"):
        if not leads and part.unit_id not in scope:
            continue
        rows.append(PartStatusRow(part.unit.label, part.unit_id, part.status, part.get_status_display(),
                                  part.submitted_at if part.status in PART_SHARED else None, part.pk in readable))
    return rows


def evidence_list(*, owner) -> list[Attachment]:
    """The evidence files of an object the caller has already loaded through a selector."""
    return list(Attachment.objects.filter(owner_type=owner._meta.label_lower, owner_id=str(owner.pk)))


# Extension requests and escalation


def extension_list_visible(*, user, status: str | None = None) -> QuerySet[ExtensionRequest]:
    qs = ExtensionRequest.objects.visible_to(user).select_related("work_item", "report", "report__cycle", "unit")
    return qs.filter(status=status) if status else qs


def extension_get_visible(*, user, pk: int) -> ExtensionRequest:
    return _get(extension_list_visible(user=user), pk)


def escalation_list_visible(*, user, level: str | None = None, unit=None,
                            work_item=None) -> QuerySet[EscalationEvent]:
    qs = EscalationEvent.objects.visible_to(user).select_related("unit", "work_item", "report", "report__cycle")
    if level:
        qs = qs.filter(level=level)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if work_item is not None:
        qs = qs.filter(work_item=work_item)
    return qs


def supervised_list_visible(*, user) -> QuerySet[EscalationEvent]:
    """The office's 督办 list: supervised entries not yet resolved, oldest due date first."""
    return escalation_list_visible(user=user, level=EscalationLevel.SUPERVISED).filter(
        resolved_at__isnull=True).order_by("due_date", "unit__path", "pk")


# Findings and the rectification ledger (整改台账)


def finding_list_visible(*, user, source: str | None = None, status: str | None = None, unit=None, task=None,
                         overdue_on: dt.date | None = None, open_only: bool = False,
                         query: str = "") -> QuerySet[Finding]:
    """Findings in scope, filtered; `overdue_on` keeps the open ones past their deadline on that day."""
    qs = Finding.objects.visible_to(user).select_related("unit", "task", "work_item", "raised_by", "verified_by")
    if source:
        qs = qs.filter(source=source)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=FINDING_OPEN_STATES)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if task is not None:
        qs = qs.filter(task=task)
    if overdue_on is not None:
        qs = qs.filter(status__in=FINDING_OPEN_STATES, deadline__lt=overdue_on)
    if query.strip():
        qs = qs.filter(Q(title__icontains=query.strip()) | Q(description__icontains=query.strip()))
    return qs.order_by("-found_on", "-pk")


def finding_get_visible(*, user, pk: int) -> Finding:
    return _get(finding_list_visible(user=user), pk)


# Inbox


@dataclass
class Inbox:
    """What waits for the user: to file, returned to them, and to review/decide."""

    due_reports: list[ProgressReport] = field(default_factory=list)
    due_parts: list[ReportPart] = field(default_factory=list)
    returned_reports: list[ProgressReport] = field(default_factory=list)
    returned_parts: list[ReportPart] = field(default_factory=list)
    parts_to_review: list[ReportPart] = field(default_factory=list)
    reports_to_review: list[ProgressReport] = field(default_factory=list)
    findings_to_rectify: list[Finding] = field(default_factory=list)
    findings_to_verify: list[Finding] = field(default_factory=list)
    extensions_to_decide: list[ExtensionRequest] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(getattr(self, name)) for name in self.__dataclass_fields__)


def _units(user, action: str) -> QuerySet[OrgUnit]:
    """The units where `user` may `action`, as a subquery."""
    return OrgUnit.objects.visible_to(user, action).values("pk")


def inbox(*, user, limit: int = 50) -> Inbox:
    """The user's inbox: requests its units must file (due soonest first), returned to them, and
    what they decide (lead units: filed parts; the office: submitted reports, fixes to verify;
    approvers: extension requests). A fixed number of queries.

    A district-wide scope (the office) files nothing itself, so its inbox holds only what it decides.
    """
    box = Inbox()
    change = scope_for(user, Action.CHANGE)
    if not change.empty and not change.everything:
        mine = _units(user, Action.CHANGE)
        reports = ProgressReport.objects.filter(unit__in=mine).select_related(
            "cycle", "work_item", "unit").order_by("due_date", "pk")
        box.due_reports = list(reports.filter(status__in=[ReportStatus.OPEN, ReportStatus.DRAFT])[:limit])
        box.returned_reports = list(reports.filter(status=ReportStatus.RETURNED)[:limit])
        parts = ReportPart.objects.filter(unit__in=mine, report__status__in=REPORT_PENDING).select_related(
            "report", "report__cycle", "report__work_item", "unit").order_by("report__due_date", "pk")
        box.due_parts = list(parts.filter(status__in=[PartStatus.OPEN, PartStatus.DRAFT])[:limit])
        box.returned_parts = list(parts.filter(status=PartStatus.RETURNED)[:limit])
        box.parts_to_review = list(
            ReportPart.objects.filter(report__unit__in=mine, report__status__in=REPORT_PENDING,
                                      status=PartStatus.SUBMITTED)
            .select_related("report", "report__cycle", "report__work_item", "unit")
            .order_by("report__due_date", "pk")[:limit]
        )
        box.findings_to_rectify = list(
            Finding.objects.filter(unit__in=mine, status__in=[FindingStatus.OPEN, FindingStatus.RECTIFYING])
            .select_related("unit", "task").order_by("deadline", "pk")[:limit]
        )
    box.reports_to_review = list(
        ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, unit__in=_units(user, Action.REVIEW))
        .select_related("cycle", "work_item", "unit").order_by("submitted_at", "pk")[:limit]
    )
    box.findings_to_verify = list(
        Finding.objects.visible_to(user, Action.REVIEW).filter(status=FindingStatus.SUBMITTED_FOR_VERIFICATION)
        .select_related("unit", "task").order_by("submitted_at", "pk")[:limit]
    )
    box.extensions_to_decide = list(
        ExtensionRequest.objects.visible_to(user, Action.APPROVE).filter(status=ExtensionStatus.PENDING)
        .select_related("work_item", "report", "report__cycle", "unit").order_by("requested_at", "pk")[:limit]
    )
    return box


# Engine


def bulletin_sources(*, user) -> tuple[QuerySet[WorkItem], QuerySet[ProgressReport], QuerySet[Finding]]:
    """What a bulletin covers: the work items, reports and findings `user` may view; with no user
    (the operator's command line), the whole district."""
    if user is None:
        return WorkItem.objects.all(), ProgressReport.objects.all(), Finding.objects.all()
    return (WorkItem.objects.visible_to(user, Action.VIEW), ProgressReport.objects.visible_to(user, Action.VIEW),
            Finding.objects.visible_to(user, Action.VIEW))


def light_rule_set_in_force(on: dt.date) -> LightRuleSet | None:
    return LightRuleSet.in_force(on)


def escalation_rule_set_in_force(on: dt.date) -> EscalationRuleSet | None:
    return EscalationRuleSet.in_force(on)


def unit_recipients(unit_ids) -> dict[int, list[User]]:
    """The people who file for each unit: active users granted `change` at exactly that unit. One query."""
    return unit_action_holders(unit_ids=unit_ids, action=Action.CHANGE)


def office_recipients() -> list[User]:
    """The office admins (users who may manage): they keep the 督办 list."""
    return action_holders(action=Action.MANAGE)


def pending_requests(*, until: dt.date):
    """Reports and parts still waiting for their unit, due on or before `until` (the escalation job's input)."""
    reports = (ProgressReport.objects.filter(status__in=REPORT_PENDING, due_date__lte=until,
                                             work_item__status=WorkItemStatus.ACTIVE)
               .values_list("pk", "work_item_id", "unit_id", "due_date", "cycle__period_start"))
    parts = (ReportPart.objects.filter(status__in=PART_PENDING, report__status__in=REPORT_PENDING,
                                       report__due_date__lte=until, report__work_item__status=WorkItemStatus.ACTIVE)
             .values_list("pk", "report_id", "report__work_item_id", "unit_id", "report__due_date"))
    return reports, parts


# Pages


#: Board filter value standing for every town kind (镇、街道、管委会).
TOWNS_FILTER = "towns"


@dataclass(frozen=True)
class BoardUnit:
    pk: int
    label: str
    kind: str


@dataclass
class BoardCell:
    """A unit's share of a task: the worst light of the visible items it leads or co-operates on, and
    `rule`, the rule that fired for the first of those items with that light (empty: not computed yet)."""

    light: str = ""
    items: int = 0
    leads: int = 0
    rule: str = ""


@dataclass
class BoardRow:
    task_id: int
    number: str
    title: str
    group_id: int | None
    task_light: str
    task_light_inputs: dict
    cells: list[BoardCell]
    task_rule: str = ""


@dataclass
class Board:
    units: list[BoardUnit]
    rows: list[BoardRow]

    @property
    def empty(self) -> bool:
        return not self.rows


def board_matrix(*, user, plan, group_id: int | None = None, unit_kind: str = "") -> Board:
    """The office board of `plan`: tasks × units with lights, read from stored WorkItemLight/TaskLight.

    Rows are the plan's tasks `user` may see; columns the units leading or co-operating on a visible
    work item (optionally of one kind). Four queries whatever the number of tasks, units and cycles.
    """
    from qualitygov.accounts.choices import TOWN_KINDS
    from qualitygov.accounts.models import OrgUnit
    from qualitygov.plans.models import Task

    from .choices import Light, WorkItemStatus
    from .lights import worst_light
    from .models import WorkItemUnit

    items = WorkItem.objects.visible_to(user).filter(
        task__plan=plan, status__in=[WorkItemStatus.ACTIVE, WorkItemStatus.COMPLETED])
    tasks = Task.objects.visible_to(user).filter(plan=plan)
    if group_id:
        items = items.filter(task__group_id=group_id)
        tasks = tasks.filter(group_id=group_id)
    item_rows = list(items.order_by("pk").values_list("pk", "task_id", "lead_unit_id", "light__light", "light__rule"))
    co_rows = list(WorkItemUnit.objects.filter(work_item__in=items.values("pk")).values_list("work_item_id", "unit_id"))
    by_item = {pk: (task_id, light or Light.GREY, rule or "") for pk, task_id, _lead, light, rule in item_rows}
    shares: dict[tuple[int, int], list[tuple[str, bool, str]]] = defaultdict(list)
    for _pk, task_id, lead_id, light, rule in item_rows:
        shares[(task_id, lead_id)].append((light or Light.GREY, True, rule or ""))
    for item_id, unit_id in co_rows:
        task_id, light, rule = by_item[item_id]
        shares[(task_id, unit_id)].append((light, False, rule))
    unit_qs = OrgUnit.objects.filter(pk__in={unit_id for _task, unit_id in shares})
    if unit_kind == TOWNS_FILTER:
        unit_qs = unit_qs.filter(kind__in=TOWN_KINDS)
    elif unit_kind:
        unit_qs = unit_qs.filter(kind=unit_kind)
    units = [BoardUnit(pk, short or name, kind) for pk, short, name, kind in
             unit_qs.order_by("sort_order", "path").values_list("pk", "short_name", "name", "kind")]
    task_ids = {task_id for task_id, _unit in shares}
    task_rows = (Task.objects.filter(Q(pk__in=tasks.values("pk")) | Q(pk__in=task_ids))
                 .order_by("order", "pk")
                 .values_list("pk", "number", "title", "group_id", "progress_light__light", "progress_light__inputs",
                              "progress_light__rule"))
    rows = []
    for task_id, number, title, group, light, inputs, rule in task_rows:
        cells = []
        for unit in units:
            share = shares.get((task_id, unit.pk), [])
            worst = worst_light([s[0] for s in share]) if share else ""
            cells.append(BoardCell(worst, len(share), sum(1 for s in share if s[1]),
                                   next((s[2] for s in share if s[0] == worst), "")))
        rows.append(BoardRow(task_id, number, title, group, light or Light.GREY, inputs or {}, cells, rule or ""))
    return Board(units=units, rows=rows)


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str
    title: str
    detail: str
    url_name: str
    pk: int
    unit_label: str


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def task_timeline(*, user, task) -> list[TimelineEntry]:
    """What happened on `task`, newest first: reports filed, returned and approved, findings raised and
    closed, escalations — only what `user` may see. A fixed number of queries."""
    entries: list[TimelineEntry] = []
    reports = report_list_visible(user=user).filter(work_item__task=task).exclude(
        status__in=[ReportStatus.OPEN, ReportStatus.DRAFT], submitted_at__isnull=True)
    for report in reports:
        label = f"{report.cycle.label} · {report.work_item.title}"
        if report.submitted_at:
            # The figure only for who may read the report's content (a co unit not while it is returned).
            shown = report.progress_pct is not None and report_content_readable(user=user, report=report)
            entries.append(TimelineEntry(report.submitted_at, "report_submitted", label,
                                         _("Progress %(pct)s%%") % {"pct": report.progress_pct} if shown else "",
                                         "progress:report_detail", report.pk, report.unit.label))
        if report.decided_at and report.status in {ReportStatus.APPROVED, ReportStatus.RETURNED}:
            kind = "report_approved" if report.status == ReportStatus.APPROVED else "report_returned"
            entries.append(TimelineEntry(report.decided_at, kind, label, report.return_reason
                                         if kind == "report_returned" else "", "progress:report_detail", report.pk,
                                         report.unit.label))
    for finding in finding_list_visible(user=user, task=task):
        entries.append(TimelineEntry(_as_datetime(finding.found_on), "finding_raised", finding.title,
                                     finding.get_source_display(), "progress:finding_detail", finding.pk,
                                     finding.unit.label))
        if finding.closed_at:
            entries.append(TimelineEntry(finding.closed_at, "finding_closed", finding.title,
                                         finding.verification_note, "progress:finding_detail", finding.pk,
                                         finding.unit.label))
    for event in escalation_list_visible(user=user).filter(work_item__task=task):
        entries.append(TimelineEntry(event.at, f"escalation_{event.level}", event.work_item.title, event.reason_label,
                                     "progress:work_item_detail", event.work_item_id, event.unit.label))
    entries.sort(key=lambda entry: (entry.at, entry.kind), reverse=True)
    return entries


def attachment_get_visible(*, user, pk: int) -> Attachment:
    """An evidence file whose owner (report, part, finding) `user` may read; NotFoundError otherwise."""
    attachment = Attachment.objects.filter(pk=pk, owner_type__startswith="progress.").first()
    getters = {"progress.progressreport": report_get_visible, "progress.reportpart": report_part_get_visible,
               "progress.finding": finding_get_visible}
    getter = getters.get(attachment.owner_type) if attachment else None
    if getter is None or not attachment.owner_id.isdigit():
        raise NotFoundError(_("Not found."))
    owner = getter(user=user, pk=int(attachment.owner_id))
    if isinstance(owner, ProgressReport) and not report_content_readable(user=user, report=owner):
        raise NotFoundError(_("Not found."))
    return attachment


def report_content_readable(*, user, report: ProgressReport) -> bool:
    """The lead unit's texts and evidence: its own units read them always, co units once it is filed."""
    return report.unit_id in scope_for(user, Action.VIEW) or report.status not in REPORT_EDITABLE


# API


def cycle_list_visible(*, user) -> QuerySet:
    """Reporting cycles of the plans `user` may see, by plan and period."""
    from qualitygov.plans.models import Plan

    from .models import ReportingCycle

    plans = Plan.objects.visible_to(user, Action.VIEW).values("pk")
    return (ReportingCycle.objects.filter(plan__in=plans).select_related("plan")
            .order_by("plan_id", "period_start", "frequency", "pk"))
