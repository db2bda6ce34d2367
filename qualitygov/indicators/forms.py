"""Forms of the indicator screens: they check shape; the services decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.errors import ServiceError
from qualitygov.core.uploads import check_upload
from qualitygov.core.views_helpers import apply_service_error

from .choices import (
    Aggregation,
    Comparator,
    DataSource,
    Frequency,
    IndicatorScope,
    IndicatorState,
    Light,
    Nature,
    Origin,
)
from .io import window_choices
from .models import Indicator

VALUE_FIELD = {"max_digits": 18, "decimal_places": 4}


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    scope = forms.ChoiceField(label=gettext_lazy("Where stated"), required=False)
    plan = forms.TypedChoiceField(label=gettext_lazy("Plan"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=gettext_lazy("Responsible unit"), required=False, coerce=int,
                                  empty_value=None)
    light = forms.ChoiceField(label=gettext_lazy("Light"), required=False)
    origin = forms.ChoiceField(label=gettext_lazy("Origin"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("Indicator state"), required=False)

    def __init__(self, data=None, *, plans=(), units=()):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["origin"].choices = everything + list(Origin.choices)
        # Retired indicators stay off the dashboard unless asked for.
        self.fields["state"].choices = [*IndicatorState.choices, ("all", _("All"))]
        self.fields["scope"].choices = everything + list(IndicatorScope.choices)
        self.fields["plan"].choices = everything + [(p.pk, p.title) for p in plans]
        self.fields["unit"].choices = everything + [(u.pk, u.label) for u in units]
        self.fields["light"].choices = everything + list(Light.choices)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"


class ObservationEntryForm(forms.Form):
    """One value for one period and unit (and town), with an optional comment and evidence file."""

    value = forms.DecimalField(label=gettext_lazy("Value"), **VALUE_FIELD,
                               error_messages={"invalid": gettext_lazy("Enter a number."),
                                               "required": gettext_lazy("Enter the value.")})
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=gettext_lazy("Evidence file"), required=False,
                               help_text=gettext_lazy("PDF, image, Office document or text; at most 20 MB."))
    #: The version of the value the form was shown with (0: none yet); a stale save is refused.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, indicator: Indicator, previous: Decimal | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator, self.previous = indicator, previous
        self.checked_evidence = None
        self.fields["value"].widget.attrs.update({"class": "form-control", "inputmode": "decimal"})
        if indicator.unit:
            self.fields["value"].label = f"{_('Value')}（{indicator.unit}）"
        self.fields["comment"].widget.attrs["class"] = "form-control"
        self.fields["evidence"].widget.attrs["class"] = "form-control"

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            try:
                self.checked_evidence = check_upload(upload)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload

    def clean(self):
        """The engine's entry check: a number in range, and a comment for a change beyond the factor."""
        from .services import observation_value_check

        data = super().clean()
        value = data.get("value")
        if value is not None:
            try:
                observation_value_check(indicator=self.indicator, value=value, comment=data.get("comment") or "",
                                        previous=self.previous)
            except ServiceError as exc:
                if exc.code == "comment_required":
                    self.add_error("comment", exc.message)
                else:
                    apply_service_error(self, exc, default_field="value")
        return data


