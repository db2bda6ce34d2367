"""Forms of the sampling pages: plan, batch, each follow-up step, publication, import, delete."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.core.widgets import DateInput
from qualitygov.registry.models import MarketEntity

from .choices import Category, Channel, NoticeMethod, Verdict
from .models import SamplingPlan

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
AREA = {"class": "form-control", "rows": 2}
ACCEPT = ".xlsx,.csv"
ALLOWED = (".xlsx", ".csv")


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.label


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    title = forms.CharField(label=_("Plan title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    product = forms.CharField(label=_("Product"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.INDUSTRIAL,
                                 widget=forms.Select(attrs=SELECT))
    standard = forms.CharField(label=_("Standard"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    batches_planned = forms.IntegerField(label=_("Batches planned"), min_value=0, max_value=100000, initial=0,
                                         widget=forms.NumberInput(attrs=TEXT))
    lab = forms.CharField(label=_("Testing body"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    window_start = forms.DateField(label=_("Sampling from"), required=False, widget=DateInput())
    window_end = forms.DateField(label=_("Sampling until"), required=False, widget=DateInput())
    owning_unit = UnitField(label=_("Owning unit"), queryset=OrgUnit.objects.none(), widget=forms.Select(attrs=SELECT))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs=AREA))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owning_unit"].queryset = units


def plan_initial(plan: SamplingPlan) -> dict:
    return {"year": plan.year, "title": plan.title, "product": plan.product, "category": plan.category,
            "standard": plan.standard, "batches_planned": plan.batches_planned, "lab": plan.lab,
            "window_start": plan.window_start, "window_end": plan.window_end, "owning_unit": plan.owning_unit_id,
            "notes": plan.notes, "version": plan.version}


class BatchForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code of the sampled entity"), max_length=30,
                           widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}),
                           help_text=_("The entity must be in the market-entity directory."))
    product = forms.CharField(label=_("Product"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    sampled_on = forms.DateField(label=_("Sampling date"), widget=DateInput())
    lab = forms.CharField(label=_("Testing body"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))
    report_no = forms.CharField(label=_("Report number"), max_length=60, widget=forms.TextInput(attrs=TEXT))
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, widget=forms.Select(attrs=SELECT))
    failed_items = forms.CharField(label=_("Failed items"), required=False, widget=forms.Textarea(attrs=AREA))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs=AREA))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_uscc(self) -> MarketEntity:
        code = self.cleaned_data["uscc"].strip().upper()
        entity = MarketEntity.objects.filter(uscc=code).first()
        if entity is None:
            raise forms.ValidationError(_("No entity with this code is in the market-entity directory."))
        return entity


class ActForm(forms.Form):
    """One follow-up step: its date, the step's own facts (only the fields of `name`), a note."""

    on = forms.DateField(label=_("Date"), widget=DateInput())
    notice_method = forms.ChoiceField(label=_("Served by"), choices=NoticeMethod.choices,
                                      widget=forms.Select(attrs=SELECT))
    retest_lab = forms.CharField(label=_("Re-test body"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    province_notice_on = forms.DateField(label=_("Date of the provincial notice"), widget=DateInput())
    case_no = forms.CharField(label=_("Case number"), max_length=60, widget=forms.TextInput(attrs=TEXT))
    credit_recorded = forms.BooleanField(label=_("Credit record made"), required=False,
                                         widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    FIELDS = {"serve": ["notice_method"], "accept_objection": ["retest_lab"], "recheck_fail": ["province_notice_on"],
              "transfer": ["case_no", "credit_recorded"]}
    DATE_LABELS = {"serve": _("Notice sent or posted on"), "object": _("Objection received on"),
                   "accept_objection": _("Decided on"), "reject_objection": _("Decided on"),
                   "retest_pass": _("Re-test result on"), "retest_fail": _("Re-test result on"),
                   "order_correction": _("Ordered on"), "recheck_pass": _("Re-inspected on"),
                   "recheck_fail": _("Re-inspected on"), "second_recheck_pass": _("Re-inspected on"),
                   "transfer": _("Transferred on")}

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"on", "note", "version", *self.FIELDS.get(name, [])}
        for field in list(self.fields):
            if field not in keep:
                del self.fields[field]
        self.fields["on"].label = self.DATE_LABELS.get(name, _("Date"))

    def facts(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("on", "note", "version")}


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Published through"), choices=Channel.choices, widget=forms.Select(attrs=SELECT))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Batches file"), widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ACCEPT}),
                           help_text=_("The downloaded template (.xlsx) or a .csv with the same columns."))


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs=TEXT))
