"""Task implementation tracking pages: the inbox, the office board, work items, the task timeline,
evidence downloads and the progress bulletin. Reports, parts and extensions are in views_reports.py,
findings in views_findings.py."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.accounts.choices import Action, OrgUnitKind
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.selectors import org_unit_choices
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import xlsx_response
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.core.scoping import can, manages_district, scope_for
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.plans import selectors as plan_selectors
from qualitygov.plans.models import Plan

from . import selectors, services
from .choices import LIGHT_SEVERITY, Light
from .filters import WorkItemFilter
from .forms import DecisionForm, TaskRollupForm, WorkItemForm
from .lights import worst_light
from .models import Milestone, TaskLight

MANAGE = action_rule(Action.MANAGE)
CHANGE = action_rule(Action.CHANGE)
APPROVE = action_rule(Action.APPROVE)

#: Why a light is what it is, by the rule that fired (lights.work_item_light).
RULE_LABELS = {
    "completed": gettext_lazy("Completed"),
    "overdue": gettext_lazy("Past the deadline and not completed"),
    "behind_red": gettext_lazy("Far behind the time-proportional schedule"),
    "behind_yellow": gettext_lazy("Behind the time-proportional schedule"),
    "report_late": gettext_lazy("A report is past its due date"),
    "no_report": gettext_lazy("No progress reported yet"),
    "on_schedule": gettext_lazy("On schedule"),
    "worst_item": gettext_lazy("The worst light of the task's work items"),
    "share_red": gettext_lazy("At least %(red)s%% of the task's reported work items are red"),
    "share_yellow": gettext_lazy("At least %(yellow)s%% of the task's reported work items are red or yellow"),
    "share_green": gettext_lazy("Fewer than %(yellow)s%% of the task's reported work items are red or yellow"),
    "share_none": gettext_lazy("No work item of the task has reported yet"),
}
#: The roll-up rules the office may choose for task lights (lights.ROLLUPS).
ROLLUP_LABELS = {
    "worst": gettext_lazy("Worst work item: one red item makes the task red"),
    "share": gettext_lazy("Share of work items: red or yellow once enough of them are"),
}


def task_rule_text(rule: str, inputs: dict) -> str:
    """Why a task's light is what it is, in words (the share rules name their thresholds)."""
    label = RULE_LABELS.get(rule or "worst_item", RULE_LABELS["worst_item"])
    return str(label) % {"red": inputs.get("red_share", ""), "yellow": inputs.get("yellow_share", "")} \
        if rule.startswith("share_") else str(label)
LIGHT_LABELS = dict(Light.choices)


def visible_units(user, action: str = Action.VIEW) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.visible_to(user, action).active().order_by("sort_order", "path")


def _plans(user) -> list[Plan]:
    return list(Plan.objects.visible_to(user).order_by("-period_start", "-pk"))


def _chosen_plan(request, plans: list[Plan]) -> Plan | None:
    wanted = request.GET.get("plan", "")
    for plan in plans:
        if str(plan.pk) == wanted:
            return plan
    return plans[0] if plans else None


# Inbox


#: Most lines of each kind the inbox lists (each source reads at most this many of each kind).
INBOX_LIMIT = 50


@access(LOGIN)
def inbox(request):
    """What waits for the user, gathered from every app's inbox source (`core.registry.InboxSource`):
    to file, returned, to decide, and (leaders, the office) to read. The count is the number of lines
    listed. A user whose role allows no work (a viewer) is told so and pointed to what they can read."""
    from qualitygov.core.registry import INBOX_SECTIONS, inbox_sources

    user = request.user
    items = [item for source in inbox_sources() for item in source.collect(user, INBOX_LIMIT)]
    sections = {name: [item for item in items if item.section == name] for name in INBOX_SECTIONS}
    for name in ("due", "returned"):  # across apps: what is due soonest (or most overdue) first
        sections[name].sort(key=lambda item: (item.due_date is None, item.due_date or dt.date.max))
    works = any(can(user, action) for action in (Action.CHANGE, Action.REVIEW, Action.APPROVE, Action.MANAGE))
    return render(request, "progress/inbox.html", {
        "sections": sections, "total": len(items), "works": works,
        "to_act": len(items) - len(sections["read"]), "to_read": len(sections["read"]),
    })


