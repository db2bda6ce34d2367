"""Forms of the leading group's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.widgets import DateInput

from .choices import Attendance, Post

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Member name"), max_length=60, widget=forms.TextInput(attrs=TEXT))
    position = forms.CharField(label=_("Position"), max_length=100, required=False,
                               widget=forms.TextInput(attrs=TEXT), help_text=_("e.g. 区长, 局长"))
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices, widget=forms.Select(attrs=SELECT))
    unit = UnitField(label=_("Unit"), queryset=None, widget=forms.Select(attrs=SELECT))
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, widget=forms.NumberInput(attrs=TEXT))
    active = forms.BooleanField(label=_("In office"), required=False, initial=True,
                                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    version = VersionField()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Meeting title"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("e.g. 区质量强区工作领导小组2026年第一次全体会议"))
    held_on = forms.DateField(label=_("Date"), widget=DateInput(attrs=TEXT))
    location = forms.CharField(label=_("Location"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 4}))
    version = VersionField()


class AttendanceRowForm(forms.Form):
    status = forms.ChoiceField(label=_("Attendance"), choices=Attendance.choices, widget=forms.Select(attrs=SELECT))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))
    substitute = forms.CharField(label=_("Substitute"), max_length=60, required=False,
                                 widget=forms.TextInput(attrs=TEXT))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Agreed item"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    task = forms.ModelChoiceField(label=_("Plan task it serves"), queryset=None, widget=forms.Select(attrs=SELECT))
    lead_unit = UnitField(label=_("Lead unit"), queryset=None, widget=forms.Select(attrs=SELECT))
    co_units = UnitsField(label=_("Co-operating units"), queryset=None, required=False,
                          widget=forms.SelectMultiple(attrs={**SELECT, "size": 6}))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(attrs=TEXT))

    def __init__(self, *args, tasks, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class MinutesForm(forms.Form):
    file = forms.FileField(label=_("Minutes file"), widget=forms.ClearableFileInput(
        attrs={**TEXT, "accept": ".pdf,.docx,.png,.jpg,.jpeg"}), help_text=_("PDF, Word or an image, up to 20 MB."))