class ReasonForm(forms.Form):
    """The reason for returning a submitted value (its one error shows under the field)."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             error_messages={"required": gettext_lazy("Give the reason for returning the value.")})


class ChangeRequestForm(forms.Form):
    new_value = forms.DecimalField(label=gettext_lazy("Corrected value"), **VALUE_FIELD,
                                   widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
                                   error_messages={"invalid": gettext_lazy("Enter a number.")})
    reason = forms.CharField(label=gettext_lazy("Reason for the correction"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             error_messages={"required": gettext_lazy("Give a reason.")})

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_new_value(self):
        from .services import check_limits

        value = self.cleaned_data["new_value"]
        try:
            check_limits(self.indicator, value, field="new_value")
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from exc
        return value


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class TemplateForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Reporting period"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = window_choices(today)
        self.fields["period"].widget.attrs["class"] = "form-select"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
                           error_messages={"required": gettext_lazy("Choose the workbook to upload.")})


class IndicatorForm(forms.Form):
    """The definition of an indicator; a change of target (final or interim) needs a reason."""

    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    unit = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=30, required=False)
    comparator = forms.ChoiceField(label=gettext_lazy("Comparator"), choices=Comparator.choices)
    nature = forms.ChoiceField(label=gettext_lazy("Nature"), choices=Nature.choices)
    baseline_year = forms.IntegerField(label=gettext_lazy("Baseline year"), required=False, min_value=1990,
                                       max_value=2100)
    baseline_value = forms.DecimalField(label=gettext_lazy("Baseline value"), required=False, **VALUE_FIELD)
    target_value = forms.DecimalField(label=gettext_lazy("Target value"), **VALUE_FIELD)
    target_year = forms.IntegerField(label=gettext_lazy("Target year"), required=False, min_value=1990,
                                     max_value=2100)
    frequency = forms.ChoiceField(label=gettext_lazy("Reporting frequency"), choices=Frequency.choices)
    aggregation = forms.ChoiceField(label=gettext_lazy("How periods combine"), choices=Aggregation.choices)
    data_source = forms.ChoiceField(label=gettext_lazy("Data source"), choices=DataSource.choices)
    formula = forms.CharField(
        label=gettext_lazy("Formula"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "data-formula-input": "formula"}),
        help_text=gettext_lazy("For a value computed from platform data: measures from the list below combined "
                               "with + - * / and parentheses, a category in square brackets, e.g. "
                               "<code>1 - feeds.sampling.failed[食品] / feeds.sampling.batches[食品]</code>."))
    reference_formula = forms.CharField(
        label=gettext_lazy("Reference figure"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 1, "spellcheck": "false", "data-formula-input": "reference"}),
        help_text=gettext_lazy("Shown on the indicator page for reference only, e.g. <code>sampling.pass_rate</code> beside a "
                               "national statistic; it never replaces this indicator's values."))
    by_town = forms.BooleanField(label=gettext_lazy("Broken down by town"), required=False)
    lead_units = forms.ModelMultipleChoiceField(label=gettext_lazy("Lead units"), queryset=OrgUnit.objects.none(),
                                                required=False,
                                                help_text=gettext_lazy("Hold Ctrl (⌘ on a Mac) to choose several."))
    co_units = forms.ModelMultipleChoiceField(label=gettext_lazy("Co-operating units"),
                                              queryset=OrgUnit.objects.none(), required=False)
    plausible_min = forms.DecimalField(label=gettext_lazy("Lowest plausible value"), required=False, **VALUE_FIELD,
                                       help_text=gettext_lazy("Values below are refused, e.g. 0 for an output."))
    plausible_max = forms.DecimalField(label=gettext_lazy("Highest plausible value"), required=False, **VALUE_FIELD,
                                       help_text=gettext_lazy("Values above are refused."))
    change_limit_pct = forms.DecimalField(
        label=gettext_lazy("Change needing an explanation (%)"), required=False, min_value=0, max_digits=8,
        decimal_places=2, help_text=gettext_lazy("A value more than this percentage above or below the previous "
                                                 "one needs an explanation; empty: the status rules' setting."))
    due_days = forms.IntegerField(label=gettext_lazy("Report window (working days after the period ends)"),
                                  required=False, min_value=0, max_value=250,
                                  help_text=gettext_lazy("Counted in working days on the working-day calendar: "
                                                         "holidays are skipped, make-up working days count."))
    grace_days = forms.IntegerField(label=gettext_lazy("Grace (working days after the due date)"), required=False,
                                    min_value=0, max_value=250,
                                    help_text=gettext_lazy("A value submitted within these working days after the "
                                                           "due date still counts as on time."))
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Required when a target changes."))
    decision = forms.CharField(label=gettext_lazy("Decision the targets rest on"), required=False, max_length=300,
                               help_text=gettext_lazy("E.g. the meeting or document that set them; required when a "
                                                      "target by year changes."))
    #: The version of the indicator the form was shown with; a stale save is refused.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    FIELDS = ("code", "name", "unit", "comparator", "nature", "baseline_year", "baseline_value", "target_value",
              "target_year", "frequency", "aggregation", "data_source", "formula", "reference_formula", "by_town",
              "plausible_min", "plausible_max", "change_limit_pct", "due_days", "grace_days")
    #: Left empty, these keep their stored value.
    KEEP_WHEN_EMPTY = ("due_days", "grace_days")

    def __init__(self, *args, indicator: Indicator, years: list[int], targets: dict[int, Decimal],
                 roles: dict[int, str], **kwargs):
        initial = {name: getattr(indicator, name) for name in self.FIELDS}
        initial.update({f"target_{year}": targets.get(year) for year in years})
        initial["lead_units"] = [pk for pk, role in roles.items() if role == "lead"]
        initial["co_units"] = [pk for pk, role in roles.items() if role != "lead"]
        initial["version"] = indicator.version
        super().__init__(*args, initial=initial, **kwargs)
        self.indicator, self.years, self.targets, self.roles = indicator, years, targets, roles
        for name in ("lead_units", "co_units"):
            self.fields[name].queryset = OrgUnit.objects.filter(is_active=True).order_by("sort_order", "path")
            self.fields[name].label_from_instance = lambda unit: unit.label
            self.fields[name].widget.attrs["size"] = 8
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=_("Target for %(year)s") % {"year": year}, required=False, **VALUE_FIELD)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def changed_fields(self) -> dict:
        """Definition fields whose value differs from the stored one."""
        return {name: self.cleaned_data[name] for name in self.FIELDS
                if self.cleaned_data.get(name) != getattr(self.indicator, name)
                and not (name in self.KEEP_WHEN_EMPTY and self.cleaned_data.get(name) is None)}

    def new_targets(self) -> dict[int, Decimal] | None:
        """The interim targets as entered, or None when they are unchanged."""
        entered = {year: self.cleaned_data[f"target_{year}"] for year in self.years
                   if self.cleaned_data.get(f"target_{year}") is not None}
        return None if entered == {y: v for y, v in self.targets.items() if y in self.years} else entered

    def new_roles(self) -> list[tuple[OrgUnit, str]] | None:
        """[(unit, "lead" | "co")] as chosen, or None when unchanged."""
        chosen = [(u, "lead") for u in self.cleaned_data["lead_units"]]
        chosen += [(u, "co") for u in self.cleaned_data["co_units"] if u not in self.cleaned_data["lead_units"]]
        return None if {u.pk: r for u, r in chosen} == self.roles else chosen

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        target_changed = ("target_value" in self.changed_fields() or "target_year" in self.changed_fields()
                          or self.new_targets() is not None)
        if target_changed and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A target changed: give the reason for the change."))
        if self.new_targets() is not None and not (data.get("decision") or "").strip():
            self.add_error("decision", _("A target by year changed: name the decision it rests on."))
        return data


class IndicatorCreateForm(IndicatorForm):
    """A new indicator the plan text does not state (自设指标): the edit form's fields, the plan it belongs
    to, the data source's computing function, and a target for each of the plan's years."""

    plan = forms.TypedChoiceField(label=gettext_lazy("Plan"), coerce=int)
    computed_by = forms.CharField(label=gettext_lazy("Computing function"), required=False, max_length=100,
                                  help_text=gettext_lazy("Only for a value computed from platform data."))

    def __init__(self, *args, plans, years: list[int], **kwargs):
        super().__init__(*args, indicator=Indicator(), years=years, targets={}, roles={}, **kwargs)
        for name in ("reason", "version"):
            del self.fields[name]
        self.fields["plan"].choices = [(p.pk, p.title) for p in plans]
        self.fields["plan"].widget.attrs["class"] = "form-select"
        self.fields["computed_by"].widget.attrs["class"] = "form-control"
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Left empty: the next free code Z01, Z02….")
        self.fields["target_value"].required = False
        self.fields["target_value"].label = _("Final target value")
        self.fields["target_value"].help_text = _("Left empty: the target of the last year given below.")
        self.fields["decision"].help_text = _("E.g. the meeting or document that set this indicator.")
        for name in self.KEEP_WHEN_EMPTY:
            self.initial[name] = Indicator._meta.get_field(name).default
        for name in ("code", "name", "unit", "target_value", "target_year", "baseline_year", "baseline_value",
                     "plausible_min", "plausible_max", "change_limit_pct"):
            self.initial[name] = None if name not in ("code", "name", "unit") else ""
        self.order_fields(["plan", "code", "name", "unit", "comparator", "nature", "baseline_year", "baseline_value",
                           "target_value", "target_year", *(f"target_{year}" for year in years), "decision",
                           "frequency", "aggregation", "data_source", "computed_by", "formula", "reference_formula",
                           "by_town", "lead_units",
                           "co_units", "plausible_min", "plausible_max", "change_limit_pct", "due_days",
                           "grace_days"])

    def create_arguments(self) -> dict:
        """The keyword arguments of `indicator_create` from the cleaned form."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in (*self.FIELDS, "computed_by") if data.get(name) not in (None, "")}
        fields.pop("by_town", None)
        fields["by_town"] = bool(data.get("by_town"))
        units = [(u, "lead") for u in data["lead_units"]]
        units += [(u, "co") for u in data["co_units"] if u not in data["lead_units"]]
        return {**fields, "name": data.get("name") or "", "comparator": data.get("comparator") or "",
                "target_value": data.get("target_value"), "decision": data.get("decision") or "",
                "targets": self.new_targets() or {}, "units": units}

    def clean(self):
        return forms.Form.clean(self)


class StateForm(forms.Form):
    """Retire or reinstate an indicator, with the reason."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             error_messages={"required": gettext_lazy("Give the reason.")})
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
