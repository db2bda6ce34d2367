"""Forms of the one-stop pages (shape only; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.core.widgets import DateInput
from qualitygov.registry.models import MarketEntity

from .choices import ServiceKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class EntityField(forms.CharField):
    """A firm by its 统一社会信用代码."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        entity = MarketEntity.objects.filter(uscc=value.strip().upper()).first()
        if entity is None:
            raise forms.ValidationError(_("No firm with this unified social credit code is in the directory."))
        return entity


class RequestForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    unit = UnitField(queryset=None, label=_("Service window"), widget=forms.Select(attrs=SELECT), empty_label=None)
    entity = EntityField(label=_("Firm (unified social credit code)"), max_length=18,
                         widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Service type"), choices=[("", "—"), *ServiceKind.choices],
                             widget=forms.Select(attrs=SELECT))
    subject = forms.CharField(label=_("What the firm asks for"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    assigned_to = forms.CharField(label=_("Handled by"), max_length=120, required=False,
                                  widget=forms.TextInput(attrs=TEXT), help_text=_("e.g. 舟山市计量测试院"))

    def __init__(self, *args, units, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if editing:
            del self.fields["assigned_to"]


class AssignForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    assigned_to = forms.CharField(label=_("Handled by"), max_length=120, widget=forms.TextInput(attrs=TEXT))


class CompleteForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())
    outcome = forms.CharField(label=_("What was done"), required=False,
                              widget=forms.Textarea(attrs={**TEXT, "rows": 2}))
    solved = forms.NullBooleanField(label=_("Problem solved"), required=False,
                                    widget=forms.NullBooleanSelect(attrs=SELECT))
    rating = forms.TypedChoiceField(label=_("The firm's rating (1–5)"), required=False, coerce=int, empty_value=None,
                                    choices=[("", "—"), *[(str(i), str(i)) for i in range(5, 0, -1)]],
                                    widget=forms.Select(attrs=SELECT))


class ReasonForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs=TEXT))


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT))


class RuleForm(forms.Form):
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    default = forms.IntegerField(label=_("Time limit (working days)"), min_value=1, max_value=120,
                                 widget=forms.NumberInput(attrs=TEXT))
    legal_basis = forms.CharField(label=_("Basis"), required=False, max_length=300, widget=forms.TextInput(attrs=TEXT),
                                  help_text=_("e.g. 国市监质〔2020〕177号"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in ServiceKind.choices:
            self.fields[f"days_{value}"] = forms.IntegerField(
                label=label, required=False, min_value=1, max_value=120, widget=forms.NumberInput(attrs=TEXT),
                help_text=_("Leave empty for the general limit."))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
