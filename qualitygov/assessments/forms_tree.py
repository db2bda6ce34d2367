"""Forms of the scheme tree editor: one item, the scheme header, a new scheme.

Method parameters are plain text fields (lines "选项=分值", …); `services_tree` parses them strictly,
so a form only checks types and hands its cleaned values over.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import METHOD_LABELS, SELF_METHODS, EntrySource, UnitGroup
from .scheme_tree import num_text

_TEXT = {"class": "form-control"}
_LINES = {"class": "form-control", "rows": 4}

#: The parameter fields of each method (the page shows only the chosen method's).
METHOD_FIELDS = {
    "graded": ("options",),
    "per_missing": ("aspects", "deduct_each", "zero_if_none"),
    "rate_bands": ("bands",),
    "event_deductions": ("events",),
    "indicator_shortfall": ("comparator", "target", "step", "points_per_step"),
    "share_indicators": ("met", "improved", "otherwise", "about_band_pct"),
}
PARAM_FIELDS = tuple(name for names in METHOD_FIELDS.values() for name in names)


def group_label(code: str) -> str:
    return str(UnitGroup(code).label) if code in UnitGroup.values else code


def _number(label, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, help_text=help_text, max_digits=12, decimal_places=4,
                              widget=forms.NumberInput(attrs={**_TEXT, "step": "any"}))


class ItemForm(forms.Form):
    """One node. A group shows code, title and an informative max only; a leaf everything."""

    code = forms.CharField(label=_("Code"), max_length=50, widget=forms.TextInput(attrs=_TEXT))
    title = forms.CharField(label=_("Item"), max_length=300, widget=forms.TextInput(attrs=_TEXT))
    max = _number(_("Points"))
    method = forms.ChoiceField(label=_("Scoring method"), choices=list(METHOD_LABELS.items()),
                               widget=forms.Select(attrs={"class": "form-select", "data-method-select": ""}))
    applies_to = forms.MultipleChoiceField(label=_("Applies to"), required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("None ticked: every unit."))
    evidence = forms.BooleanField(label=_("Evidence files required"), required=False,
                                  widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    input = forms.ChoiceField(label=_("Who scores it"), required=False, widget=forms.Select(attrs={"class": "form-select"}),
                              choices=[("", _("By the scoring method (self-assessed or automatic)")),
                                       (EntrySource.SELF, _("The unit's self-assessment")),
                                       (EntrySource.AUTO, _("Automatic, from platform records")),
                                       (EntrySource.LEADER, _("Leader evaluation, entered by the office"))])
    description = forms.CharField(label=_("Scoring standard"), required=False,
                                  widget=forms.Textarea(attrs={**_TEXT, "rows": 3}))
    options = forms.CharField(label=_("Options and points"), required=False, widget=forms.Textarea(attrs=_LINES),
                              help_text=_("One option a line: option=points, e.g. 优秀=10"))
    aspects = forms.CharField(label=_("Aspects checked"), required=False, widget=forms.Textarea(attrs=_LINES),
                              help_text=_("One aspect a line."))
    deduct_each = _number(_("Points off per missing aspect"))
    zero_if_none = forms.BooleanField(label=_("No points when every aspect is missing"), required=False,
                                      widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    bands = forms.CharField(label=_("Rate bands"), required=False, widget=forms.Textarea(attrs=_LINES),
                            help_text=_("One band a line, highest first: lowest rate=points, e.g. 98=50"))
    events = forms.CharField(label=_("Events deducted"), required=False, widget=forms.Textarea(attrs=_LINES),
                             help_text=_("One event a line: event=points off each time, e.g. 逾期报送=1"))
    comparator = forms.ChoiceField(label=_("Target direction"), required=False,
                                   widget=forms.Select(attrs={"class": "form-select"}),
                                   choices=[("", "—"), (">=", _("at least the target")),
                                            ("<=", _("at most the target"))])
    target = _number(_("Target"))
    step = _number(_("Shortfall per step"))
    points_per_step = _number(_("Points off per step"))
    met = _number(_("Share of points when met"), help_text=_("Blank: 1 (full)."))
    improved = _number(_("Share of points when improved"), help_text=_("Blank: 0."))
    otherwise = _number(_("Share of points otherwise"), help_text=_("Blank: 0."))
    about_band_pct = _number(_("Tolerance of “about” targets (%)"))

    def __init__(self, *args, groups: list[str] | None = None, is_group: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_group = is_group
        if groups:
            self.fields["applies_to"].choices = [(g, group_label(g)) for g in groups]
        else:
            self.fields["applies_to"] = forms.CharField(
                label=_("Applies to"), required=False, widget=forms.TextInput(attrs=_TEXT),
                help_text=_("Unit groups separated by commas; blank: every unit."))
        if is_group:
            for name in list(self.fields):
                if name not in ("code", "title", "max"):
                    del self.fields[name]
            self.fields["max"].help_text = _("Informative: a group's score is the sum of its items.")
        else:
            self.fields["max"].required = True

    def clean_applies_to(self):
        value = self.cleaned_data.get("applies_to")
        if isinstance(value, str):
            return [part.strip() for part in value.replace("，", ",").replace("、", ",").split(",") if part.strip()]
        return list(value or [])

    def param_groups(self):
        """(method, its label, its bound parameter fields) for each method that has parameters."""
        return [(method, METHOD_LABELS[method], [self[name] for name in names])
                for method, names in METHOD_FIELDS.items() if not self.is_group]

    def main_fields(self):
        return [self[name] for name in self.fields if name not in PARAM_FIELDS]


class SchemeHeaderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, widget=forms.TextInput(attrs=_TEXT))
    max_total = _number(_("Total points"), required=True)
    grades = forms.CharField(label=_("Grades"), widget=forms.Textarea(attrs=_LINES),
                             help_text=_("One grade a line, highest first: grade=lowest total; the last may "
                                         "leave the lowest total blank, e.g. 不合格="))
    groups = forms.MultipleChoiceField(label=_("Ranking groups"), required=False, choices=UnitGroup.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("None ticked: all units are ranked together."))


class SchemeNewForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, widget=forms.TextInput(attrs=_TEXT))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs=_TEXT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


_INPUT_LABELS = {EntrySource.SELF: _("Self-assessment"), EntrySource.AUTO: _("Platform records"),
                 EntrySource.LEADER: _("Leader evaluation")}


def edit_rows(data: dict) -> list[dict]:
    """The tree editor's rows in document order: depth, code, title, max, method label, groups, evidence
    required, who scores it (by the `input` key, else by method), group or leaf, first / last sibling."""
    rows: list[dict] = []

    def walk(siblings: list, depth: int) -> None:
        for index, node in enumerate(siblings):
            is_group = "items" in node
            method = node.get("method", "")
            source = node.get("input")
            if not is_group and source not in _INPUT_LABELS:
                source = EntrySource.SELF if method in SELF_METHODS else EntrySource.AUTO
            rows.append({
                "depth": depth, "code": node["code"], "title": node.get("title", ""),
                "max": num_text(node.get("max")), "is_group": is_group,
                "method": "" if is_group else METHOD_LABELS.get(method, method),
                "applies_to": "、".join(group_label(g) for g in node.get("applies_to") or []),
                "evidence": bool(node.get("evidence")), "scorer": "" if is_group else _INPUT_LABELS[source],
                "first": index == 0, "last": index == len(siblings) - 1})
            if is_group:
                walk(node["items"], depth + 1)

    walk(data.get("sections") or [], 0)
    return rows