# Board


BOARD_KINDS = [(selectors.TOWNS_FILTER, gettext_lazy("Towns and subdistricts")),
               (OrgUnitKind.DEPARTMENT, OrgUnitKind.DEPARTMENT.label), (OrgUnitKind.OFFICE, OrgUnitKind.OFFICE.label)]


def _board(request):
    plans = _plans(request.user)
    plan = _chosen_plan(request, plans)
    groups = list(plan.task_groups.all()) if plan else []
    group_id = request.GET.get("group", "")
    group_id = int(group_id) if group_id.isdigit() and any(g.pk == int(group_id) for g in groups) else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in {k for k, _label in BOARD_KINDS} else ""
    board = selectors.board_matrix(user=request.user, plan=plan, group_id=group_id, unit_kind=kind) if plan else None
    return plans, plan, groups, group_id, kind, board


@access(LOGIN)
def board(request):
    """Tasks × units with their stored lights; what the user may see, filtered by task group and unit kind.

    Each task shows its light, why (the roll-up rule in words) and the spread of its work items'
    lights (红2/黄5/绿12). The summary counts tasks by light for the office and leaders; a unit's
    liaison gets its own units' column counted instead (and a list of it on a phone)."""
    plans, plan, groups, group_id, kind, board = _board(request)
    counts = {colour: 0 for colour in Light.values}
    labels = {unit.pk: unit.label for unit in board.units} if board else {}
    light_text = {value: str(label) for value, label in LIGHT_LABELS.items()}
    view_scope = scope_for(request.user, Action.VIEW)
    own = [] if view_scope.everything else [i for i, unit in enumerate(board.units if board else [])
                                             if unit.pk in view_scope]
    for row in board.rows if board else []:
        row.light_label = light_text[row.task_light]
        row.reason = task_rule_text(row.task_rule, row.task_light_inputs)
        spread = row.task_light_inputs.get("counts", {})
        row.spread = [(colour, light_text[colour], spread.get(colour, 0))
                      for colour in (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY) if spread.get(colour)]
        whys = [_cell_reason(labels[unit.pk], cell, light_text) if cell.light else ""
                for unit, cell in zip(board.units, row.cells, strict=True)]
        if own:
            mine = [row.cells[i].light for i in own if row.cells[i].light]
            row.own_light = worst_light(mine) if mine else ""
            row.own_label = light_text[row.own_light] if row.own_light else ""
            row.own_reasons = [whys[i] for i in own if whys[i]]
            if row.own_light:
                counts[row.own_light] += 1
        else:
            counts[row.task_light] += 1
        # 20 tasks × 35 units is 700 cells: built here as one string per row, since a template loop
        # over them cost more than all the queries behind the page. A coloured cell is a button whose
        # name is its reason (read by screen readers); core/static/core/site.js shows that reason in
        # the board's visible panel when the button is focused, clicked or pointed at.
        parts = []
        for cell, why in zip(row.cells, whys, strict=True):
            if cell.light:
                parts.append(f'<td class="text-center" data-light="{cell.light}"><button type="button" '
                             f'class="board-cell" aria-controls="board-why"><span class="light light-{cell.light}" '
                             f'aria-hidden="true"></span><span class="visually-hidden">{escape(why)}</span>'
                             f'</button></td>')
            else:
                parts.append('<td class="text-center"></td>')
        row.cells_html = mark_safe("".join(parts))  # every value above is escaped or a fixed token
    if own and board is not None:
        board.rows = [row for row in board.rows if row.own_light] + [row for row in board.rows if not row.own_light]
    rule_set = selectors.light_rule_set_in_force(timezone.localdate())
    rollup = (rule_set.params if rule_set else {}).get("task_rollup", "worst")
    return render(request, "progress/board.html", {
        "plans": plans, "plan": plan, "groups": groups, "group_id": group_id, "kinds": BOARD_KINDS, "kind": kind,
        "board": board, "counts": counts, "query": request.GET.urlencode(), "own": bool(own),
        "own_units": "、".join(board.units[i].label for i in own) if own else "",
        "rollup_label": ROLLUP_LABELS.get(rollup, ROLLUP_LABELS["worst"]), "rule_set": rule_set,
        "perms_manage": can(request.user, Action.MANAGE), "can_bulletin": can(request.user, Action.APPROVE),
        "can_set_rule": manages_district(request.user),
    })


