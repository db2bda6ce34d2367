"""Forms of the office's disclosure pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitygov.core.widgets import DateInput

from .choices import Treatment


class PublishForm(forms.Form):
    source_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    until = forms.DateField(label=_("Publish values of periods ending by"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Note shown with the publication"), required=False, max_length=500)


class RepublishForm(forms.Form):
    until = forms.DateField(label=_("Publish values of periods ending by"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Note shown with the revision"), required=False, max_length=500)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    keys = forms.MultipleChoiceField(label=_("Indicators"), widget=forms.SelectMultiple(attrs={"size": 10}))
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=28, initial=5,
                                      help_text=_("On this day the approved values of the periods ended by the end of "
                                                  "the previous month are published."))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keys"].choices = list(choices)


class MaskingForm(forms.Form):
    field = forms.CharField(label=_("Field name"), max_length=60,
                            help_text=_("The name of the field in the published data (typed as it is stored), e.g. "
                                        "<code>contact_phone</code>."))
    treatment = forms.ChoiceField(label=_("Treatment"), choices=Treatment.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
