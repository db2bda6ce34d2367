"""Importing a scoring table (评分细则, .xlsx/.docx): upload, review with corrections, confirm or cancel.

Office holding the whole district only (404 for anyone else). The pending parse lives in the
user's server-side session (the database session store), not in a model: it is small (a few
hundred rows of text), belongs to one person's one import, survives a reload or a second tab of
the review page, and disappears with the session or on confirm/cancel, leaving nothing to clean
up. One table is pending per session: a new upload replaces it. Confirming writes one draft `AssessmentScheme` through `services.scheme_import` (the document
validated by the engine): all or nothing, and only when no row has an open problem.
"""

from __future__ import annotations

import hashlib
import json
import os

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.core.access import access, action_rule
from qualitygov.core.errors import ServiceError
from qualitygov.core.permissions import Action
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error

from . import services
from .choices import METHOD_LABELS
from .rules_import import (
    BONUS,
    GROUP,
    ITEM,
    ROW_METHODS,
    VETO,
    ParsedRules,
    RulesFileError,
    build_document,
    leaf_count,
    parse_rules,
    row_problems,
)

SESSION_KEY = "assessments.rules_import"
RULES_EXTENSIONS = (".xlsx", ".docx")
RULES_MAX_BYTES = 10 * 1024 * 1024
#: The pending parse kept in the session is refused above this size (a real table is a few tens of KB).
PENDING_MAX_BYTES = 1024 * 1024
KIND_LABELS = {GROUP: gettext_lazy("Group"), ITEM: gettext_lazy("Item"), BONUS: gettext_lazy("Bonus item"),
               VETO: gettext_lazy("Veto")}


class RulesUploadForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    title = forms.CharField(label=gettext_lazy("Scheme title"), max_length=300, required=False,
                            help_text=gettext_lazy("Empty: the title above the table, else the file name."),
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    file = forms.FileField(label=gettext_lazy("Scoring table (Excel .xlsx or Word .docx)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.docx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


def _office_or_404(request) -> None:
    if not services.may_manage(request.user):
        raise Http404


def parse_upload(uploaded) -> tuple[str, ParsedRules]:
    """Check an uploaded scoring table through the upload gate and parse it; ServiceError (field `file`)."""
    checked = check_upload(uploaded, allowed=RULES_EXTENSIONS, max_bytes=RULES_MAX_BYTES)
    try:
        parsed = parse_rules(checked.name, checked.data)
    except RulesFileError as exc:
        raise ServiceError(exc.message, fields={"file": [exc.message]}) from None
    if len(json.dumps(parsed.to_json(), ensure_ascii=False).encode("utf-8")) > PENDING_MAX_BYTES:
        message = _("The table holds more text than a scoring table can: split it or shorten the cells.")
        raise ServiceError(message, fields={"file": [message]})
    return checked.name, parsed


def document_text(parsed: ParsedRules, *, year: int, title: str, source: str) -> str:
    """The exchange-format JSON of a parse; its id names the year and the file's rows, so importing the
    same table again makes a new version of the same scheme."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]
    document = build_document(parsed, key=f"rules-{year}-{digest}", title=title)
    return json.dumps(document, ensure_ascii=False, indent=1)


@access(action_rule(Action.MANAGE))
def rules_upload(request):
    """Upload a 评分细则 table; a readable one goes to the review, anything else is refused here."""
    _office_or_404(request)
    form = RulesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            name, parsed = parse_upload(form.cleaned_data["file"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            title = form.cleaned_data["title"].strip() or parsed.title or os.path.splitext(name)[0]
            request.session[SESSION_KEY] = {"parsed": parsed.to_json(), "name": name,
                                            "year": form.cleaned_data["year"], "title": title[:300]}
            return redirect("assessments:rules_review")
    return render(request, "assessments/rules_upload.html", {"form": form}, status=400 if form.errors else 200)


def _apply_corrections(parsed: ParsedRules, post) -> None:
    """The office's edits of each row: name, max, method, skip (fields `<i>-name` … `<i>-skip`)."""
    for i, row in enumerate(parsed.rows):
        if f"{i}-name" not in post:
            continue  # a row the form did not show: unchanged
        row.name = post.get(f"{i}-name", "").strip()[:300]
        if f"{i}-max" in post:
            row.max_text = post.get(f"{i}-max", "").strip()[:40]
        method = post.get(f"{i}-method")
        if method in ROW_METHODS:
            row.method = method
        row.skip = post.get(f"{i}-skip") == "on"


def _review_rows(parsed: ParsedRules, problems: dict[int, list[str]]) -> list[dict]:
    parents = {r.parent for r in parsed.rows}
    return [{"i": i, "row": r, "kind": KIND_LABELS[r.kind], "problems": problems.get(i, []),
             "leafy": r.kind in (ITEM, BONUS) and i not in parents}
            for i, r in enumerate(parsed.rows)]


@access(action_rule(Action.MANAGE))
def rules_review(request):
    """The parsed rows with their problems; POST saves corrections, or (`confirm`) writes the draft scheme."""
    _office_or_404(request)
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.info(request, _("No scoring table is waiting for review: upload one."))
        return redirect("assessments:rules_upload")
    parsed = ParsedRules.from_json(pending["parsed"])
    error = ""
    status = 200
    if request.method == "POST":
        _apply_corrections(parsed, request.POST)
        title = request.POST.get("title", "").strip()[:300]
        if title:
            pending["title"] = title
        pending["parsed"] = parsed.to_json()
        request.session[SESSION_KEY] = pending
        problems = row_problems(parsed)
        if "confirm" in request.POST:
            if problems:
                error, status = _("Fix or skip every row with a problem before importing."), 400
            elif not leaf_count(parsed):
                error, status = _("No scored item is left to import."), 400
            else:
                text = document_text(parsed, year=pending["year"], title=pending["title"],
                                     source=pending["name"] + json.dumps(pending["parsed"]["columns"]))
                try:
                    scheme = services.scheme_import(actor=request.user, text=text, year=pending["year"],
                                                    source_name=pending["name"])
                except ServiceError as exc:
                    error, status = exc.message, 400
                else:
                    del request.session[SESSION_KEY]
                    messages.success(request, _("Imported as a draft: check it, then publish."))
                    return redirect("assessments:scheme", pk=scheme.pk)
        else:
            messages.success(request, _("Corrections saved."))
            return redirect("assessments:rules_review")
    problems = row_problems(parsed)
    return render(request, "assessments/rules_review.html", {
        "pending": pending, "parsed": parsed, "rows": _review_rows(parsed, problems),
        "problem_count": sum(len(p) for p in problems.values()), "leaves": leaf_count(parsed), "error": error,
        "methods": [(m, METHOD_LABELS[m]) for m in ROW_METHODS],
    }, status=status)


@access(action_rule(Action.MANAGE))
def rules_cancel(request):
    """Drop the pending table (POST); nothing was written."""
    _office_or_404(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("The scoring table import was cancelled; nothing was saved."))
    return redirect("assessments:schemes")
