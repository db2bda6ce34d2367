"""Indicator screens: dashboard, indicator and unit pages, data entry (form and Excel), review, definitions.

Every object is loaded through a selector that applies `visible_to`; out of scope answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitygov.accounts.choices import Action
from qualitygov.core.access import LOGIN, access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import XLSX_MIME, download, xlsx_response
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.core.models import Attachment
from qualitygov.core.scoping import can, manages_district, scope_for
from qualitygov.core.uploads import attachment_create
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.plans.models import Plan
from qualitygov.utilities.numbers import decimal_text

from . import formula as formulas
from . import io as indicator_io
from . import measures, selectors
from .choices import (
    ChangeRequestStatus,
    DataSource,
    ForecastStatus,
    IndicatorState,
    Light,
    Nature,
    ObservationStatus,
)
from .forms import (
    ChangeRequestForm,
    DashboardFilterForm,
    DecisionForm,
    IndicatorCreateForm,
    IndicatorForm,
    ObservationEntryForm,
    ReasonForm,
    StateForm,
    TemplateForm,
    UploadForm,
)
from .lists import REVIEW_LIST
from .models import Observation

CHANGE = action_rule(Action.CHANGE)
#: Reviewing indicator data: approve (office, leaders) or review (审核员) somewhere.
REVIEW = action_rule(Action.APPROVE, Action.REVIEW)
MANAGE = action_rule(Action.MANAGE)
#: The session key holding the last previewed upload (its changes are written on confirm).
PENDING_UPLOAD = "indicators.pending_upload"
#: The preview lists at most this many error rows and this many other rows (the counts cover all).
LISTED_ROWS = 500


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Dashboard

def _dashboard(request):
    plans = list(Plan.objects.visible_to(request.user).order_by("-period_start", "-id"))
    form = DashboardFilterForm(request.GET or None, plans=plans,
                               units=selectors.dashboard_units(user=request.user))
    filters = selectors.DashboardFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.DashboardFilters(scope=data["scope"] or "", plan=data["plan"], unit=data["unit"],
                                             light=data["light"] or "", q=data["q"] or "",
                                             origin=data["origin"] or "", state=data["state"] or "active")
    return form, selectors.dashboard_indicators(user=request.user, filters=filters)


DASHBOARD_HEADER = ["编号", "指标名称", "实施方案", "计量单位", "目标", "目标年份", "最新值", "最新填报期", "序时目标值",
                    "差距", "灯色", "判定规则", "预测值", "预测", "责任单位"]


def _dashboard_rows(indicators):
    for i in indicators:
        status = selectors.indicator_status(i)
        yield [
            i.code, i.name, i.plan.title, i.unit, f"{i.get_comparator_display()} {decimal_text(i.target_value)}",
            i.target_year, decimal_text(status.latest_value) if status else "",
            status.latest_period if status else "", decimal_text(status.expected_value) if status else "",
            decimal_text(status.gap) if status else "", str(Light(i.light).label),
            str(selectors.RULE_LABELS.get(status.rule, status.rule)) if status and status.rule else "",
            decimal_text(status.forecast_value) if status else "",
            str(ForecastStatus(status.forecast_status).label) if status else "",
            i.row["units"],
        ]


def _status_value(field: str):
    def value(indicator):
        status = selectors.indicator_status(indicator)
        return getattr(status, field) if status else None
    return value


DASHBOARD_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("Code"), "code", value=lambda i: (i.plan_id, i.order)),
        Column(gettext_lazy("Indicator"), "name"),
        Column(gettext_lazy("Latest value"), "latest", value=_status_value("latest_value")),
        Column(gettext_lazy("Target"), "target", value=lambda i: i.target_value),
        Column(gettext_lazy("Light"), "light", value=lambda i: LIGHT_RANK.get(i.light, 0)),
        Column(gettext_lazy("Forecast"), "forecast", value=_status_value("forecast_status")),
        Column(gettext_lazy("Trend")),
        Column(gettext_lazy("Responsible units")),
    ],
    default_sort="code",
    export=Export(filename="指标监测", sheet="指标监测", header=DASHBOARD_HEADER, rows=_dashboard_rows,
                  widths=[8, 40, 30, 8, 14, 8, 10, 14, 10, 10, 6, 20, 10, 12, 30]),
)
#: Lights by severity, so that sorting by light puts red at one end and grey (no data) at the other.
LIGHT_RANK = {Light.GREY: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}


@access(LOGIN)
def dashboard(request):
    """Every indicator the user may see: latest value, target, light, forecast, trend; filters; sort; pages;
    `?format=xlsx` exports the filtered, sorted list."""
    form, indicators = _dashboard(request)
    lst = list_page(request, indicators, DASHBOARD_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    counts = {light: 0 for light in Light.values}
    for indicator in indicators:
        counts[indicator.light] += 1
    unit = request.user.unit
    return render(request, "indicators/dashboard.html", {
        "form": form, "lst": lst, "indicators": lst.rows, "counts": counts,
        "row_labels": {"why": _("Why?"), "trend": _("Trend"), "binding": Nature.BINDING.label,
                       "own": _("Own indicator"), "retired": IndicatorState.RETIRED.label},
        "my_unit": unit if unit is not None and unit.pk in scope_for(request.user, Action.VIEW) else None,
        "can_enter": can(request.user, Action.CHANGE), "can_review": selectors.may_review_somewhere(request.user),
        "can_create": manages_district(request.user),
        "export_query": lst.export_query,
    })


@access(LOGIN)
def dashboard_xlsx(request):
    """The dashboard's export under its older address (same filters and sort)."""
    _form, indicators = _dashboard(request)
    return list_export(request, indicators, DASHBOARD_LIST)