def _cell_reason(unit: str, cell, light_text: dict[str, str]) -> str:
    """Why a board cell has its light, in words: the unit, the light, its work items and the rule that
    fired for the worst of them."""
    counts = {"unit": unit, "light": light_text[cell.light], "n": cell.items, "lead": cell.leads}
    if not cell.rule:
        return _("%(unit)s: %(light)s, %(n)d work items (leads %(lead)d)") % counts
    return _("%(unit)s: %(light)s, %(n)d work items (leads %(lead)d); the worst: %(why)s") % {
        **counts, "why": RULE_LABELS.get(cell.rule, RULE_LABELS["no_report"])}


@access(MANAGE)
def board_rule(request):
    """The office chooses how task lights roll up from work items, as a new rule version from a date."""
    if not manages_district(request.user):
        raise Http404
    today = timezone.localdate()
    current = selectors.light_rule_set_in_force(today)
    params = current.params if current else {}
    form = TaskRollupForm(request.POST or None, initial={
        "task_rollup": params.get("task_rollup", "worst"), "task_red_share": params.get("task_red_share", 50),
        "task_yellow_share": params.get("task_yellow_share", 30), "effective_from": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.light_rule_set_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The roll-up rule has been saved; lights follow it from its date."))
            return redirect("progress:board")
    return render(request, "progress/form.html", {
        "form": form, "title": _("Task light roll-up rule"),
        "subtitle": _("A new version from the date you give; earlier lights keep the rules of their day."),
        "cancel_url": reverse("progress:board"),
    })


@access(LOGIN)
def board_xlsx(request):
    """The board as .xlsx: one row per task, the task's light, then one column per unit."""
    _, _, _, _, _, board = _board(request)
    board = board or selectors.Board(units=[], rows=[])
    header = ["序号", "任务", "任务灯"] + [unit.label for unit in board.units]
    rows = (
        [row.number, row.title, str(LIGHT_LABELS[row.task_light])]
        + [str(LIGHT_LABELS[cell.light]) if cell.light else "" for cell in row.cells]
        for row in board.rows
    )
    return xlsx_response(f"任务推进看板{timezone.localdate():%Y%m%d}.xlsx", [("看板", header, rows)],
                         # core.io names width columns A–Z only; the unit columns keep the default width.
                         widths={"看板": [6, 50, 8] + [10] * min(len(board.units), 23)})


# Work items


def light_order():
    """Sort lights by severity (grey, green, yellow, red) rather than by their codes."""
    return Case(*[When(light__light=light, then=Value(rank)) for light, rank in LIGHT_SEVERITY.items()],
                default=Value(0), output_field=IntegerField())


def _item_rows(items):
    for item in items:
        yield [f"{item.task.number}. {item.task.title}", item.title, item.lead_unit.label,
               "、".join(co.unit.label for co in item.co_units.all()), item.start_date, item.deadline,
               item.get_status_display(), item.progress_pct,
               str(LIGHT_LABELS[getattr(getattr(item, "light", None), "light", Light.GREY)])]


WORK_ITEM_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Task"), "task", ("task__order", "order")),
        Column(gettext_lazy("Deliverable"), "title"),
        Column(gettext_lazy("Lead unit"), "lead", ("lead_unit__sort_order", "lead_unit__path")),
        Column(gettext_lazy("Co-operating units")),
        Column(gettext_lazy("Deadline"), "deadline"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Progress (%)"), "progress", ("progress_pct",)),
        Column(gettext_lazy("Light"), "light", (light_order(),)),
    ],
    default_sort="task",
    filterset=WorkItemFilter,
    export=Export(
        filename="工作事项清单", sheet="工作事项",
        header=["任务", "工作事项", "牵头单位", "配合单位", "开始日期", "完成时限", "状态", "进度(%)", "红黄绿灯"],
        rows=_item_rows, widths=[40, 40, 16, 24, 12, 12, 10, 10, 10],
    ),
)


def _item_list(request):
    items = selectors.work_item_list_visible(user=request.user).prefetch_related("co_units__unit")
    return list_page(request, items, WORK_ITEM_LIST)


@access(LOGIN)
def work_item_list(request):
    """Work items in scope: filtered, sorted by column, 50 a page; `?format=xlsx` exports them all."""
    lst = _item_list(request)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "progress/work_item_list.html", {
        "lst": lst, "can_manage": can(request.user, Action.MANAGE), "can_propose": can(request.user, Action.CHANGE),
    })


