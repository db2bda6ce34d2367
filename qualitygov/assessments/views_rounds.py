"""Assessment round pages: the rounds, a round (timeline, units, steps), a unit's sheet and its items,
the office's review, objections and answers, the leader's approval, results, the score breakdown,
and the exports (考核结果通报 .docx, all scores .xlsx).

Access: a round's page is open to every signed-in user (its units and results limited by scope);
sheets, entries and objections are the unit's (`visible_to`): anyone else gets 404, as for a page
that does not exist. Office steps need the whole district (`manages_district`), approval a
district-wide approver.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import can
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error
from qualitygov.plans import selectors as plan_selectors

from . import exports_rounds
from . import rounds as R
from . import selectors_rounds as sel
from . import services_rounds as S
from .choices import (
    FROZEN_STATES,
    OFFICE_TRANSITIONS,
    ROUND_TRANSITIONS,
    EntryKind,
    EntrySource,
    ReviewDecision,
    RoundStatus,
    SchemeStatus,
    SheetStatus,
)
from .forms_rounds import AnswerForm, ApprovalForm, GroupForm, ObjectionForm, ReviewForm, RoundForm, ValueForm
from .models import AssessmentScheme


def _office_or_404(request) -> None:
    if not S.may_manage(request.user):
        raise Http404


def _round_or_404(pk: int):
    try:
        return sel.round_get(pk=pk)
    except sel.AssessmentRound.DoesNotExist:
        raise Http404 from None


def _round_unit_or_404(request, pk: int):
    try:
        return sel.round_unit_get(user=request.user, pk=pk)
    except sel.RoundUnit.DoesNotExist:
        raise Http404 from None


def _entry_or_404(request, pk: int):
    try:
        return sel.entry_get(user=request.user, pk=pk)
    except sel.ItemEntry.DoesNotExist:
        raise Http404 from None


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _tasks(user):
    return plan_selectors.task_list_visible(user=user).prefetch_related(None)


def _groups(round_) -> list[tuple[str, str]]:
    groups = R.scheme_data(round_.scheme).get("groups") or ["department", "town", "committee"]
    return [(g, R.group_label(g)) for g in groups]


@access(LOGIN)
def round_list(request):
    """Every round, newest year first; the office also gets the link to start one."""
    return render(request, "assessments/round_list.html", {
        "rounds": list(sel.rounds()), "may_manage": S.may_manage(request.user)})


def _round_form_save(request, round_=None):
    schemes = AssessmentScheme.objects.filter(status=SchemeStatus.PUBLISHED)
    initial = {"year": timezone.localdate().year}
    if round_ is not None:
        initial = {name: getattr(round_, name) for name in ("title", *S.TIMELINE)}
        initial["followup_task"] = round_.followup_task_id
    form = RoundForm(request.POST or None, initial=initial, schemes=schemes, tasks=_tasks(request.user),
                     editing=round_ is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if round_ is None:
                round_ = S.round_create(actor=request.user, **data)
            else:
                round_ = S.round_update(actor=request.user, round_=round_, **data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessments:round", pk=round_.pk)
    title = _("Change the round") if round_ else _("New assessment round")
    cancel = reverse("assessments:round", args=[round_.pk]) if round_ else reverse("assessments:rounds")
    return render(request, "assessments/round_form.html", {"form": form, "title": title, "cancel_url": cancel},
                  status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def round_new(request):
    """Start a round on a published scheme (office only): every department and town is added."""
    _office_or_404(request)
    return _round_form_save(request)


@access(action_rule(Action.MANAGE))
def round_edit(request, pk: int):
    _office_or_404(request)
    return _round_form_save(request, _round_or_404(pk))


@access(LOGIN)
def round_detail(request, pk: int):
    """The round: timeline, status and the office's next steps; the units the user may see, their
    group, sheet state, late flag and review progress; objections."""
    round_ = _round_or_404(pk)
    may_manage = S.may_manage(request.user)
    steps = [(name, label) for name, label in OFFICE_TRANSITIONS.items()
             if round_.status in ROUND_TRANSITIONS[name][0]] if may_manage else []
    units = list(sel.round_units(user=request.user, round_=round_))
    for ru in units:
        ru.group_label = R.group_label(ru.group)
    editable_groups = may_manage and round_.status not in FROZEN_STATES
    return render(request, "assessments/round_detail.html", {
        "round": round_, "units": units, "may_manage": may_manage, "steps": steps,
        "may_approve": S.may_approve(request.user) and round_.status == RoundStatus.APPROVAL,
        "editable_groups": editable_groups,
        "may_collect": may_manage and round_.status not in FROZEN_STATES and round_.status != RoundStatus.DRAFT, "group_choices": _groups(round_),
        "objections": sel.round_objections(user=request.user, round_=round_),
        "statuses": RoundStatus, "sheet_statuses": SheetStatus,
        "sees_all": sel.sees_all(request.user),
    })


@access(action_rule(Action.MANAGE))
def round_step(request, pk: int, name: str):
    """One of the office's steps (POST)."""
    _office_or_404(request)
    round_ = _round_or_404(pk)
    if name not in OFFICE_TRANSITIONS:
        raise Http404
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        S.round_transition(actor=request.user, round_=round_, name=name)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": OFFICE_TRANSITIONS[name]})
    return redirect("assessments:round", pk=round_.pk)


