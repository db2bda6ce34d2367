"""Forms of the summaries' pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.core.widgets import DateInput

from .choices import Figure, SummaryKind

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


def parse_sections(text: str) -> list[dict]:
    """One section a line: "heading | guidance" (a full-width ｜ works too); blank lines are skipped."""
    out = []
    for line in (text or "").splitlines():
        if line.strip():
            heading, _sep, guidance = line.replace("｜", "|").partition("|")
            out.append({"heading": heading.strip(), "guidance": guidance.strip()})
    return out


def sections_text(sections: list[dict]) -> str:
    return "\n".join(f"{s['heading']}｜{s['guidance']}" if s.get("guidance") else s["heading"] for s in sections)


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Template title"), max_length=200, widget=forms.TextInput(attrs=TEXT),
                            help_text=_("e.g. 质量强区工作半年总结模板"))
    sections = forms.CharField(label=_("Sections"), widget=forms.Textarea(attrs={**TEXT, "rows": 8}),
                               help_text=_("One section a line: the heading, then ｜ and what the unit should write."))
    figures = forms.MultipleChoiceField(label=_("Required figures"), choices=Figure.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    version = VersionField()

    def clean_sections(self) -> list[dict]:
        sections = parse_sections(self.cleaned_data["sections"])
        if not any(s["heading"] for s in sections):
            raise forms.ValidationError(_("Give at least one section heading."))
        return sections


class RoundForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=TEXT))
    kind = forms.ChoiceField(label=_("Kind"), choices=SummaryKind.choices, widget=forms.Select(attrs=SELECT))
    half = forms.TypedChoiceField(label=_("Half of the year"), coerce=int, required=False,
                                  choices=[(1, _("First half")), (2, _("Second half"))],
                                  widget=forms.Select(attrs=SELECT), help_text=_("For a half-year summary."))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(attrs=TEXT))
    template = forms.ModelChoiceField(label=_("Template"), queryset=None, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, plans, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["template"].queryset = templates


class UnitSummaryForm(forms.Form):
    """One text per section of the round (fields `text_0`, `text_1`, …) and the version."""

    version = VersionField()

    def __init__(self, *args, sections: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for index, section in enumerate(sections):
            self.fields[f"text_{index}"] = forms.CharField(
                label=section["heading"], required=False, help_text=section.get("guidance", ""),
                widget=forms.Textarea(attrs={**TEXT, "rows": 6}))
        self.section_count = len(sections)

    def texts(self) -> list[str]:
        return [self.cleaned_data.get(f"text_{i}", "") for i in range(self.section_count)]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"), widget=forms.ClearableFileInput(attrs=TEXT),
                           help_text=_("PDF, Word, Excel or an image, up to 20 MB."))


class DistrictForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    version = VersionField()

    def __init__(self, *args, sections: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for index, section in enumerate(sections):
            self.fields[f"text_{index}"] = forms.CharField(
                label=section["heading"], required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 8}))
        self.section_count = len(sections)

    def texts(self) -> list[str]:
        return [self.cleaned_data.get(f"text_{i}", "") for i in range(self.section_count)]
