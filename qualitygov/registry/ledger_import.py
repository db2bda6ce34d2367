"""The import page of a ledger kept against the directory's firms (a register, the one-stop window): upload a
file, see the dry run (every row that would be created or updated, or every problem with its row and
column), then confirm to import it all. Nothing is written before the confirmation, and the confirmed
bytes pass the same upload gate again (they come back from the browser).

The ledger brings two callables: `check(data, filename, unit) -> plan` (the dry run, writes nothing) and
`commit(data, filename, unit, sha256) -> plan` (all or nothing; ServiceError with `fields["file"]`
listing the problems). A plan has `created` and `updated` lists of `(line, record)`, `errors` and `ok`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.core.errors import ServiceError
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error

from .ledgers import MAX_IMPORT_BYTES


class _UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"), widget=forms.ClearableFileInput(
        attrs={"class": "form-control", "accept": ".xlsx,.csv"}))
    unit = _UnitField(queryset=None, label=gettext_lazy("Keeping unit of new records"),
                      widget=forms.Select(attrs={"class": "form-select"}), empty_label=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class LedgerConfirmForm(forms.Form):
    data = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    unit = forms.IntegerField(widget=forms.HiddenInput)


@dataclass
class ImportPage:
    """What the view renders (`context`, `status`), or `imported`: the committed plan (redirect then)."""

    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    imported: Any = None


def _checked(upload) -> tuple[str, bytes]:
    checked = check_upload(upload, allowed=(".xlsx", ".csv"), max_bytes=MAX_IMPORT_BYTES)
    return checked.name, checked.data


def import_flow(request, *, units, check: Callable[..., Any], commit: Callable[..., Any]) -> ImportPage:
    """Run the page's POST (dry run or confirmation) or build its empty form; `units`: where the user may
    keep new records (a unit outside them in a confirmation answers 404)."""
    form = LedgerUploadForm(request.POST or None, request.FILES or None, units=units,
                            initial={"unit": request.user.unit_id})
    page = ImportPage(context={"form": form})
    if request.method == "POST" and "confirm" in request.POST:
        confirm = LedgerConfirmForm(request.POST)
        unit = units.filter(pk=confirm.data.get("unit")).first() if confirm.is_valid() else None
        if unit is None:
            raise Http404
        try:
            data = base64.b64decode(confirm.cleaned_data["data"], validate=True)
        except (binascii.Error, ValueError):
            raise Http404 from None
        try:
            name, data = _checked(SimpleUploadedFile(confirm.cleaned_data["filename"], data))
            page.imported = commit(data, name, unit, hashlib.sha256(data).hexdigest())
        except ServiceError as exc:
            page.context["errors"] = exc.fields.get("file") or [exc.message]
            page.status = 400
        return page
    if request.method == "POST" and form.is_valid():
        try:
            name, data = _checked(form.cleaned_data["file"])
            plan = check(data, name, form.cleaned_data["unit"])
        except ServiceError as exc:
            apply_service_error(form, exc, default_field="file")
        else:
            page.context.update(plan=plan, checked_name=name)
            if plan.ok:
                page.context["confirm"] = LedgerConfirmForm(initial={
                    "data": base64.b64encode(data).decode(), "filename": name, "unit": form.cleaned_data["unit"].pk})
            else:
                page.context["errors"] = plan.errors
    page.status = 400 if form.errors or page.context.get("errors") else 200
    return page


def preview_rows(plan, cells: Callable[[Any], list], limit: int = 200) -> list[tuple[int, str, list]]:
    """The dry run's rows in file order for the page: (line, "new"/"update", cells of the record)."""
    rows = [(line, _("update"), obj) for line, obj in plan.updated] + [(line, _("new"), obj) for line, obj in plan.created]
    rows.sort(key=lambda r: r[0])
    return [(line, what, cells(obj)) for line, what, obj in rows[:limit]]
