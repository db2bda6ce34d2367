"""Pages of the quality registers: the registers' index, and for each register (URL kwarg `register`, from
the URL pattern) its list, record, form, deletion, import template and import with dry run. Users read
the records of the units in their view scope and write those of the units in their change scope;
anything else answers 404, as for a page that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.files import attachment_response
from qualitygov.core.io import XLSX_MIME, download, xlsx_bytes
from qualitygov.core.lists import list_page
from qualitygov.core.permissions import Action
from qualitygov.core.scoping import can
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error, visible_or_404
from qualitygov.registry.ledger_import import import_flow, preview_rows
from qualitygov.registry.ledgers import ENTITY, Register, cell_of, template_sheets

from . import selectors, services
from .choices import NEXT_STEP, AwardStage
from .forms import DecideForm, DeleteForm, RecordForm
from .lists import SPECS
from .registers import APPLICATIONS, BY_KEY, PUBLICITY, REGISTERS

READ = action_rule(Action.VIEW)
WRITE = action_rule(Action.CHANGE)


def _register(key: str) -> Register:
    return BY_KEY[key]


def _record_or_404(request, register: Register, pk: int, action: str = Action.VIEW):
    return visible_or_404(selectors.record_get_visible, user=request.user, register=register, pk=pk, action=action)


def _may_write(request) -> bool:
    return can(request.user, Action.CHANGE)


@access(READ)
def home(request):
    """The registers with how many records the user sees in each."""
    counts = selectors.counts_visible(user=request.user)
    rows = [(r, counts[r.key]) for r in REGISTERS]
    return render(request, "registers/home.html", {"rows": rows, "may_write": _may_write(request)})


@access(READ)
def record_list(request, register: str):
    reg = _register(register)
    lst = list_page(request, selectors.record_list_visible(user=request.user, register=reg), SPECS[reg.key])
    if isinstance(lst, HttpResponse):
        return lst
    rows = [(obj, [c.value(obj) for c in reg.list_columns]) for obj in lst.rows]
    return render(request, "registers/list.html", {"reg": reg, "lst": lst, "rows": rows,
                                                   "may_write": _may_write(request)})


def _detail_fields(reg: Register, obj) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for col in reg.columns:
        mf = reg.model._meta.get_field(col.name)
        value = cell_of(reg, obj, col)
        if col.kind == ENTITY:
            out.append((str(mf.verbose_name).capitalize(), f"{obj.entity.name}（{obj.entity.uscc}）"))
            continue
        out.append((str(mf.verbose_name).capitalize(), value))
    return out


@access(READ)
def record_detail(request, register: str, pk: int):
    reg = _register(register)
    obj = _record_or_404(request, reg, pk)
    may_change = services.may_change_at(request.user, obj.unit_id)
    context = {"reg": reg, "obj": obj, "fields": _detail_fields(reg, obj), "may_change": may_change}
    if reg is APPLICATIONS:
        context.update(next_step=NEXT_STEP.get(obj.stage), decided=obj.stage == AwardStage.DECIDED,
                       stages=AwardStage, decide_form=DecideForm(initial={"version": obj.version}))
    if reg.key == "publicity":
        context["evidence"] = services.publicity_evidence(obj)
    if reg.key == "rounds":
        context["applications"] = obj.applications.select_related("entity").order_by("entity__name")
    return render(request, "registers/detail.html", context)


@access(WRITE)
def record_edit(request, register: str, pk: int | None = None):
    """Create a record (no `pk`) or change one, in a unit where the user keeps records."""
    reg = _register(register)
    obj = _record_or_404(request, reg, pk, Action.CHANGE) if pk is not None else None
    units = selectors.units_for_change(request.user)
    related = {"round": selectors.rounds_visible(user=request.user)}
    if obj is not None:
        initial = {c.name: getattr(obj, c.name) for c in reg.form_columns}
        for c in reg.form_columns:
            if c.kind == ENTITY:
                initial[c.name] = obj.entity.uscc
        initial.update(unit=obj.unit_id, version=obj.version)
    else:
        initial = {"unit": request.user.unit_id if units.filter(pk=request.user.unit_id).exists() else None}
    form = RecordForm(reg, request.POST or None, initial=initial, units=units, related=related)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.record_save(actor=request.user, register=reg, values=form.values(reg),
                                       unit=form.cleaned_data["unit"], record=obj,
                                       version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"registers:{reg.key}_detail", pk=obj.pk)
    cancel = (f"registers:{reg.key}_detail", obj.pk) if obj is not None else (f"registers:{reg.key}_list", None)
    return render(request, "registers/form.html", {"reg": reg, "obj": obj, "form": form, "cancel": cancel},
                  status=400 if form.errors else 200)


@access(WRITE)
def record_delete(request, register: str, pk: int):
    """Confirm (GET) and delete (POST) a record."""
    reg = _register(register)
    obj = _record_or_404(request, reg, pk, Action.CHANGE)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_delete(actor=request.user, register=reg, record=obj, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect(f"registers:{reg.key}_detail", pk=obj.pk)
        messages.success(request, _("Deleted."))
        return redirect(f"registers:{reg.key}_list")
    return render(request, "registers/delete.html", {"reg": reg, "obj": obj, "form": form})


@access(READ)
def import_template(request, register: str):
    """The .xlsx template of the register's import (headings and a sheet of instructions)."""
    reg = _register(register)
    return download(xlsx_bytes(template_sheets(reg)), f"{reg.filename}导入模板.xlsx", XLSX_MIME)