@access(LOGIN)
def work_item_list_xlsx(request):
    """The work item list's export under its older address (same filters and sort)."""
    items = selectors.work_item_list_visible(user=request.user).prefetch_related("co_units__unit")
    return list_export(request, items, WORK_ITEM_LIST)


def _item_form(request, *, propose: bool, item=None):
    action = Action.CHANGE if propose else Action.MANAGE
    tasks = plan_selectors.task_list_visible(user=request.user).select_related(None).prefetch_related(None)
    initial = {}
    if request.GET.get("task", "").isdigit():
        initial["task"] = int(request.GET["task"])
    if item is not None:
        initial = {"lead_unit": item.lead_unit_id, "co_units": [c.unit_id for c in item.co_units.all()],
                   "version": item.version,
                   "title": item.title, "description": item.description, "start_date": item.start_date,
                   "deadline": item.deadline}
    return WorkItemForm(
        request.POST or None, initial=initial, tasks=tasks,
        lead_units=visible_units(request.user, action), co_units=org_unit_choices(),
        allow_all_towns=not propose and item is None, editing=item is not None,
    )


def _create_or_propose(request, *, propose: bool):
    form = _item_form(request, propose=propose)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {"task": data["task"], "title": data["title"], "deadline": data["deadline"],
                  "start_date": data["start_date"], "description": data["description"],
                  "milestones": data["milestones"]}
        try:
            if data.get("all_towns"):
                created = services.work_items_create_for_towns(actor=request.user, **values)
                messages.success(request, _("%(n)d work items created, one for each town.") % {"n": len(created)})
                return redirect("progress:work_item_list")
            service = services.work_item_propose if propose else services.work_item_create
            item = service(actor=request.user, lead_unit=data["lead_unit"], co_units=data["co_units"], **values)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Work item proposed; the office will review it.") if propose
                             else _("Work item created."))
            return redirect("progress:work_item_detail", pk=item.pk)
    return render(request, "progress/form.html", {
        "form": form, "title": _("Propose a work item") if propose else _("New work item"),
        "submit_label": _("Propose") if propose else _("Create"), "cancel_url": reverse("progress:work_item_list"),
    })


@access(MANAGE)
def work_item_create(request):
    """The office sets up a work item (or one for every town when the task is given to all towns)."""
    return _create_or_propose(request, propose=False)


@access(CHANGE)
def work_item_propose(request):
    """A unit proposes a work item it will lead; the office approves it."""
    return _create_or_propose(request, propose=True)


