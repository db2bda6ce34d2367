"""Forms of the work plan pages: upload, review corrections, a key point's assignment, a roll-over decision."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.widgets import DateInput
from qualitygov.plans.models import Plan, Task

from .choices import RollOverOutcome

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
ACCEPT = ".xlsx,.docx,.txt"
ALLOWED = (".xlsx", ".docx", ".txt")


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class TaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.number}. {obj.title}"


class PlanField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return obj.title


class UploadForm(forms.Form):
    plan = PlanField(label=_("Plan"), queryset=None, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    file = forms.FileField(label=_("Key points file"), widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ACCEPT}),
                           help_text=_("Excel (.xlsx), Word (.docx) or text (.txt): numbered key points, each with "
                                       "牵头单位, 配合单位 and 完成时限."))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["year"].initial = timezone.localdate().year
        first = plans.first()
        if first is not None:
            self.fields["plan"].initial = first.pk


class ReviewForm(forms.Form):
    """One unit choice per unknown name (`unit-<n>`), one task (`task-<i>`) and deadline (`deadline-<i>`)
    per key point."""

    def __init__(self, review, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.unit_fields = []
        for n, name in enumerate(review.unknown):
            key = f"unit-{n}"
            self.fields[key] = UnitField(label=name, queryset=units, required=False, empty_label=_("— choose —"),
                                         widget=forms.Select(attrs=SELECT))
            self.unit_fields.append((name, self[key]))
        task_ids = [t.pk for t in review.tasks]
        for point in review.points:
            self.fields[f"task-{point.index}"] = TaskField(
                label=_("Plan task"), queryset=Task.objects.filter(pk__in=task_ids).order_by("order", "pk"),
                required=False, empty_label=_("— choose —"), initial=point.task.pk if point.task else None,
                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}))
            self.fields[f"deadline-{point.index}"] = forms.DateField(
                label=_("Deadline"), required=False, initial=point.deadline,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}))

    def rows(self):
        for point in self.review.points:
            yield point, self[f"task-{point.index}"], self[f"deadline-{point.index}"]

    def corrections(self) -> dict:
        """{"units": {name: unit}, "tasks": {i: task}, "deadlines": {i: date}} of what the office changed."""
        data = self.cleaned_data
        units = {name: data[f"unit-{n}"] for n, name in enumerate(self.review.unknown) if data.get(f"unit-{n}")}
        tasks, deadlines = {}, {}
        for point in self.review.points:
            task = data.get(f"task-{point.index}")
            if task is not None and task != point.task:
                tasks[point.index] = task
            deadline = data.get(f"deadline-{point.index}")
            if deadline is not None and deadline != point.deadline:
                deadlines[point.index] = deadline
        return {"units": units, "tasks": tasks, "deadlines": deadlines}


class KeyPointForm(forms.Form):
    task = TaskField(label=_("Plan task it serves"), queryset=None, widget=forms.Select(attrs=SELECT))
    lead_unit = UnitField(label=_("Lead unit"), queryset=None, widget=forms.Select(attrs=SELECT))
    co_units = UnitsField(label=_("Co-operating units"), queryset=None, required=False,
                          widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(attrs=TEXT))

    def __init__(self, *args, tasks, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class RollOverForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=RollOverOutcome.choices,
                                widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}))
    deadline = forms.DateField(label=_("New deadline (carry only)"), required=False,
                               widget=DateInput(attrs={"class": "form-control form-control-sm"}))
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