@access(WRITE)
def record_import(request, register: str):
    """Upload a file and see the dry run: every row that would be created or updated, or every problem
    with its row and column; then confirm to import it all (nothing is written before)."""
    reg = _register(register)

    def check(data, name, unit):
        return services.import_plan(actor=request.user, register=reg, data=data, filename=name, unit=unit)

    def commit(data, name, unit, sha256):
        return services.records_import(actor=request.user, register=reg, data=data, filename=name, unit=unit,
                                       sha256=sha256)

    page = import_flow(request, units=selectors.units_for_change(request.user), check=check, commit=commit)
    if page.imported is not None:
        messages.success(request, _("Imported: %(created)d new, %(updated)d updated.")
                         % {"created": len(page.imported.created), "updated": len(page.imported.updated)})
        return redirect(f"registers:{reg.key}_list")
    if "plan" in page.context:
        page.context["preview"] = preview_rows(page.context["plan"], lambda obj: [cell_of(reg, obj, c) for c in reg.columns])
    return render(request, "registers/import.html", {"reg": reg, **page.context}, status=page.status)


@access(WRITE)
def application_advance(request, pk: int):
    """Move an award application on to its next review stage (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obj = _record_or_404(request, APPLICATIONS, pk, Action.CHANGE)
    try:
        services.application_advance(actor=request.user, application=obj,
                                     version=_int(request.POST.get("version")))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Moved to the next stage."))
    return redirect("registers:awards_detail", pk=obj.pk)


@access(WRITE)
def application_decide(request, pk: int):
    """Record an award application's decision (POST from the application's page)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obj = _record_or_404(request, APPLICATIONS, pk, Action.CHANGE)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.application_decide(actor=request.user, application=obj, result=form.cleaned_data["result"],
                                        decided_on=form.cleaned_data["decided_on"],
                                        reward=form.cleaned_data.get("reward"),
                                        version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Choose the result and enter the day of the decision."))
    return redirect("registers:awards_detail", pk=obj.pk)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None



@access(WRITE)
def publicity_evidence_add(request, pk: int):
    """Upload a file as evidence of a publicity item (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obj = _record_or_404(request, PUBLICITY, pk, Action.CHANGE)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.publicity_evidence_add(actor=request.user, item=obj, checked=check_upload(upload))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Evidence added."))
    return redirect("registers:publicity_detail", pk=obj.pk)


@access(READ)
def publicity_evidence(request, pk: int, file_pk: int):
    """Download one evidence file of a publicity item the user may see."""
    obj = _record_or_404(request, PUBLICITY, pk)
    found = next((a for a in services.publicity_evidence(obj) if a.pk == file_pk), None)
    if found is None:
        raise Http404
    return attachment_response(found)
