"""Forms of the plan import: the upload and the review (corrections to the parsed plan)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.choices import OrgUnitKind
from qualitygov.core.errors import ServiceError
from qualitygov.core.widgets import DateInput
from qualitygov.indicators.choices import Comparator

from .corrections import NEW_UNIT_KINDS, Corrections, IndicatorFix, TaskFix, UnitChoice, pair_key
from .review import ImportReview, first_listed_leads_in
from .units import unit_choices

ACCEPT = ".txt,.html,.htm,.docx,.pdf"
ROLE_CHOICES = [("lead", _("Lead unit")), ("co", _("Co-operating unit")), ("remove", _("Remove"))]
COMPARATOR_CHOICES = [(Comparator.AT_LEAST, _("at least (≥)")), (Comparator.AT_MOST, _("at most (≤)")),
                      (Comparator.ABOUT, _("about (≈)")), (Comparator.EQUAL, _("reach (=)")),
                      *[(c.value, c.label) for c in Comparator if c.value not in (">=", "<=", "about", "=")]]
_NAME_SPLIT = re.compile(r"[、，,；;\s]+")


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document"),
        help_text=_("A .docx, text-layer .pdf, .txt or saved web page (.html) of the policy text. Nothing is saved until "
                    "you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )

    def clean_file(self):
        """Refuse by name and size before the file is read into memory; content is checked by the service."""
        from .services import check_name_and_size

        upload = self.cleaned_data["file"]
        try:
            check_name_and_size(upload.name, upload.size)
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


def _text(initial: str, *, label, max_length: int, required: bool = False, css: str = "form-control") -> forms.CharField:
    return forms.CharField(label=label, initial=initial, max_length=max_length, required=required,
                           widget=forms.TextInput(attrs={"class": css}))


def _same_number(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return Decimal(str(a)) == Decimal(str(b))


class ImportReviewForm(forms.Form):
    """Every correctable value of the review page, pre-filled from the effective plan.

    `corrections()` returns only what differs from the effective plan, as the `Corrections` that
    `plan_import_correct` checks and records. Names can be mapped only to units `user` manages.
    Rows for the template: `header_fields`, `task_rows`, `unit_rows`, `pair_rows`, `indicator_rows`.
    """

    def __init__(self, review: ImportReview, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        plan = review.plan
        period = plan.get("period") or [None, None]
        self.fields["title"] = _text(plan.get("title") or "", label=_("Title"), max_length=300, required=True)
        self.fields["issuer"] = _text(plan.get("issuer") or "", label=_("Issuer"), max_length=200)
        self.fields["doc_number"] = _text(plan.get("doc_number") or "", label=_("Document number"), max_length=100)
        for name, label, value in (("period_start", _("Period start"), period[0]),
                                   ("period_end", _("Period end"), period[1])):
            self.fields[name] = forms.IntegerField(label=label, initial=value, required=False, min_value=1949,
                                                   max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control"}))
        self.header_fields = [self[n] for n in ("title", "issuer", "doc_number", "period_start", "period_end")]

        self.fields["first_listed_leads"] = forms.BooleanField(
            label=_("Where a list of units says nothing about roles, the first unit leads and the others co-operate"),
            initial=first_listed_leads_in(review.plan_import.corrections), required=False,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
        self.task_rows = []
        for task in plan["tasks"]:
            key = f"t{task['number']}"
            self.fields[f"{key}-title"] = _text(task["title"], label=_("Task name"), max_length=300, required=True,
                                                css="form-control form-control-sm")
            self.fields[f"{key}-deadline"] = forms.DateField(
                label=_("Deadline"), initial=task.get("deadline"), required=False,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}))
            units = []
            for j, (role, name) in enumerate([("lead", n) for n in task["lead_departments"]]
                                             + [("co", n) for n in task["co_departments"]]):
                self.fields[f"{key}-u{j}-name"] = _text(name, label=_("Unit as written"), max_length=120,
                                                        required=False, css="form-control form-control-sm")
                self.fields[f"{key}-u{j}-role"] = forms.ChoiceField(
                    label=_("Role"), choices=ROLE_CHOICES, initial=role,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
                units.append({"name": self[f"{key}-u{j}-name"], "role": self[f"{key}-u{j}-role"],
                              "resolution": review.resolutions[name], "written": name})
            self.fields[f"{key}-add"] = _text("", label=_("Add units (separate with 、)"), max_length=600,
                                              css="form-control form-control-sm")
            self.fields[f"{key}-add"].widget.attrs["placeholder"] = _("Add units…")
            self.fields[f"{key}-add-role"] = forms.ChoiceField(
                label=_("Role of added units"), choices=ROLE_CHOICES[:2], initial="lead",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.task_rows.append({"task": task, "title": self[f"{key}-title"], "deadline": self[f"{key}-deadline"],
                                   "units": units, "add": self[f"{key}-add"], "add_role": self[f"{key}-add-role"]})

        choices = [("", _("As resolved"))]
        choices += [(f"new:{kind}", _("Create a new unit: %(kind)s") % {"kind": OrgUnitKind(kind).label})
                    for kind in NEW_UNIT_KINDS]
        choices += [("members", _("Every member unit (all departments)"))]
        choices += [(f"unit:{u.pk}", f"{u.name}" + (f"（{u.short_name}）" if u.short_name else ""))
                    for u in unit_choices(user=user)]
        mapping = (review.plan_import.corrections or {}).get("units", {})
        self.unit_rows = []
        for i, name in enumerate(review.names):
            chosen = mapping.get(name, {})
            initial = (f"unit:{chosen['unit']}" if chosen.get("unit") else f"new:{chosen['new']}" if chosen.get("new")
                       else "members" if chosen.get("members") else "")
            self.fields[f"m{i}"] = forms.ChoiceField(
                label=name, choices=choices, initial=initial, required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.unit_rows.append({"name": name, "field": self[f"m{i}"], "resolution": review.resolutions[name],
                                   "initial": initial})
        # Names still to decide come first; the rest keep the plan's order.
        self.unit_rows.sort(key=lambda row: row["resolution"].resolved)

        merges = (review.plan_import.corrections or {}).get("merges", {})
        self.pair_rows = []
        for i, pair in enumerate(review.pairs):
            self.fields[f"merge{i}"] = forms.BooleanField(
                label=_("Treat “%(a)s” and “%(b)s” as one unit") % {"a": pair[0], "b": pair[1]},
                initial=merges.get(pair_key(pair), True), required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
            self.pair_rows.append({"pair": pair, "field": self[f"merge{i}"]})

        self.indicator_rows = []
        for item in plan["indicators"]:
            key = f"i{item['index']}"
            self.fields[f"{key}-name"] = _text(item["name"], label=_("Indicator"), max_length=200, required=True,
                                               css="form-control form-control-sm")
            self.fields[f"{key}-comparator"] = forms.ChoiceField(
                label=_("Comparator"), choices=COMPARATOR_CHOICES, initial=item["comparator"],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.fields[f"{key}-value"] = forms.DecimalField(
                label=_("Target value"), initial=item["value"], max_digits=18, decimal_places=4,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}))
            self.fields[f"{key}-unit"] = _text(item.get("unit") or "", label=_("Unit of measure"), max_length=30,
                                               css="form-control form-control-sm")
            self.fields[f"{key}-year"] = forms.IntegerField(
                label=_("Target year"), initial=item.get("year"), required=False, min_value=1949, max_value=2100,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
            self.fields[f"{key}-baseline_year"] = forms.IntegerField(
                label=_("Baseline year"), initial=item.get("baseline_year"), required=False, min_value=1949,
                max_value=2100, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
            self.fields[f"{key}-delete"] = forms.BooleanField(
                label=_("Delete"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
            self.indicator_rows.append({"item": item, **{part: self[f"{key}-{part}"] for part in
                                                        ("name", "comparator", "value", "unit", "year", "baseline_year",
                                                         "delete")}})

    def corrections(self) -> Corrections:
        """What the office changed, relative to the effective plan (call after `is_valid()`)."""
        data = self.cleaned_data
        plan = self.review.plan
        out: Corrections = {}
        for name in ("title", "issuer", "doc_number"):
            if (data[name] or "") != (plan.get(name) or ""):
                out[name] = data[name]
        period = [data["period_start"], data["period_end"]]
        current = plan.get("period") or [None, None]
        if period != list(current):
            out["period"] = None if period == [None, None] else period
        if data["first_listed_leads"] != first_listed_leads_in(self.review.plan_import.corrections):
            out["first_listed_leads"] = data["first_listed_leads"]
        for row in self.task_rows:
            task = row["task"]
            key = f"t{task['number']}"
            fix: TaskFix = {}
            if data[f"{key}-title"] != task["title"]:
                fix["title"] = data[f"{key}-title"]
            deadline = data[f"{key}-deadline"]
            if (deadline.isoformat() if deadline else None) != task.get("deadline"):
                fix["deadline"] = deadline.isoformat() if deadline else None
            lead: list[str] = []
            co: list[str] = []
            for j in range(len(row["units"])):
                name = (data.get(f"{key}-u{j}-name") or "").strip()
                role = data.get(f"{key}-u{j}-role")
                if name and role in ("lead", "co"):
                    (lead if role == "lead" else co).append(name)
            for name in _NAME_SPLIT.split(data.get(f"{key}-add") or ""):
                if name:
                    (lead if data.get(f"{key}-add-role") == "lead" else co).append(name)
            if lead != task["lead_departments"] or co != task["co_departments"]:
                fix["lead"], fix["co"] = lead, co
            if fix:
                out.setdefault("tasks", {})[task["number"]] = fix
        for row in self.unit_rows:
            value = data.get(row["field"].name) or ""
            if value == row["initial"]:
                continue
            choice: UnitChoice
            if value.startswith("unit:"):
                choice = {"unit": int(value[5:])}
            elif value.startswith("new:"):
                choice = {"new": value[4:]}
            elif value == "members":
                choice = {"members": True}
            else:
                choice = {}
            out.setdefault("units", {})[row["name"]] = choice
        merges = (self.review.plan_import.corrections or {}).get("merges", {})
        for row in self.pair_rows:
            accepted = bool(data.get(row["field"].name))
            if accepted != merges.get(pair_key(row["pair"]), True):
                out.setdefault("merges", {})[pair_key(row["pair"])] = accepted
        for row in self.indicator_rows:
            item = row["item"]
            key = f"i{item['index']}"
            indicator_fix: IndicatorFix = {}
            if data.get(f"{key}-delete"):
                indicator_fix["delete"] = True
            if data[f"{key}-name"] != item["name"]:
                indicator_fix["name"] = data[f"{key}-name"]
            if data[f"{key}-comparator"] != item["comparator"]:
                indicator_fix["comparator"] = data[f"{key}-comparator"]
            if not _same_number(data[f"{key}-value"], item["value"]):
                indicator_fix["value"] = str(data[f"{key}-value"])
            if (data[f"{key}-unit"] or "") != (item.get("unit") or ""):
                indicator_fix["unit"] = data[f"{key}-unit"]
            if data[f"{key}-year"] != item.get("year"):
                indicator_fix["year"] = data[f"{key}-year"]
            if data[f"{key}-baseline_year"] != item.get("baseline_year"):
                indicator_fix["baseline_year"] = data[f"{key}-baseline_year"]
            if indicator_fix:
                out.setdefault("indicators", {})[str(item["index"])] = indicator_fix
        return out