@access(MANAGE)
def work_item_edit(request, pk: int):
    item = visible_or_404(selectors.work_item_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.MANAGE, item.lead_unit_id):
        raise Http404
    form = _item_form(request, propose=False, item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.work_item_update(
                actor=request.user, work_item=item, title=data["title"], description=data["description"],
                start_date=data["start_date"] or item.start_date, deadline=data["deadline"],
                lead_unit=data["lead_unit"] or item.lead_unit, co_units=list(data["co_units"]),
                version=data.get("version"),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Work item saved."))
            return redirect("progress:work_item_detail", pk=item.pk)
    return render(request, "progress/form.html", {
        "form": form, "title": _("Edit work item"), "subtitle": item.title,
        "cancel_url": reverse("progress:work_item_detail", args=[item.pk]),
    })


@require_POST
@access(MANAGE)
def work_item_decide(request, pk: int):
    """The office approves a proposed work item or rejects it with a reason."""
    item = visible_or_404(selectors.work_item_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.MANAGE, item.lead_unit_id):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("progress:work_item_detail", pk=item.pk)
    try:
        if form.cleaned_data["decision"] == "approve":
            services.work_item_approve(actor=request.user, work_item=item, note=form.cleaned_data["note"])
            messages.success(request, _("Work item approved."))
        else:
            services.work_item_reject(actor=request.user, work_item=item, note=form.cleaned_data["note"])
            messages.success(request, _("Work item rejected."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("progress:work_item_detail", pk=item.pk)


ITEM_TRANSITIONS = {"complete": services.work_item_complete, "cancel": services.work_item_cancel,
                    "reopen": services.work_item_reopen}


@require_POST
@access(MANAGE)
def work_item_transition(request, pk: int):
    """The office marks an active item completed, cancels it (with a reason) or reopens a completed one."""
    item = visible_or_404(selectors.work_item_get_visible, user=request.user, pk=pk)
    if not can(request.user, Action.MANAGE, item.lead_unit_id):
        raise Http404
    name = request.POST.get("transition", "")
    if name not in ITEM_TRANSITIONS:
        raise Http404
    kwargs = {"note": request.POST.get("note", "")} if name != "complete" else {}
    try:
        ITEM_TRANSITIONS[name](actor=request.user, work_item=item, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Work item updated."))
    return redirect("progress:work_item_detail", pk=item.pk)


@require_POST
@access(CHANGE)
def milestone_complete(request, pk: int):
    """The lead unit (or the office) marks a milestone reached today."""
    milestone = Milestone.objects.filter(pk=pk).select_related("work_item").first()
    if milestone is None:
        raise Http404
    item = visible_or_404(selectors.work_item_get_visible, user=request.user, pk=milestone.work_item_id)
    if not can(request.user, Action.CHANGE, item.lead_unit_id):
        raise Http404
    try:
        services.milestone_complete(actor=request.user, milestone=milestone)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Milestone marked reached."))
    return redirect("progress:work_item_detail", pk=item.pk)


def light_inputs(light) -> list[tuple[str, str]]:
    """The stored inputs of a light as label/value pairs for the "why" panel."""
    if light is None:
        return []
    inputs = light.inputs or {}
    params = inputs.get("params", {})
    rows = [
        (_("As of"), inputs.get("on", "")),
        (_("Span"), f"{inputs.get('start', '')} — {inputs.get('deadline', '')}"),
        (_("Reported progress (%)"), inputs.get("progress_pct") if inputs.get("progress_pct") is not None else "—"),
        (_("Time-proportional schedule (%)"), inputs.get("expected_pct", "—")),
        (_("Behind schedule (percentage points)"),
         inputs.get("behind_pp") if inputs.get("behind_pp") is not None else "—"),
        (_("Days past the deadline"), inputs.get("overdue_days", 0)),
        (_("Late reports"), inputs.get("late_reports", 0)),
    ]
    if params:
        rows.append((_("Thresholds"), _("yellow from %(y)s points behind, red beyond %(r)s points")
                     % {"y": params.get("yellow_behind_pp"), "r": params.get("red_behind_pp")}))
    return rows


@access(LOGIN)
def work_item_detail(request, pk: int):
    """A work item: units, milestones, its light and why, its reports, findings and extension requests."""
    item = visible_or_404(selectors.work_item_get_visible, user=request.user, pk=pk)
    light = selectors.work_item_light_visible(user=request.user, work_item=item)
    reports = list(selectors.report_list_visible(user=request.user, work_item=item).order_by("-cycle__period_start"))
    for report in reports:
        report.content_readable = selectors.report_content_readable(user=request.user, report=report)
    return render(request, "progress/work_item_detail.html", {
        "item": item, "co_units": [c.unit for c in item.co_units.select_related("unit")],
        "milestones": list(item.milestones.all()), "light": light,
        "light_rule": RULE_LABELS.get(light.rule, light.rule) if light else "",
        "light_rows": light_inputs(light), "rule_set": light.rule_set if light else None,
        "reports": reports, "findings": list(selectors.finding_list_visible(user=request.user).filter(work_item=item)),
        "extensions": list(selectors.extension_list_visible(user=request.user).filter(work_item=item)),
        "can_manage": can(request.user, Action.MANAGE, item.lead_unit_id),
        "can_change": can(request.user, Action.CHANGE, item.lead_unit_id),
        "today": timezone.localdate(),
    })


# Task timeline


TIMELINE_LABELS = {
    "report_submitted": gettext_lazy("Report submitted"),
    "report_approved": gettext_lazy("Report approved"),
    "report_returned": gettext_lazy("Report returned"),
    "finding_raised": gettext_lazy("Problem found"),
    "finding_closed": gettext_lazy("Problem closed out"),
    "escalation_reminder": gettext_lazy("Reminder"),
    "escalation_yellow": gettext_lazy("Yellow notice"),
    "escalation_red": gettext_lazy("Red notice"),
    "escalation_supervised": gettext_lazy("Supervised follow-up"),
}


@access(LOGIN)
def task_timeline(request, pk: int):
    """A plan task's progress: its light, its work items and a timeline of reports, findings and chasing."""
    task = visible_or_404(plan_selectors.task_get_visible, user=request.user, pk=pk)
    items = list(selectors.work_item_list_visible(user=request.user, task=task))
    task_light = TaskLight.objects.filter(task=task).first()
    entries = [
        {"entry": entry, "label": TIMELINE_LABELS.get(entry.kind, entry.kind)}
        for entry in selectors.task_timeline(user=request.user, task=task)
    ]
    return render(request, "progress/task_timeline.html", {
        "task": task, "items": items, "task_light": task_light, "entries": entries, "light_labels": LIGHT_LABELS,
        "can_manage": can(request.user, Action.MANAGE), "can_propose": can(request.user, Action.CHANGE),
        "view_scope": scope_for(request.user, Action.VIEW),
    })


# Evidence


@access(LOGIN)
def attachment_download(request, pk: int):
    """An evidence file, for users who may read the report, part or finding it belongs to."""
    attachment = visible_or_404(selectors.attachment_get_visible, user=request.user, pk=pk)
    return attachment_response(attachment)


# Bulletin


@access(APPROVE)
def bulletin(request):
    """The periodic progress bulletin (工作进展通报): choose a month, generate and download it.

    Generating is recorded in the audit trail, so it is a POST; .docx, or PDF where the server can
    make one (otherwise the page says why)."""
    from qualitygov.core.io import DOCX_MIME, download
    from qualitygov.core.io_pdf import pdf_unavailable_reason

    from . import bulletin as bulletin_module

    today = timezone.localdate()
    month = request.POST.get("period") or f"{today:%Y-%m}"
    error = pdf_message = ""
    if request.method == "POST":
        try:
            period = bulletin_module.parse_period(month)
            want_pdf = request.POST.get("format") == "pdf"
            result = bulletin_module.bulletin_generate(actor=request.user, period=period, pdf=want_pdf)
        except NotFoundError as exc:
            raise Http404 from exc
        except ServiceError as exc:
            error = exc.message
        else:
            if want_pdf and result.pdf is not None:
                return download(result.pdf, result.filename.removesuffix(".docx") + ".pdf", "application/pdf")
            if not want_pdf:
                return download(result.docx, result.filename, DOCX_MIME)
            pdf_message = result.pdf_message
    return render(request, "progress/bulletin.html", {
        "period": month, "error": error, "pdf_message": pdf_message,
        "pdf_unavailable": pdf_unavailable_reason(),
    })


@require_POST
@access(MANAGE)
def lights_refresh(request):
    """Recompute every light now (the nightly job does the same)."""
    result = services.lights_refresh(actor=request.user, on=timezone.localdate())
    messages.success(request, _("Lights recomputed for %(n)d work items.") % {"n": result["work_items"]})
    return redirect("progress:board")

