"""Forms of the directory's pages (shape only; the services check the rest)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.widgets import DateInput

from .models import EntityKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}
ACCEPT = ".xlsx,.csv"
ALLOWED = (".xlsx", ".csv")


class TownField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.short_name or obj.name


class EntityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label=_("Type"), choices=EntityKind.choices, widget=forms.Select(attrs=SELECT))
    industry_code = forms.RegexField(label=_("Industry code (GB/T 4754)"), regex=r"^[A-Ta-t]\d{2,4}$", max_length=5,
                                     required=False, widget=forms.TextInput(attrs=TEXT),
                                     help_text=_("e.g. C1361"),
                                     error_messages={"invalid": _("A letter A–T and 2 to 4 digits, e.g. C1361.")})
    industry_name = forms.CharField(label=_("Industry name"), max_length=100, required=False,
                                    widget=forms.TextInput(attrs=TEXT))
    town = TownField(label=_("Town"), queryset=None, required=False, widget=forms.Select(attrs=SELECT),
                     empty_label="—")
    above_scale = forms.BooleanField(label=_("Above designated size (规上)"), required=False,
                                     widget=forms.CheckboxInput(attrs=CHECK))
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=60, required=False,
                                           widget=forms.TextInput(attrs=TEXT))
    address = forms.CharField(label=_("Address"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    registered_on = forms.DateField(label=_("Registered on"), required=False, widget=DateInput(attrs=TEXT))
    is_active = forms.BooleanField(label=_("In business"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns

    def clean_industry_code(self) -> str:
        return (self.cleaned_data.get("industry_code") or "").upper()


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Export file"), widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ACCEPT}),
                           help_text=_("Excel (.xlsx) or CSV (UTF-8 or GB18030) exported from the registration or "
                                       "credit-publicity system, with a column 统一社会信用代码."))
