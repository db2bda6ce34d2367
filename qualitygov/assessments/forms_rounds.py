"""Forms of the assessment round pages. An item's input form is built from the leaf's method
(`value_fields`), and read back into the exchange format (`value_from`); the service checks it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.core.widgets import DateInput

from .choices import EntryKind, ObjectionOutcome, ReviewDecision
from .models import AssessmentScheme
from .rounds import Leaf

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
CHECK = {"class": "form-check-input"}

#: Chinese names of the events the demo scheme deducts for (keys of `event_deductions`).
EVENT_LABELS = {
    "item_late": _("Work items finished late"),
    "item_red": _("Work items turned red"),
    "finding_overdue": _("Findings rectified late"),
    "finding_reopened": _("Findings reopened"),
    "supervised_escalation": _("Times supervised (督办)"),
}


class SchemeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: AssessmentScheme) -> str:
        return f"{obj.title}（v{obj.version}）"


class TaskChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number} {obj.title}"


class RoundForm(forms.Form):
    scheme = SchemeChoice(label=_("Assessment scheme"), queryset=None, widget=forms.Select(attrs=SELECT),
                          help_text=_("A published version: the round scores against exactly this text."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    title = forms.CharField(label=_("Round title"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("e.g. 2026年度质量强区工作成员单位考核"))
    self_due = forms.DateField(label=_("Self-assessment due"), widget=DateInput(attrs=TEXT))
    review_due = forms.DateField(label=_("Office review due"), widget=DateInput(attrs=TEXT))
    onsite_due = forms.DateField(label=_("On-site checks due"), required=False, widget=DateInput(attrs=TEXT))
    approval_due = forms.DateField(label=_("Leader approval due"), widget=DateInput(attrs=TEXT))
    publish_on = forms.DateField(label=_("Publication date"), widget=DateInput(attrs=TEXT),
                                 help_text=_("The bulletin's date; follow-up deadlines count from it."))
    objection_until = forms.DateField(label=_("Objections until"), widget=DateInput(attrs=TEXT))
    followup_task = TaskChoice(label=_("Plan task for follow-up work"), queryset=None, required=False,
                               widget=forms.Select(attrs=SELECT),
                               help_text=_("The written rectification reports are tracked as work items under it."))

    def __init__(self, *args, schemes, tasks, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes
        self.fields["followup_task"].queryset = tasks
        if editing:
            del self.fields["scheme"]
            del self.fields["year"]


class GroupForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), widget=forms.Select(attrs={**SELECT, "class": "form-select form-select-sm"}))

    def __init__(self, *args, groups: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = groups


def _number(label, *, maximum: Any = None, integer: bool = False, required: bool = True):
    attrs = {**TEXT, "step": "1" if integer else "any", "min": "0"}
    if maximum is not None:
        attrs["max"] = str(maximum)
    if integer:
        return forms.IntegerField(label=label, min_value=0, required=required, widget=forms.NumberInput(attrs=attrs))
    return forms.DecimalField(label=label, required=required, widget=forms.NumberInput(attrs=attrs))


def value_fields(kind: str, leaf: Leaf | None, *, bonus_text: str = "", veto_text: str = "") -> dict[str, forms.Field]:
    """The form fields that enter one input of `kind` (a leaf's by its method, a bonus count, a veto)."""
    if kind == EntryKind.BONUS:
        return {"count": _number(_("Number claimed: %(text)s") % {"text": bonus_text}, integer=True)}
    if kind == EntryKind.VETO:
        return {"applies": forms.BooleanField(label=_("Applies: %(text)s") % {"text": veto_text}, required=False,
                                              widget=forms.CheckboxInput(attrs=CHECK))}
    assert leaf is not None
    fields: dict[str, forms.Field] = {
        "na": forms.BooleanField(label=_("Not applicable to this unit"), required=False,
                                 widget=forms.CheckboxInput(attrs=CHECK))}
    method, params = leaf.method, leaf.params
    if method == "judged":
        fields["score"] = _number(_("Score (out of %(max)s)") % {"max": leaf.max}, maximum=leaf.max, required=False)
    elif method == "binary":
        fields["done"] = forms.BooleanField(label=_("Done"), required=False, widget=forms.CheckboxInput(attrs=CHECK))
    elif method == "graded":
        fields["option"] = forms.ChoiceField(
            label=_("Grade"), required=False, widget=forms.Select(attrs=SELECT),
            choices=[("", "—")] + [(k, f"{k}（{v} 分）") for k, v in params.get("options", {}).items()])
    elif method == "per_missing":
        fields["present"] = forms.MultipleChoiceField(
            label=_("In place"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(a, a) for a in params.get("aspects", [])])
    elif method == "ratio":
        fields["num"] = _number(_("Numerator (done on time)"), required=False)
        fields["den"] = _number(_("Denominator (due)"), required=False)
    elif method in ("rate_bands", "indicator_shortfall"):
        fields["value"] = _number(_("Value"), required=False)
    elif method == "event_deductions":
        for event in params.get("events", {}):
            fields[f"count_{event}"] = _number(EVENT_LABELS.get(event, event), integer=True, required=False)
    elif method == "share_indicators":
        fields["indicators"] = forms.CharField(
            label=_("Indicators (JSON list of comparator, target, baseline, value)"), required=False,
            widget=forms.Textarea(attrs={**TEXT, "rows": 4, "class": "form-control font-monospace",
                                         "translate": "no"}))
    return fields


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def value_from(kind: str, leaf: Leaf | None, data: dict[str, Any]) -> dict[str, Any]:
    """The exchange-format input from a value form's cleaned data (unchecked: the service checks it)."""
    if kind == EntryKind.BONUS:
        return {"count": data.get("count") or 0}
    if kind == EntryKind.VETO:
        return {"applies": bool(data.get("applies"))}
    if data.get("na"):
        return {"na": True}
    assert leaf is not None
    method = leaf.method
    if method == "judged":
        return {"score": _plain(data.get("score"))}
    if method == "binary":
        return {"done": bool(data.get("done"))}
    if method == "graded":
        return {"option": data.get("option")}
    if method == "per_missing":
        return {"present": list(data.get("present") or [])}
    if method == "ratio":
        return {"num": _plain(data.get("num")), "den": _plain(data.get("den"))}
    if method in ("rate_bands", "indicator_shortfall"):
        return {"value": _plain(data.get("value"))}
    if method == "event_deductions":
        return {"counts": {key[6:]: value for key, value in data.items() if key.startswith("count_") and value}}
    if method == "share_indicators":
        try:
            rows = json.loads(data.get("indicators") or "[]")
        except ValueError:
            rows = None
        return {"indicators": rows}
    return {}


def value_initial(kind: str, leaf: Leaf | None, value: dict[str, Any] | None) -> dict[str, Any]:
    """Form initial data showing `value` (an exchange-format input)."""
    if not value:
        return {}
    if kind != EntryKind.LEAF:
        return dict(value)
    if value.get("na"):
        return {"na": True}
    initial = dict(value)
    if "counts" in value:
        initial = {f"count_{k}": v for k, v in value["counts"].items()}
    if "indicators" in value:
        initial = {"indicators": json.dumps(value["indicators"], ensure_ascii=False)}
    return initial


class ValueForm(forms.Form):
    """An item's input plus a free note (the unit's) or reason (the office's); evidence files optional."""

    def __init__(self, *args, kind: str, leaf: Leaf | None, text_label, text_required: bool = False,
                 files_field: bool = False, bonus_text: str = "", veto_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.leaf = kind, leaf
        self.fields.update(value_fields(kind, leaf, bonus_text=bonus_text, veto_text=veto_text))
        self.fields["text"] = forms.CharField(label=text_label, required=text_required,
                                              widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
        if files_field:
            self.fields["file"] = forms.FileField(
                label=_("Evidence file"), required=False, help_text=_("PDF, Word, Excel or an image, up to 20 MB."),
                widget=forms.ClearableFileInput(attrs=TEXT))

    def value(self) -> dict[str, Any]:
        return value_from(self.kind, self.leaf, self.cleaned_data)


class ReviewForm(ValueForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (ReviewDecision.ACCEPT, _("Accept")), (ReviewDecision.ADJUST, _("Adjust (enter the value and the reason)")),
        (ReviewDecision.RETURN, _("Return to the unit (say why)")),
        ("override", _("Set the value with its basis (override, leader evaluation, veto)"))])

    field_order = ["decision"]


class ObjectionForm(forms.Form):
    entry = forms.ChoiceField(label=_("About"), required=False, widget=forms.Select(attrs=SELECT))
    text = forms.CharField(label=_("Objection and its grounds"), widget=forms.Textarea(attrs={**TEXT, "rows": 4}))

    def __init__(self, *args, entries: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", _("The whole result")), *entries]


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.Select(attrs=SELECT), choices=[
        (c.value, c.label) for c in ObjectionOutcome if c != ObjectionOutcome.PENDING])
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={**TEXT, "rows": 4}))


class ApprovalForm(forms.Form):
    note = forms.CharField(label=_("Leader's opinion"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
                           help_text=_("Required when sending the round back."))
