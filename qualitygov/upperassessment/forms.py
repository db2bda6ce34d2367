"""Forms of the upper-level assessment pages (shape only; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.widgets import DateInput

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
SCHEME_FILE_ACCEPT = ".json,.xlsx,.docx"


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class TaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.title}"


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    title = forms.CharField(label=_("Title"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("Empty: the scheme's title."))
    task = TaskField(label=_("Plan task it serves"), queryset=None, widget=forms.Select(attrs=SELECT),
                     help_text=_("The items are chased as work items under this task."))
    scheme = forms.ModelChoiceField(label=_("A stored scheme"), queryset=None, required=False,
                                    widget=forms.Select(attrs=SELECT))
    file = forms.FileField(label=_("Or a file: the exchange format (.json) or a scoring table (.xlsx, .docx)"),
                           required=False, widget=forms.ClearableFileInput(attrs={**TEXT, "accept": SCHEME_FILE_ACCEPT}))

    def __init__(self, *args, tasks, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["scheme"].queryset = schemes
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if not data.get("scheme") and not data.get("file"):
            raise forms.ValidationError(_("Choose a stored scheme or a file."))
        if data.get("scheme") and data.get("file"):
            raise forms.ValidationError(_("Choose either a stored scheme or a file, not both."))
        return data


class AssignForm(forms.Form):
    lead_unit = UnitField(label=_("Lead unit"), queryset=None, widget=forms.Select(attrs=SELECT))
    co_units = UnitsField(label=_("Co-operating units"), queryset=None, required=False,
                          widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(attrs=TEXT))
    version = VersionField()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class FillForm(forms.Form):
    self_score = forms.CharField(label=_("Proposed self-score"), max_length=20,
                                 widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    version = VersionField()


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"), help_text=_("PDF, Word, Excel, an image or text, up to 20 MB."),
                           widget=forms.ClearableFileInput(attrs=TEXT))


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("Reason for return"), max_length=500, required=False,
                           widget=forms.TextInput(attrs=TEXT))
