from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .auth import login_failure_record, login_locked


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ThrottledAuthenticationForm(AuthenticationForm):
    """The standard sign-in form, refusing a user name that failed too often recently."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins for this account. Try again in 15 minutes or ask the office."),
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        if username and login_locked(username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                login_failure_record(username=username, ip_address=client_ip(self.request))
            raise
