"""Forms of the assessment pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SchemeImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))
    file = forms.FileField(label=_("Scheme file (JSON, exchange format)"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".json"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SchemeDocumentForm(forms.Form):
    document = forms.CharField(label=_("Scheme document (JSON)"),
                               widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 24,
                                                            "spellcheck": "false", "translate": "no"}))
