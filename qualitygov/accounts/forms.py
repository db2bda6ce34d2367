from __future__ import annotations

import ipaddress
import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qualitygov.core.models import UnitRobot

from .auth import INVALID, SignInRefused, sign_in_check
from .choices import OrgUnitKind, Role
from .models import ApiTokenScope, OrgUnit


def client_ip(request) -> str | None:
    """The client's address: `REMOTE_ADDR`, or behind `TRUSTED_PROXY_COUNT` proxies the address the
    outermost of them saw (that many entries from the right of `X-Forwarded-For`; entries further
    left are the client's own claim and are ignored). Sign-in throttling counts by this address."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


class ThrottledAuthenticationForm(AuthenticationForm):
    """The sign-in form: user name, password and, for two-step sign-in, the authenticator code.

    Throttling and the second factor are `auth.sign_in_check`'s (see there).
    """

    code = forms.CharField(label=_("Authenticator code"), required=False, max_length=10)

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed sign-ins for this account from this address. Try again in 15 minutes, "
                    "enter your authenticator code, or ask the office to unlock the account."),
        "slow": _("Too many failed sign-ins for this account. Wait a few seconds and try again, or enter your "
                  "authenticator code."),
        "code_required": _("Enter the code your authenticator app shows."),
        "code_invalid": _("The authenticator code is wrong or was already used."),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or password is None:
            return self.cleaned_data
        try:
            self.user_cache = sign_in_check(request=self.request, username=username, password=password,
                                            code=self.cleaned_data.get("code", ""),
                                            ip_address=client_ip(self.request))
        except SignInRefused as refused:
            if refused.code == INVALID:
                raise self.get_invalid_login_error() from None
            raise forms.ValidationError(self.error_messages[refused.code], code=refused.code) from None
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


# Django 5.2's MinimumLengthValidator asks for this msgid, but Django's zh_Hans catalogue only has the
# older "%(min_length)d" wording; declaring it here puts it in this app's catalogue so it shows in Chinese.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

ALIAS_SEPARATORS = re.compile(r"[,，、;；\n]+")


def split_aliases(text: str) -> list[str]:
    """Aliases typed as one list, separated by commas (half or full width), 、, semicolons or new lines."""
    seen: list[str] = []
    for part in ALIAS_SEPARATORS.split(text or ""):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


class UnitChoiceField(forms.ChoiceField):
    """Pick one of `units` (OrgUnits or tree rows, in tree order, with `.tree_depth`); cleans to the OrgUnit.

    Given OrgUnits it needs no query; given rows, one query for the chosen unit.
    """

    def __init__(self, units: list, *, empty_label: str = "---------", **kwargs):
        self.units = {str(u.pk): u for u in units}
        choices = [("", empty_label)] + [
            (str(u.pk), "\u3000" * getattr(u, "tree_depth", 0) + u.name) for u in units
        ]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        unit = self.units[str(value)]
        return unit if isinstance(unit, OrgUnit) else OrgUnit.objects.get(pk=unit.pk)

    def prepare_value(self, value):
        return str(value.pk) if isinstance(value, OrgUnit) else value


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(field.widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        field.widget.attrs.setdefault("class", css)


class PasswordPairMixin:
    """`password1` typed twice: `password2` must match."""

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class OrgUnitForm(forms.Form):
    """Create or edit a unit. `parents` are the units the office may place it under (tree order)."""

    name = forms.CharField(label=_("Full name"), max_length=120)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnitKind.choices)
    parent = forms.Field(label=_("Parent unit"))
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0,
                                    help_text=_("Smaller numbers come first among units with the same parent."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    aliases = forms.CharField(
        label=_("Aliases"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Other names of the unit (abbreviations, former names), separated by commas or 、."),
    )

    def __init__(self, *args, parents: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = UnitChoiceField(parents, label=_("Parent unit"))
        _style(self)

    def clean_aliases(self) -> list[str]:
        return split_aliases(self.cleaned_data.get("aliases", ""))


class OrgUnitMergeForm(forms.Form):
    """Choose the unit that `source` merges into."""

    target = forms.Field(label=_("Merge into"))

    def __init__(self, *args, targets: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = UnitChoiceField(
            targets, label=_("Merge into"),
            help_text=_("The unit that remains; the merged unit's names become its aliases."),
        )
        _style(self)


class UserCreateForm(PasswordPairMixin, forms.Form):
    """A new user: profile, initial password (twice), home unit and the first grant."""

    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    unit = forms.Field(label=_("Unit"))
    password1 = forms.CharField(label=_("Initial password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 10 characters, not only digits, not a common password."))
    password2 = forms.CharField(label=_("Initial password (again)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    # No role is preselected: the admin chooses one on purpose.
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    grant_unit = forms.Field(label=_("Role at unit"))
    include_descendants = forms.BooleanField(label=_("Include subordinate units"), required=False)

    def __init__(self, *args, units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units, label=_("Unit"))
        self.fields["grant_unit"] = UnitChoiceField(units, label=_("Role at unit"))
        # Keep the field order declared above (replacing fields appends nothing; order is by key).
        _style(self)


class UserEditForm(forms.Form):
    """Profile fields an office admin may change."""

    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    unit = forms.Field(label=_("Unit"))
    oidc_subject = forms.CharField(
        label=_("Identity at the government identity provider"), max_length=255, required=False,
        help_text=_("Optional. The subject identifier (sub) the government identity provider gives this "
                    "person: when set, only that identity signs in as this user there."))

    def __init__(self, *args, units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units, label=_("Unit"))
        self.order_fields(["username", "display_name", "email", "phone", "unit", "oidc_subject"])
        _style(self)


class PasswordResetForm(PasswordPairMixin, forms.Form):
    """The office sets a new password for a user."""

    password1 = forms.CharField(label=_("New password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("At least 10 characters, not only digits, not a common password."))
    password2 = forms.CharField(label=_("New password (again)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class GrantForm(forms.Form):
    """A role at a unit, optionally with its subordinate units."""

    # No role is preselected: the admin chooses one on purpose.
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    unit = forms.Field(label=_("Unit"))
    include_descendants = forms.BooleanField(label=_("Include subordinate units"), required=False)

    def __init__(self, *args, units: list[OrgUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units, label=_("Unit"))
        _style(self)


class ApiTokenForm(forms.Form):
    """A new API token: what it is for, what it may do, how long it lasts."""

    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("What the token is for, e.g. a script's name."))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiTokenScope.choices, initial=ApiTokenScope.READ)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, max_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].max_value = max_days
        self.fields["days"].initial = max_days
        self.fields["days"].validators.append(MaxValueValidator(max_days))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"


class TotpCodeForm(forms.Form):
    """The code an authenticator app shows now."""

    code = forms.CharField(label=_("Authenticator code"), max_length=10,
                           widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class UnitRobotForm(forms.Form):
    """A unit's group robot. On a change (`editing`) an empty URL or secret keeps the stored one."""

    kind = forms.ChoiceField(label=_("Kind"), choices=UnitRobot.KIND_CHOICES)
    webhook_url = forms.CharField(label=_("Webhook URL"), max_length=500, strip=True,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                                  help_text=_("The group robot's address, as DingTalk or WeCom shows it "
                                              "(it contains the access token or key)."))
    secret = forms.CharField(label=_("Signing secret"), max_length=200, required=False, strip=True,
                             widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                             help_text=_("DingTalk's 加签 secret (SEC…); leave empty for WeCom."))
    clear_secret = forms.BooleanField(label=_("Remove the signing secret"), required=False)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["webhook_url"].required = False
            self.fields["webhook_url"].help_text = _("Leave empty to keep the stored address.")
            self.fields["secret"].help_text = _("Leave empty to keep the stored secret.")
        else:
            del self.fields["clear_secret"]
        _style(self)