@access(action_rule(Action.MANAGE))
def round_collect(request, pk: int):
    """Collect the automatic figures from the platform's records (POST)."""
    _office_or_404(request)
    round_ = _round_or_404(pk)
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        stored, unfed = S.round_collect(actor=request.user, round_=round_)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s automatic figures collected from the platform's records.") % {"n": stored})
        if unfed:
            messages.warning(request, _("The platform cannot collect items %(codes)s: set them in the review.")
                             % {"codes": "、".join(unfed)})
    return redirect("assessments:round", pk=round_.pk)


@access(action_rule(Action.MANAGE))
def round_unit_group(request, pk: int):
    """Move a unit to another ranking group (office, POST)."""
    _office_or_404(request)
    round_unit = _round_unit_or_404(request, pk)
    if (refused := _post_only(request)) is not None:
        return refused
    form = GroupForm(request.POST, groups=_groups(round_unit.round))
    try:
        if not form.is_valid():
            raise ServiceError(_("Choose one of the scheme's groups."))
        S.round_unit_group_set(actor=request.user, round_unit=round_unit, group=form.cleaned_data["group"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("assessments:round", pk=round_unit.round_id)


@access(action_rule(Action.APPROVE))
def round_approve(request, pk: int):
    """The leader's page: every unit's reviewed score by group, then approve or send back."""
    if not S.reads_all_results(request.user):
        raise Http404
    round_ = _round_or_404(pk)
    may_approve = S.may_approve(request.user)
    if request.method == "POST" and not may_approve:
        raise Http404
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if request.POST.get("action") == "send_back":
                S.round_send_back(actor=request.user, round_=round_, note=note)
                messages.success(request, _("Sent back to the office's review."))
            else:
                S.round_approve(actor=request.user, round_=round_, note=note)
                messages.success(request, _("Approved: the results are frozen."))
        except ServiceError as exc:
            apply_service_error(form, exc)
            messages.error(request, exc.message)
        else:
            return redirect("assessments:round", pk=round_.pk)
    return render(request, "assessments/round_approve.html", {
        "round": round_, "form": form, "results": sel.results(user=request.user, round_=round_),
        "open": round_.status == RoundStatus.APPROVAL, "may_approve": may_approve},
        status=400 if form.errors else 200)


@access(LOGIN)
def round_results(request, pk: int):
    """Ranking tables per group (or, before publication, the user's own unit without a rank)."""
    round_ = _round_or_404(pk)
    results = sel.results(user=request.user, round_=round_)
    return render(request, "assessments/round_results.html", {
        "round": round_, "results": results, "may_export": S.reads_all_results(request.user)})


def _frozen_or_404(request, pk: int):
    if not S.reads_all_results(request.user):
        raise Http404
    round_ = _round_or_404(pk)
    if round_.status not in FROZEN_STATES:
        raise Http404
    return round_


@access(action_rule(Action.APPROVE))
def round_results_xlsx(request, pk: int):
    """Every unit's scores, item by item (.xlsx), once the result is frozen."""
    return exports_rounds.scores_xlsx(_frozen_or_404(request, pk))


@access(action_rule(Action.APPROVE))
def round_bulletin(request, pk: int):
    """考核结果通报 as an official-layout .docx, once the result is frozen."""
    return exports_rounds.bulletin_docx(_frozen_or_404(request, pk))


@access(LOGIN)
def sheet(request, pk: int):
    """A unit's sheet: every item with its value, source, note, evidence and review."""
    round_unit = _round_unit_or_404(request, pk)
    round_ = round_unit.round
    result, _show_rank = sel.unit_result(user=request.user, round_unit=round_unit)
    rows = sel.sheet_rows(round_unit, nodes=result["nodes"] if result else None)
    may_fill = can(request.user, Action.CHANGE, round_unit.unit_id)
    open_sheet = round_.status in S.FILLING and round_unit.sheet_status != SheetStatus.SUBMITTED
    resubmit = round_unit.sheet_status == SheetStatus.RETURNED and round_.status in S.REVIEWING
    return render(request, "assessments/sheet.html", {
        "round": round_, "ru": round_unit, "rows": rows, "may_manage": S.may_manage(request.user),
        "may_fill": may_fill, "open_sheet": open_sheet, "may_submit": may_fill and (open_sheet or resubmit),
        "reviewing": round_.status in S.REVIEWING, "result": result, "decisions": ReviewDecision,
        "kinds": EntryKind, "group_label": R.group_label(round_unit.group),
    })


@access(action_rule(Action.CHANGE))
def sheet_submit(request, pk: int):
    round_unit = _round_unit_or_404(request, pk)
    if not can(request.user, Action.CHANGE, round_unit.unit_id):
        raise Http404
    if (refused := _post_only(request)) is not None:
        return refused
    try:
        round_unit = S.sheet_submit(actor=request.user, round_unit=round_unit)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Submitted late: the late submission is recorded.") if round_unit.late
                         else _("Self-assessment submitted."))
    return redirect("assessments:sheet", pk=round_unit.pk)


def _texts(entry) -> dict[str, str]:
    data = R.scheme_data(entry.round_unit.round.scheme)
    bonus = (data.get("bonus") or {}).get("items", {}).get(entry.code, {})
    veto = next((v for v in data.get("vetoes") or [] if v["code"] == entry.code), {})
    return {"bonus_text": bonus.get("text", ""), "veto_text": veto.get("text", "")}


def _leaf_of(entry):
    if entry.kind != EntryKind.LEAF:
        return None
    return next((leaf for leaf in R.leaves_of(R.scheme_data(entry.round_unit.round.scheme))
                 if leaf.code == entry.code), None)


def _entry_title(entry, leaf) -> str:
    if leaf is not None:
        return f"{leaf.code} {leaf.title}"
    texts = _texts(entry)
    return texts["bonus_text"] or texts["veto_text"] or entry.code


@access(action_rule(Action.CHANGE))
def entry_fill(request, pk: int):
    """The unit fills a self-assessed item or claims a bonus item: value, note, evidence file."""
    from .forms_rounds import value_initial

    entry = _entry_or_404(request, pk)
    round_unit = entry.round_unit
    if not can(request.user, Action.CHANGE, round_unit.unit_id):
        raise Http404
    leaf = _leaf_of(entry)
    fillable = entry.kind == EntryKind.BONUS or (entry.kind == EntryKind.LEAF and entry.source == EntrySource.SELF)
    initial = {**value_initial(entry.kind, leaf, entry.self_value), "text": entry.note}
    form = ValueForm(request.POST or None, request.FILES or None, kind=entry.kind, leaf=leaf,
                     text_label=_("Explanation"), files_field=True, initial=initial, **_texts(entry))
    if request.method == "POST" and form.is_valid():
        try:
            files = [check_upload(form.cleaned_data["file"])] if form.cleaned_data.get("file") else []
            S.entry_self_save(actor=request.user, entry=entry, value=form.value(), note=form.cleaned_data["text"],
                              files=files)
        except ServiceError as exc:
            apply_service_error(form, exc, {"count": "count"})
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessments:sheet", pk=round_unit.pk)
    return render(request, "assessments/entry_form.html", {
        "entry": entry, "ru": round_unit, "round": round_unit.round, "form": form, "fillable": fillable,
        "title": _entry_title(entry, leaf), "files": sel.entry_files(entry), "leaf": leaf,
        "submit_label": _("Save"), "cancel_url": reverse("assessments:sheet", args=[round_unit.pk]),
    }, status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def entry_review(request, pk: int):
    """The office's review of one item: accept, adjust with a reason, return, or set the value with its
    basis (overriding an automatic figure, entering a leader evaluation, marking a veto)."""
    from .forms_rounds import value_initial

    _office_or_404(request)
    entry = _entry_or_404(request, pk)
    leaf = _leaf_of(entry)
    shown = entry.reviewed_value or entry.override_value or entry.effective
    initial = {**value_initial(entry.kind, leaf, shown), "decision": entry.decision
               if entry.decision != ReviewDecision.PENDING else ReviewDecision.ACCEPT}
    form = ReviewForm(request.POST or None, kind=entry.kind, leaf=leaf, initial=initial,
                      text_label=_("Reason or basis"), **_texts(entry))
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["text"]
        try:
            if decision == "override":
                S.entry_override(actor=request.user, entry=entry, value=form.value(), reason=reason)
            else:
                S.entry_review(actor=request.user, entry=entry, decision=decision, reason=reason,
                               value=form.value() if decision == ReviewDecision.ADJUST else None)
        except ServiceError as exc:
            apply_service_error(form, exc, {"reason": "text"})
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("assessments:sheet", pk=entry.round_unit_id)
    ru = entry.round_unit
    return render(request, "assessments/entry_review.html", {
        "entry": entry, "ru": ru, "round": ru.round, "form": form, "leaf": leaf,
        "title": _entry_title(entry, leaf), "files": sel.entry_files(entry),
        "row": next((r for r in sel.sheet_rows(ru) if r.entry.pk == entry.pk), None),
        "objections": list(entry.objections.all()),
        "cancel_url": reverse("assessments:sheet", args=[ru.pk]),
    }, status=400 if form.errors else 200)


@access(LOGIN)
def entry_file(request, pk: int, file_pk: int):
    entry = _entry_or_404(request, pk)
    try:
        attachment = sel.entry_file_get(entry=entry, pk=file_pk)
    except sel.Attachment.DoesNotExist:
        raise Http404 from None
    return attachment_response(attachment)


@access(LOGIN)
def sheet_result(request, pk: int):
    """A unit's score: every node with its score, the input behind each item and who set it, the grade,
    rank (once visible), vetoes and caps, follow-up, and the earlier years' results."""
    round_unit = _round_unit_or_404(request, pk)
    result, show_rank = sel.unit_result(user=request.user, round_unit=round_unit)
    rows = {r.entry.code: r for r in sel.sheet_rows(round_unit) if r.entry.kind == EntryKind.LEAF}
    nodes = sel.breakdown(round_unit, result) if result else []
    return render(request, "assessments/sheet_result.html", {
        "round": round_unit.round, "ru": round_unit, "result": result, "show_rank": show_rank,
        "nodes": [(n, rows.get(n.code)) for n in nodes], "previous": sel.previous_years(round_unit),
        "may_object": can(request.user, Action.CHANGE, round_unit.unit_id)
        and round_unit.round.status == RoundStatus.PUBLISHED
        and timezone.localdate() <= round_unit.round.objection_until,
        "objections": list(round_unit.objections.select_related("entry", "answered_by")),
        "may_manage": S.may_manage(request.user), "group_label": R.group_label(round_unit.group),
    })


@access(action_rule(Action.CHANGE))
def objection_new(request, pk: int):
    """The unit lodges an objection to an item or to its whole result."""
    round_unit = _round_unit_or_404(request, pk)
    if not can(request.user, Action.CHANGE, round_unit.unit_id):
        raise Http404
    rows = [r for r in sel.sheet_rows(round_unit)]
    form = ObjectionForm(request.POST or None, entries=[(str(r.entry.pk), f"{r.entry.display_code} {r.title}")
                                                        for r in rows])
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["entry"]
        entry = next((r.entry for r in rows if str(r.entry.pk) == chosen), None) if chosen else None
        try:
            S.objection_file(actor=request.user, round_unit=round_unit, entry=entry, text=form.cleaned_data["text"])
        except ServiceError as exc:
            apply_service_error(form, exc)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Objection lodged: the office will answer it."))
            return redirect("assessments:sheet_result", pk=round_unit.pk)
    return render(request, "assessments/form.html", {
        "form": form, "title": _("Lodge an objection"),
        "subtitle": _("%(unit)s · objections until %(date)s") % {
            "unit": round_unit.unit.label, "date": round_unit.round.objection_until.isoformat()},
        "cancel_url": reverse("assessments:sheet_result", args=[round_unit.pk])}, status=400 if form.errors else 200)


@access(action_rule(Action.MANAGE))
def objection_answer(request, pk: int):
    """The office answers an objection."""
    _office_or_404(request)
    try:
        objection = sel.objection_get(user=request.user, pk=pk)
    except sel.Objection.DoesNotExist:
        raise Http404 from None
    form = AnswerForm(request.POST or None, initial={"answer": objection.answer})
    if request.method == "POST" and form.is_valid():
        try:
            S.objection_answer(actor=request.user, objection=objection, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Answer saved."))
            return redirect("assessments:round", pk=objection.round_unit.round_id)
    about = objection.entry.display_code if objection.entry else _("The whole result")
    return render(request, "assessments/form.html", {
        "form": form, "title": _("Answer an objection"),
        "subtitle": f"{objection.round_unit.unit.label} · {about}：{objection.text}",
        "cancel_url": reverse("assessments:round", args=[objection.round_unit.round_id])},
        status=400 if form.errors else 200)