# Indicator page

@access(LOGIN)
def indicator_detail(request, pk: int):
    """The indicator's chart (actual, expected path, band), its light and why, periods and history."""
    from .services import reference_figures

    indicator = visible_or_404(selectors.indicator_get_visible, user=request.user, pk=pk)
    status = selectors.indicator_status(indicator)
    return render(request, "indicators/indicator_detail.html", {
        "formula_label": formulas.describe(indicator.formula) if indicator.formula else "",
        "reference_label": formulas.describe(indicator.reference_formula) if indicator.reference_formula else "",
        "references": reference_figures(indicator, as_of=timezone.localdate()),
        "is_computed": indicator.data_source == DataSource.COMPUTED,
        "indicator": indicator, "status": status, "chart": selectors.indicator_chart(indicator),
        "chart_labels": {"actual": _("Actual value"), "expected": _("Expected path"), "band": _("Target band"),
                         "target": _("Target")},
        "periods": selectors.indicator_periods(user=request.user, indicator=indicator),
        "units": [r.unit for r in indicator.responsibilities.select_related("unit").order_by("role", "unit__path")],
        # A unit's page only for units the user may see: a link to a page that answers 404 is a dead end.
        "unit_pages": scope_for(request.user, Action.VIEW),
        "targets": list(indicator.targets.current().select_related("set_by")),
        "history": selectors.indicator_history(user=request.user, indicator=indicator),
        "not_counted": selectors.values_not_counted(user=request.user, indicator=indicator, status=status),
        "can_edit": can(request.user, Action.MANAGE),
        "can_retire": manages_district(request.user), "state_form": StateForm(initial={"version": indicator.version}),
    })


@access(LOGIN)
def indicator_xlsx(request, pk: int):
    indicator = visible_or_404(selectors.indicator_get_visible, user=request.user, pk=pk)
    rows = []
    for row in selectors.indicator_periods(user=request.user, indicator=indicator):
        for obs in row.observations or [None]:
            rows.append([row.period.label, row.period.start, row.period.end, row.period.due_date,
                         obs.unit.label if obs else "", obs.town.label if obs and obs.town else "",
                         decimal_text(obs.value) if obs else "",
                         decimal_text(obs.first_submitted_value) if obs else "",
                         obs.get_status_display() if obs else _("Not entered"), obs.comment if obs else ""])
    header = ["填报期", "开始", "结束", "截止日期", "报送单位", "镇街", "数值", "首次报送值", "状态", "说明"]
    return xlsx_response(f"{indicator.code}{indicator.name[:30]}.xlsx", [("填报记录", header, rows)],
                         widths={"填报记录": [16, 12, 12, 12, 20, 14, 10, 10, 10, 40]})


