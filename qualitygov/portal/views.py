"""The office's disclosure pages (信息公开管理): what is published, what may be published per kind,
publishing, revising and withdrawing, publication rules and the masking policy.

Only an office holding the whole district opens them; anyone else gets 404, as for a page that does not
exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.io import xlsx_response
from qualitygov.core.permissions import Action
from qualitygov.core.views_helpers import apply_service_error

from . import selectors, services
from .choices import ItemState
from .forms import MaskingForm, PublishForm, RepublishForm, RuleForm, WithdrawForm
from .kinds import KINDS, kinds
from .models import PublicationRule

WRITE = action_rule(Action.MANAGE)


def _office_or_404(request) -> None:
    if not services.may_publish(request.user):
        raise Http404


def _kind_or_404(kind: str):
    found = KINDS.get(kind)
    if found is None:
        raise Http404
    return found


@access(WRITE)
def item_list(request):
    """Published and withdrawn items, filtered by kind and state; .xlsx export."""
    _office_or_404(request)
    kind, state = request.GET.get("kind", ""), request.GET.get("state", "")
    items = selectors.office_items(kind=kind if kind in KINDS else "",
                                   state=state if state in ItemState.values else "")
    if request.GET.get("export") == "xlsx":
        labels = {k.key: str(k.label) for k in kinds()}
        rows = [[labels.get(i.kind, i.kind), i.title, i.get_state_display(), i.current_version, i.period_label,
                 i.first_published_at, i.last_published_at, i.withdrawn_at, i.withdrawn_reason,
                 request.build_absolute_uri(f"/public/p/{i.slug}/")] for i in items]
        return xlsx_response("信息公开清单.xlsx", [(_("Published items"), [
            _("Kind"), _("Title"), _("State"), _("Version"), _("Period"), _("First published"), _("Last published"),
            _("Withdrawn"), _("Reason for withdrawal"), _("Public address")], rows)])
    return render(request, "portal/office/list.html", {
        "items": items, "kinds": kinds(), "kind": kind, "state": state, "states": ItemState.choices})


@access(WRITE)
def publishable(request, kind: str):
    """The records of one kind the office may publish, with their publication state."""
    _office_or_404(request)
    found = _kind_or_404(kind)
    return render(request, "portal/office/publishable.html", {
        "kind": found, "kinds": kinds(), "candidates": selectors.office_candidates(found),
        "form": PublishForm()})


@access(WRITE)
@require_POST
def publish(request, kind: str):
    """Publish (or publish again) one record of `kind`."""
    _office_or_404(request)
    found = _kind_or_404(kind)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The publication could not be made: check the form."))
        return redirect("portal:publishable", kind=found.key)
    obj = found.source(form.cleaned_data["source_id"])
    if obj is None:
        raise Http404
    options = {"until": form.cleaned_data["until"].isoformat()} if form.cleaned_data.get("until") else {}
    try:
        item = services.item_publish(actor=request.user, kind=found, obj=obj, options=options,
                                     note=form.cleaned_data.get("note") or "")
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("portal:publishable", kind=found.key)
    messages.success(request, _("Published: %(title)s (version %(version)s).") % {
        "title": item.title, "version": item.current_version})
    return redirect("portal:office_item", pk=item.pk)


@access(WRITE)
def item_detail(request, pk: int):
    """One item: its state, versions (with withdrawals), and the revise and withdraw forms."""
    _office_or_404(request)
    item = selectors.office_item(pk)
    return render(request, "portal/office/item.html", {
        "item": item, "kind": KINDS.get(item.kind), "versions": list(item.versions.select_related("actor", "rule")),
        "republish_form": RepublishForm(), "withdraw_form": WithdrawForm()})


@access(WRITE)
@require_POST
def republish(request, pk: int):
    """Build the item again from its source: a revision when something changed, nothing otherwise."""
    _office_or_404(request)
    item = selectors.office_item(pk)
    form = RepublishForm(request.POST)
    if form.is_valid():
        options = {"until": form.cleaned_data["until"].isoformat()} if form.cleaned_data.get("until") else {}
        before = item.current_version
        try:
            item = services.item_republish(actor=request.user, item=item, options=options,
                                           note=form.cleaned_data.get("note") or "")
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if item.current_version == before:
                messages.info(request, _("Nothing changed since the last publication: no new version."))
            else:
                messages.success(request, _("Published as version %(version)s.") % {"version": item.current_version})
    return redirect("portal:office_item", pk=item.pk)


@access(WRITE)
@require_POST
def withdraw(request, pk: int):
    """Withdraw the item from the public site, the feed and the open-data API."""
    _office_or_404(request)
    item = selectors.office_item(pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.item_withdraw(actor=request.user, item=item, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Withdrawn."))
    else:
        messages.error(request, _("Give the reason for the withdrawal."))
    return redirect("portal:office_item", pk=item.pk)


# --- rules ----------------------------------------------------------------------------------------

def _indicator_choices():
    return [(str(obj.pk), f"{obj.code} {obj.name}") for obj in KINDS["indicator"].candidates()]


@access(WRITE)
def rule_list(request):
    _office_or_404(request)
    labels = dict(_indicator_choices())
    rules = [(rule, [labels.get(str(k), k) for k in rule.keys]) for rule in selectors.office_rules()]
    return render(request, "portal/office/rules.html", {"rules": rules})


@access(WRITE)
def rule_edit(request, pk: int | None = None):
    """Create or change a rule publishing chosen indicators' approved values on a day of every month."""
    _office_or_404(request)
    rule = None
    if pk is not None:
        rule = PublicationRule.objects.filter(pk=pk).first()
        if rule is None:
            raise Http404
    initial = ({"name": rule.name, "keys": [str(k) for k in rule.keys], "day_of_month": rule.day_of_month,
                "active": rule.active} if rule else None)
    form = RuleForm(request.POST or None, initial=initial, choices=_indicator_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_save(actor=request.user, name=data["name"], kind="indicator", keys=data["keys"],
                               day_of_month=data["day_of_month"], active=data["active"], rule=rule)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("portal:rules")
    return render(request, "portal/office/rule_form.html", {"form": form, "rule": rule})


@access(WRITE)
@require_POST
def rules_apply(request):
    """Apply the rules that are due today now (the daily job does the same)."""
    _office_or_404(request)
    changed = services.rules_apply(actor=request.user)
    messages.success(request, _("%(count)s items published or revised.") % {"count": len(changed)})
    return redirect("portal:rules")


# --- masking policy -------------------------------------------------------------------------------

@access(WRITE)
def masking(request):
    """The masking policy in force, field by field, and the form declaring another personal field."""
    _office_or_404(request)
    form = MaskingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.masking_rule_save(actor=request.user, field=data["field"], treatment=data["treatment"],
                                       note=data.get("note") or "", active=data["active"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Masking policy saved; it applies to every publication from now on."))
            return redirect("portal:masking")
    return render(request, "portal/office/masking.html", {"rows": selectors.masking_table(), "form": form})
