"""Forms of the report pages (shape only; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.core.widgets import DateInput

from .choices import Channel, FigureColumn, PeriodKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class IndicatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        unit = f"（{obj.unit}）" if obj.unit else ""
        return f"{obj.code} {obj.name}{unit}"


class PlanField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Report title"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("e.g. 《普陀区质量强区指标完成情况表》"))
    requested_by = forms.CharField(label=_("Requesting body"), max_length=100, widget=forms.TextInput(attrs=TEXT),
                                   help_text=_("e.g. 市质量强市办"))
    filing_unit = forms.CharField(label=_("Filing unit"), max_length=100, required=False,
                                  widget=forms.TextInput(attrs=TEXT), help_text=_("The name printed on the 填报单位 line."))
    plan = PlanField(label=_("Plan"), queryset=None, widget=forms.Select(attrs=SELECT))
    indicators = IndicatorsField(label=_("Indicators"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                 help_text=_("Listed in the table in the plan's order."))
    columns = forms.MultipleChoiceField(label=_("Columns"), choices=FigureColumn.choices,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("In this order; the indicator name is required."))
    include_progress = forms.BooleanField(label=_("Add the work progress section (counts by light, items behind)"),
                                          required=False, widget=forms.CheckboxInput(attrs=CHECK))
    period_kind = forms.ChoiceField(label=_("Reported"), choices=PeriodKind.choices, widget=forms.Select(attrs=SELECT))
    due_workdays = forms.IntegerField(label=_("Due (working days after the period ends)"), min_value=0, max_value=60,
                                      widget=forms.NumberInput(attrs=TEXT),
                                      help_text=_("e.g. 5: due on the 5th working day after the period ends."))
    active = forms.BooleanField(label=_("In use"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    version = VersionField()

    def __init__(self, *args, plans, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["indicators"].queryset = indicators


class ReportNewForm(forms.Form):
    period = forms.ChoiceField(label=_("Report period"), choices=(), widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                           help_text=_("Required when values are missing: say why the report goes as it is."))
    version = VersionField()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    version = VersionField()


class SubmitForm(forms.Form):
    channel = forms.ChoiceField(label=_("Sent through"), choices=Channel.choices, widget=forms.Select(attrs=SELECT))
    recipient = forms.CharField(label=_("Recipient"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                                help_text=_("e.g. 市质量强市办 综合处 王科长"))
    sent_on = forms.DateField(label=_("Date sent"), widget=DateInput(attrs=TEXT))
    sent_time = forms.TimeField(label=_("Time sent"), widget=forms.TimeInput(attrs={**TEXT, "type": "time"},
                                                                            format="%H:%M"))
    receipt_note = forms.CharField(label=_("Receipt note"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                                   help_text=_("e.g. 已电话确认签收"))
    version = VersionField()