@access(MANAGE)
def indicator_edit(request, pk: int):
    """The office edits an indicator's definition, targets and responsible units; a target change needs a reason."""
    from .services import indicator_set_responsibilities, indicator_set_targets, indicator_update

    indicator = visible_or_404(selectors.indicator_get_visible, user=request.user, pk=pk, action=Action.MANAGE)
    years = selectors.target_years(indicator)
    targets = {t.year: t.value for t in indicator.targets.current()}
    roles = dict(indicator.responsibilities.values_list("unit_id", "role"))
    form = IndicatorForm(request.POST or None, indicator=indicator, years=years, targets=targets, roles=roles)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        changed, new_targets, new_roles = form.changed_fields(), form.new_targets(), form.new_roles()
        version = form.cleaned_data["version"]  # checked by the first write; the row stays locked after it
        try:
            with transaction.atomic():
                if changed:
                    indicator_update(actor=request.user, indicator=indicator, reason=reason, version=version,
                                     **changed)
                    version = None
                if new_targets is not None:
                    kept = {y: v for y, v in targets.items() if y not in years}
                    indicator_set_targets(actor=request.user, indicator=indicator, targets={**kept, **new_targets},
                                          reason=reason, decision=form.cleaned_data["decision"], version=version)
                    version = None
                if new_roles is not None:
                    indicator_set_responsibilities(actor=request.user, indicator=indicator, units=new_roles,
                                                   version=version)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The indicator has been saved."))
            return redirect("indicators:indicator_detail", pk=indicator.pk)
    return render(request, "indicators/indicator_edit.html", {"indicator": indicator, "form": form,
                                                              "measures": measures.registered_measures()})


@access(MANAGE)
def indicator_create(request):
    """The district-wide office adds an indicator the plan text does not state (自设指标)."""
    from .services import indicator_create as create

    if not manages_district(request.user):
        raise Http404
    plans = list(Plan.objects.visible_to(request.user).order_by("-period_start", "-id"))
    if not plans:
        return render(request, "indicators/indicator_create.html", {"form": None})
    form = IndicatorCreateForm(request.POST or None, plans=plans, years=selectors.plan_years(plans))
    if request.method == "POST" and form.is_valid():
        plan = next(p for p in plans if p.pk == form.cleaned_data["plan"])
        try:
            indicator = create(actor=request.user, plan=plan, **form.create_arguments())
        except ServiceError as exc:
            field_map = {f"targets.{year}": f"target_{year}" for year in form.years}
            apply_service_error(form, exc, {**field_map, "units": "lead_units"})
        else:
            messages.success(request, _("The indicator has been created."))
            return redirect("indicators:indicator_detail", pk=indicator.pk)
    return render(request, "indicators/indicator_create.html", {"form": form,
                                                                "measures": measures.registered_measures()})


def _indicator_state(request, pk: int, action: str):
    """Retire an indicator or reinstate a retired one, with the reason (the district-wide office)."""
    from . import services

    indicator = visible_or_404(selectors.indicator_get_visible, user=request.user, pk=pk, action=Action.MANAGE)
    service = {"retire": services.indicator_retire, "reinstate": services.indicator_reinstate}[action]
    if not manages_district(request.user):
        raise Http404
    form = StateForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, indicator=indicator, reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The indicator has been retired.") if action == "retire"
                             else _("The indicator is in use again."))
    else:
        messages.error(request, _("Give the reason."))
    return redirect("indicators:indicator_detail", pk=indicator.pk)


@access(MANAGE)
@require_POST
def indicator_retire(request, pk: int):
    return _indicator_state(request, pk, "retire")


@access(MANAGE)
@require_POST
def indicator_reinstate(request, pk: int):
    return _indicator_state(request, pk, "reinstate")


# Unit page

