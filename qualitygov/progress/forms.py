"""Forms of the progress pages. They check shape only; services decide what is allowed."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.widgets import DateInput

from .choices import FindingSource

TEXTAREA = {"class": "form-control", "rows": 3}
MILESTONE_LINE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*[,，、:：\s]\s*(.+?)\s*$")


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


def parse_milestones(text: str) -> list[tuple[str, dt.date]]:
    """One milestone a line, "2026-06-30 完成方案" (also 2026年6月30日：完成方案); ValidationError names the line."""
    out: list[tuple[str, dt.date]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        found = MILESTONE_LINE.match(line)
        try:
            if not found:
                raise ValueError
            due = dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)d: write a date and a title, e.g. “2026-06-30 Plan drafted”.") % {"n": number}
            ) from None
        out.append((found.group(4)[:300], due))
    return out


class VersionField(forms.IntegerField):
    """The version of the record the form was shown with (hidden); the service refuses a stale save."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class WorkItemForm(forms.Form):
    """A work item: task, lead and co units, deliverable, dates and milestones."""

    task = forms.ModelChoiceField(label=_("Task"), queryset=None, widget=forms.Select(attrs={"class": "form-select"}))
    all_towns = forms.BooleanField(
        label=_("One item for every town (the task is given to all towns)"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    lead_unit = UnitField(label=_("Lead unit"), queryset=None, required=False,
                          widget=forms.Select(attrs={"class": "form-select"}))
    co_units = UnitsField(label=_("Co-operating units"), queryset=None, required=False,
                          widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}))
    title = forms.CharField(label=_("Deliverable"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    milestones = forms.CharField(
        label=_("Milestones"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One a line: a date and a title, e.g. “2026-06-30 Plan drafted”."),
    )
    version = VersionField()

    def __init__(self, *args, tasks, lead_units, co_units, allow_all_towns: bool = False,
                 editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["lead_unit"].queryset = lead_units
        self.fields["co_units"].queryset = co_units
        if not allow_all_towns:
            del self.fields["all_towns"]
        if editing:
            del self.fields["task"]
            del self.fields["milestones"]
        else:
            del self.fields["version"]

    def clean_milestones(self) -> list[tuple[str, dt.date]]:
        return parse_milestones(self.cleaned_data.get("milestones", ""))

    def clean(self):
        data = super().clean()
        if not data.get("all_towns") and not data.get("lead_unit") and "lead_unit" in self.fields:
            self.add_error("lead_unit", _("Choose the lead unit."))
        if data.get("all_towns") and data.get("task") is not None and not data["task"].all_towns:
            self.add_error("all_towns", _("This task is not given to all towns."))
        return data


class DecisionForm(forms.Form):
    """Approve or send back, with a note (required when sending back)."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["decision"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("decision") in {"reject", "return"} and not (data.get("note") or "").strip():
            self.add_error("note", _("Give a reason."))
        return data


class EvidenceMixin(forms.Form):
    evidence = forms.FileField(
        label=_("Evidence file"), required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                               "accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.txt,.csv"}),
        help_text=_("PDF, image, Word, Excel, PowerPoint, text or CSV, up to 20 MB."),
    )


class PartForm(EvidenceMixin):
    """A co unit's part of a report."""

    done_text = forms.CharField(label=_("Work done"), required=False, widget=forms.Textarea(attrs={**TEXTAREA, "rows": 5}))
    problems = forms.CharField(label=_("Problems"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    version = VersionField()
    field_order = ["done_text", "problems", "next_steps", "evidence"]


class ReportForm(PartForm):
    """The lead unit's consolidated report."""

    progress_pct = forms.DecimalField(
        label=_("Progress (%)"), required=False, min_value=0, max_value=100, decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": 0, "max": 100}),
    )
    field_order = ["progress_pct", "done_text", "problems", "next_steps", "evidence"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA),
                             error_messages={"required": _("Give a reason.")})


class ExtensionForm(forms.Form):
    requested_due_date = forms.DateField(label=_("Requested new due date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA),
                             error_messages={"required": _("Give the reason for the extension.")})


class FindingForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=FindingSource.choices,
                               widget=forms.Select(attrs={"class": "form-select"}))
    title = forms.CharField(label=_("Problem"), max_length=300, widget=forms.TextInput(attrs={"class": "form-control"}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    unit = UnitField(label=_("Responsible unit"), queryset=None, widget=forms.Select(attrs={"class": "form-select"}))
    task = forms.ModelChoiceField(label=_("Task"), queryset=None, required=False,
                                  widget=forms.Select(attrs={"class": "form-select"}))
    found_on = forms.DateField(label=_("Found on"), required=False, widget=DateInput())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DateInput())

    def __init__(self, *args, units, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["task"].queryset = tasks


class RectificationForm(EvidenceMixin):
    text = forms.CharField(widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}))
    version = VersionField()
    field_order = ["text", "evidence"]

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("verify", _("Verified: close out")),
                                                               ("reject", _("Not rectified: send back"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("Give a reason."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA),
                             error_messages={"required": _("Give a reason.")})
    deadline = forms.DateField(label=_("New rectification deadline"), required=False, widget=DateInput())


class TaskRollupForm(forms.Form):
    """The office's choice of how a task's light follows from its work items' lights, from a date."""

    task_rollup = forms.ChoiceField(label=_("Roll-up rule"), choices=[
        ("worst", _("Worst work item: one red item makes the task red")),
        ("share", _("Share of work items: red or yellow once enough of them are")),
    ], widget=forms.Select(attrs={"class": "form-select"}))
    task_red_share = forms.IntegerField(
        label=_("Red from this share of red work items (%)"), min_value=1, max_value=100, initial=50,
        help_text=_("Only for the share rule. Work items with nothing reported yet do not count."),
        widget=forms.NumberInput(attrs={"class": "form-control"}))
    task_yellow_share = forms.IntegerField(
        label=_("Yellow from this share of red or yellow work items (%)"), min_value=1, max_value=100, initial=30,
        widget=forms.NumberInput(attrs={"class": "form-control"}))
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    legal_basis = forms.CharField(label=_("Basis (e.g. the office's decision)"), required=False, max_length=300,
                                  widget=forms.TextInput(attrs={"class": "form-control"}))
