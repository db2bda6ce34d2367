"""Forms of the register pages, built from each register's declaration (shape only; services check the rest)."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.core.widgets import DateInput
from qualitygov.registry.ledgers import BOOL, CHOICE, DATE, DECIMAL, ENTITY, FK, INT, Register
from qualitygov.registry.models import MarketEntity

from .choices import AwardResult

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class EntityField(forms.CharField):
    """A firm by its 统一社会信用代码 (the directory may hold many thousands: no drop-down)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = value.strip().upper()
        entity = MarketEntity.objects.filter(uscc=code).first()
        if entity is None:
            raise forms.ValidationError(_("No firm with this unified social credit code is in the directory."))
        return entity


class RecordForm(forms.Form):
    """The fields of `register` plus the keeping unit (the units where the user may keep records)."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, register: Register, *args, units, related=None, **kwargs):
        super().__init__(*args, **kwargs)
        model = register.model
        for col in register.form_columns:
            mf = model._meta.get_field(col.name)
            label = str(mf.verbose_name).capitalize()
            common = {"label": label, "required": col.required, "help_text": mf.help_text}
            if col.kind == ENTITY:
                field = EntityField(widget=forms.TextInput(attrs={**TEXT, "maxlength": 18, "autocomplete": "off",
                                                                  "list": "entity-codes"}),
                                    **{**common, "label": _("Firm (unified social credit code)")})
            elif col.kind == FK:
                field = forms.ModelChoiceField(queryset=(related or {}).get(col.name), widget=forms.Select(attrs=SELECT),
                                               **common)
            elif col.kind == CHOICE:
                field = forms.ChoiceField(choices=[("", "—"), *mf.choices], widget=forms.Select(attrs=SELECT), **common)
            elif col.kind == DATE:
                field = forms.DateField(widget=DateInput(), **common)
            elif col.kind == BOOL:
                if mf.null:
                    field = forms.NullBooleanField(widget=forms.NullBooleanSelect(attrs=SELECT),
                                                   **{**common, "required": False})
                else:
                    field = forms.BooleanField(widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                                               **{**common, "required": False})
            elif col.kind == INT:
                field = forms.IntegerField(min_value=0, widget=forms.NumberInput(attrs=TEXT), **common)
            elif col.kind == DECIMAL:
                field = forms.DecimalField(min_value=0, max_digits=mf.max_digits, decimal_places=mf.decimal_places,
                                           widget=forms.NumberInput(attrs={**TEXT, "step": "any"}), **common)
            elif isinstance(mf, models.TextField):
                field = forms.CharField(widget=forms.Textarea(attrs={**TEXT, "rows": 3}), **common)
            else:
                field = forms.CharField(max_length=mf.max_length, widget=forms.TextInput(attrs=TEXT), **common)
            self.fields[col.name] = field
        self.fields["unit"] = UnitField(queryset=units, label=_("Keeping unit"), widget=forms.Select(attrs=SELECT),
                                        empty_label=None)

    def values(self, register: Register) -> dict:
        data = self.cleaned_data
        out = {}
        for col in register.form_columns:
            value = data.get(col.name)
            mf = register.model._meta.get_field(col.name)
            if value is None and not mf.null and col.kind not in (ENTITY, FK):
                value = "" if col.kind not in (BOOL,) else False
            out[col.name] = value
        return out


class DecideForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), widget=forms.Select(attrs=SELECT),
                               choices=[c for c in AwardResult.choices if c[0] != AwardResult.PENDING])
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reward = forms.DecimalField(label=_("Reward (10,000 yuan)"), required=False, min_value=0, max_digits=8,
                                decimal_places=2, widget=forms.NumberInput(attrs={**TEXT, "step": "any"}))


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500,
                             widget=forms.TextInput(attrs=TEXT))