@access(LOGIN)
def unit_page(request, pk: int):
    """A unit's indicators and what it still has to report."""
    unit = visible_or_404(selectors.org_unit_get_visible, user=request.user, pk=pk)
    indicators = selectors.unit_indicators(user=request.user, unit=unit)
    today = timezone.localdate()
    return render(request, "indicators/unit_page.html", {
        "unit": unit, "indicators": indicators, "today": today,
        "due": selectors.unit_due(unit=unit, indicators=indicators, as_of=today),
        "can_enter": unit.pk in scope_for(request.user, Action.CHANGE),
    })


@access(LOGIN)
def unit_xlsx(request, pk: int):
    unit = visible_or_404(selectors.org_unit_get_visible, user=request.user, pk=pk)
    indicators = selectors.unit_indicators(user=request.user, unit=unit)
    due = selectors.unit_due(unit=unit, indicators=indicators, as_of=timezone.localdate())
    rows = [[d.indicator.code, d.indicator.name, d.period.label, d.period.due_date,
             d.observation.get_status_display() if d.observation else _("Not entered"),
             _("Overdue") if d.overdue else ""] for d in due]
    header = ["编号", "指标名称", "填报期", "截止日期", "状态", "逾期"]
    return xlsx_response(f"{unit.label}待报指标.xlsx", [("待报指标", header, rows)],
                         widths={"待报指标": [8, 40, 16, 12, 10, 8]})


# Data entry by form

@access(CHANGE)
def observation_entry(request, period: int, unit: int):
    """Enter (or correct a draft or returned) value for one period and unit; save as draft or submit."""
    from .services import observation_save_draft, observation_submit

    period_obj, unit_obj = visible_or_404(selectors.period_get_for_entry, user=request.user, period_pk=period,
                                    unit_pk=unit)
    indicator = period_obj.indicator
    town = None
    if indicator.by_town:
        town = next((t for t in selectors.towns() if t.pk == _int_or_none(request.GET.get("town"))), None)
        if town is None:
            return render(request, "indicators/entry_towns.html", {
                "indicator": indicator, "period": period_obj, "unit": unit_obj, "towns": selectors.towns()})
    existing = selectors.observation_for_entry(user=request.user, period=period_obj, unit=unit_obj, town=town)
    if existing is not None and existing.status in (ObservationStatus.SUBMITTED, ObservationStatus.APPROVED):
        return redirect("indicators:observation_detail", pk=existing.pk)
    previous = selectors.previous_value(period=period_obj, unit=unit_obj, town=town)
    initial = ({"value": existing.value, "comment": existing.comment, "version": existing.version} if existing
               else {"version": 0})
    form = ObservationEntryForm(request.POST or None, request.FILES or None, initial=initial, indicator=indicator,
                                previous=previous)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                observation = observation_save_draft(actor=request.user, period=period_obj, unit=unit_obj,
                                                     value=data["value"], comment=data["comment"], town=town,
                                                     version=data.get("version"))
                if form.checked_evidence is not None:
                    attachment_create(actor=request.user, checked=form.checked_evidence, owner=observation,
                                      unit=unit_obj)
                if request.POST.get("action") == "submit":
                    observation_submit(actor=request.user, observation=observation)
        except ServiceError as exc:
            form.add_error(next((name for name in exc.fields if name in form.fields), None), exc.message)
        else:
            submitted = request.POST.get("action") == "submit"
            messages.success(request, _("The value has been submitted for review.") if submitted
                             else _("The value has been saved as a draft."))
            return redirect("indicators:observation_detail", pk=observation.pk)
    return render(request, "indicators/observation_entry.html", {
        "indicator": indicator, "period": period_obj, "unit": unit_obj, "town": town, "form": form,
        "observation": existing, "previous": previous, "status": selectors.indicator_status(indicator),
    })


# One observation and its workflow

