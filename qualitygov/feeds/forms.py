"""Forms of feeds: the upload and the responsible unit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Export file (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}))


class OwnerForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.filter(is_active=True),
                                  required=False, empty_label=_("Office only"),
                                  widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