def _observation_context(request, observation: Observation, **extra) -> dict:
    user = request.user
    status = observation.status
    # A computed value is never typed over: it changes only by recomputation (and review).
    may_change = (observation.unit_id in scope_for(user, Action.CHANGE)
                  and observation.indicator.data_source != DataSource.COMPUTED)
    may_approve = selectors.may_review_unit(user, observation.unit_id)
    return {
        "observation": observation, "indicator": observation.indicator,
        "history": selectors.observation_history(observation),
        "change_requests": list(observation.change_requests.select_related("requested_by", "decided_by")),
        "attachments": list(Attachment.objects.filter(owner_type=Observation._meta.label_lower,
                                                      owner_id=str(observation.pk))),
        "can_edit": may_change and status in (ObservationStatus.DRAFT, ObservationStatus.RETURNED),
        "can_submit": may_change and status in (ObservationStatus.DRAFT, ObservationStatus.RETURNED)
        and observation.value is not None,
        "can_review": may_approve and status == ObservationStatus.SUBMITTED,
        "can_withdraw": may_change and status == ObservationStatus.SUBMITTED,
        "facts": (selectors.review_facts(observation) if status in (ObservationStatus.SUBMITTED,
                                                                    ObservationStatus.RETURNED) else None),
        "can_request_change": may_change and status == ObservationStatus.APPROVED and not any(
            cr.status == ChangeRequestStatus.PENDING for cr in observation.change_requests.all()),
        "can_decide": may_approve,
        "return_form": extra.pop("return_form", None) or ReasonForm(),
        "change_form": extra.pop("change_form", None) or ChangeRequestForm(indicator=observation.indicator),
        **extra,
    }


@access(LOGIN)
def observation_detail(request, pk: int):
    observation = visible_or_404(selectors.observation_get_visible, user=request.user, pk=pk)
    return render(request, "indicators/observation_detail.html", _observation_context(request, observation))


@access(LOGIN)
def evidence_download(request, pk: int, attachment: int):
    observation = visible_or_404(selectors.observation_get_visible, user=request.user, pk=pk)
    found = Attachment.objects.filter(pk=attachment, owner_type=Observation._meta.label_lower,
                                      owner_id=str(observation.pk)).first()
    if found is None:
        raise Http404
    return attachment_response(found)


def _transition(request, pk: int, action: str | tuple[str, ...], call) -> object:
    """Load the observation in the user's scope for `action`, run `call`, report the outcome, go back."""
    observation = visible_or_404(selectors.observation_get_visible, user=request.user, pk=pk, action=action)
    try:
        message = call(observation)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("indicators:observation_detail", pk=observation.pk)


@access(CHANGE)
@require_POST
def observation_submit(request, pk: int):
    from .services import observation_submit as submit

    def call(observation):
        submit(actor=request.user, observation=observation)
        return _("The value has been submitted for review.")

    return _transition(request, pk, Action.CHANGE, call)


@access(CHANGE)
@require_POST
def observation_withdraw(request, pk: int):
    """The unit takes a submitted value back before review, to correct it."""
    from .services import observation_withdraw as withdraw

    def call(observation):
        withdraw(actor=request.user, observation=observation)
        return _("The value has been withdrawn; it is a draft again.")

    return _transition(request, pk, Action.CHANGE, call)


@access(REVIEW)
@require_POST
def observation_approve(request, pk: int):
    from .services import observation_approve as approve

    def call(observation):
        approve(actor=request.user, observation=observation)
        return _("The value has been approved.")

    return _transition(request, pk, selectors.REVIEW_ACTIONS, call)


@access(REVIEW)
@require_POST
def observation_return(request, pk: int):
    """Send a submitted value back to its unit with a reason."""
    from .services import observation_return as send_back

    observation = visible_or_404(selectors.observation_get_visible, user=request.user, pk=pk,
                                 action=selectors.REVIEW_ACTIONS)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(request, "indicators/observation_detail.html",
                      _observation_context(request, observation, return_form=form), status=400)
    try:
        send_back(actor=request.user, observation=observation, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The value has been returned to %(unit)s.") % {"unit": observation.unit.label})
    return redirect("indicators:observation_detail", pk=observation.pk)


@access(CHANGE)
@require_POST
def change_request_create(request, pk: int):
    """Ask to correct an approved (locked) value; an approver decides."""
    from .services import change_request_create as create

    observation = visible_or_404(selectors.observation_get_visible, user=request.user, pk=pk, action=Action.CHANGE)
    form = ChangeRequestForm(request.POST, indicator=observation.indicator)
    if not form.is_valid():
        return render(request, "indicators/observation_detail.html",
                      _observation_context(request, observation, change_form=form), status=400)
    try:
        create(actor=request.user, observation=observation, new_value=form.cleaned_data["new_value"],
               reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The correction request has been sent for a decision."))
    return redirect("indicators:observation_detail", pk=observation.pk)


@access(REVIEW)
@require_POST
def change_request_decide(request, pk: int):
    from .services import change_request_decide as decide

    change_request = visible_or_404(selectors.change_request_get_visible, user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or reject the correction."))
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            decide(actor=request.user, change_request=change_request, approve=approve, note=form.cleaned_data["note"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The correction has been approved.") if approve
                             else _("The correction has been rejected."))
    return redirect("indicators:observation_detail", pk=change_request.observation_id)


# Review

@access(REVIEW)
def review(request):
    """Submitted values waiting for the user's decision (filtered by unit and words, sorted, paged;
    `?format=xlsx` exports them), and the correction requests."""
    lst = list_page(request, selectors.review_queue(user=request.user), REVIEW_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "indicators/review.html", {
        "lst": lst, "observations": lst.rows,
        "change_requests": list(selectors.change_requests_pending(user=request.user)),
    })


@access(REVIEW)
def review_xlsx(request):
    """The review queue as .xlsx under its older address: the page's filters and sort, every page."""
    return list_export(request, selectors.review_queue(user=request.user), REVIEW_LIST)


# Excel round trip

@access(CHANGE)
def excel_template(request):
    """Choose a period; the download is a template of the user's indicators for it, pre-filled."""
    today = timezone.localdate()
    form = TemplateForm(request.GET if "period" in request.GET else None, today=today,
                        initial={"period": str(today.year)})
    if form.is_bound and form.is_valid():
        window = indicator_io.parse_window(form.cleaned_data["period"])
        return download(indicator_io.template_bytes(user=request.user, window=window),
                        indicator_io.template_filename(window), XLSX_MIME)
    return render(request, "indicators/excel_template.html", {"form": form, "upload_form": UploadForm()})


@access(CHANGE)
def excel_upload(request):
    """Upload a filled template: a dry run that shows new, changed, unchanged and wrong rows; nothing is saved."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            preview = indicator_io.read_upload(user=request.user, uploaded=form.cleaned_data["file"])
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            changes = preview.changes if not preview.errors else []
            request.session[PENDING_UPLOAD] = {"changes": changes, "name": form.cleaned_data["file"].name}
            return render(request, "indicators/excel_preview.html", {
                "preview": preview, "counts": preview.counts, "can_confirm": bool(changes),
                "listed": preview.listed(LISTED_ROWS), "truncated": len(preview.rows) > len(preview.listed(LISTED_ROWS)),
                "name": form.cleaned_data["file"].name,
            })
    request.session.pop(PENDING_UPLOAD, None)
    return render(request, "indicators/excel_upload.html", {"form": form},
                  status=400 if form.is_bound else 200)


@access(CHANGE)
@require_POST
def excel_confirm(request):
    """Write the previewed upload (drafts), all or nothing."""
    pending = request.session.get(PENDING_UPLOAD)
    if not pending or not pending.get("changes"):
        messages.error(request, _("There is no checked upload to save; upload the workbook again."))
        return redirect("indicators:excel_upload")
    changes = [tuple(c) for c in pending["changes"]]
    try:
        submit = request.POST.get("submit") == "1"
        count = indicator_io.apply_changes(actor=request.user, changes=changes, submit=submit)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("indicators:excel_upload")
    request.session.pop(PENDING_UPLOAD, None)
    messages.success(request, (_("%(n)s values have been saved and submitted for review.") if submit else
                               _("%(n)s values have been saved as drafts; submit them for review from your "
                                 "unit's page.")) % {"n": count})
    unit = request.user.unit
    if unit is not None and unit.pk in scope_for(request.user, Action.VIEW):
        return redirect("indicators:unit_page", pk=unit.pk)
    return redirect(reverse("indicators:dashboard"))
