"""Users and grants, managed by office admins within the units they manage (404 elsewhere)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualitygov.core.access import access, action_rule
from qualitygov.core.api.filters import MAX_ID
from qualitygov.core.errors import ServiceError
from qualitygov.core.lists import Column, Export, ListSpec, list_export, list_page
from qualitygov.core.views_helpers import apply_service_error, visible_or_404

from . import io, selectors, services
from .auth import login_unlock
from .choices import Action, Role
from .forms import GrantForm, PasswordResetForm, UserCreateForm, UserEditForm
from .models import User
from .tokens import api_tokens_revoke_all

MANAGE = action_rule(Action.MANAGE)
PAGE_SIZE = 100


def _get_user(request, pk: int) -> User:
    return visible_or_404(selectors.user_get_visible, user=request.user, pk=pk)


def _manage_units(request) -> list[selectors.OrgUnitRow]:
    return selectors.org_unit_tree_rows(user=request.user, action=Action.MANAGE)


def _filters(request) -> dict:
    unit = request.GET.get("unit", "")
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    return {
        "search": request.GET.get("q", "").strip()[:100],
        "unit_id": int(unit) if unit.isdigit() and int(unit) <= MAX_ID else None,
        "role": role if role in Role.values else "",
        "active": active if active in {"1", "0"} else "",
    }


USER_LIST = ListSpec(
    columns=[
        Column(gettext_lazy("User name"), "username"),
        Column(gettext_lazy("Display name"), "display_name"),
        Column(gettext_lazy("Unit"), "unit", ("unit__sort_order", "unit__path")),
        Column(gettext_lazy("Roles")),
        Column(gettext_lazy("Active"), "active", ("-is_active",)),
    ],
    default_sort="username",
    page_size=PAGE_SIZE,
    export=Export(filename=gettext_lazy("Users"), sheet=gettext_lazy("Users"), header=io.USERS_HEADER,
                  rows=io.user_rows, widths=io.USERS_WIDTHS),
)


@access(MANAGE)
def user_list(request):
    """Users of the units the admin manages, with their unit and roles; filter, sort and export."""
    filters = _filters(request)
    lst = list_page(request, selectors.user_list_filtered(user=request.user, **filters), USER_LIST)
    if isinstance(lst, HttpResponse):
        return lst
    return render(request, "accounts/user_list.html", {
        "lst": lst,
        "filters": filters,
        "units": _manage_units(request),
        "roles": Role.choices,
        "locked": selectors.locked_users_visible(user=request.user),
    })


@access(MANAGE)
def user_export(request):
    """The user list (same filters and sort, every page) as .xlsx."""
    return list_export(request, selectors.user_list_filtered(user=request.user, **_filters(request)), USER_LIST)


@access(MANAGE)
def user_create(request):
    """A new user with an initial password, a home unit and a first role."""
    form = UserCreateForm(request.POST or None, units=_manage_units(request),
                          initial={"unit": request.GET.get("unit", ""), "grant_unit": request.GET.get("unit", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user, username=data["username"], password=data["password1"],
                display_name=data["display_name"], email=data["email"], phone=data["phone"], unit=data["unit"],
                grants=[(data["role"], data["grant_unit"], data["include_descendants"])],
            )
        except ServiceError as exc:
            apply_service_error(form, exc, {"password": "password1", "unit": "grant_unit"})
        else:
            messages.success(request, _("User “%(name)s” created.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@access(MANAGE)
def user_detail(request, pk: int):
    """A user's profile and grants, with the admin's actions."""
    subject = _get_user(request, pk)
    return render(request, "accounts/user_detail.html", {
        "subject": subject,
        "grants": subject.grants.all(),
        "grant_form": GrantForm(units=_manage_units(request)),
        "tokens": selectors.api_tokens_of(user=subject),
        "two_step": selectors.totp_enabled(user=subject),
        "locked": next((row for row in selectors.locked_users_visible(user=request.user)
                        if row.user.pk == subject.pk), None),
    })


@access(MANAGE)
def user_edit(request, pk: int):
    """Change a user's profile (user name, display name, contact details, home unit)."""
    subject = _get_user(request, pk)
    initial = {"username": subject.username, "display_name": subject.display_name, "email": subject.email,
               "phone": subject.phone, "unit": subject.unit_id or "", "oidc_subject": subject.oidc_subject}
    form = UserEditForm(request.POST or None, units=_manage_units(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=subject, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("User “%(name)s” saved.") % {"name": form.cleaned_data["username"]})
            return redirect("accounts:user_detail", pk=subject.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Edit user"), "subject": subject})


@access(MANAGE)
def user_set_active(request, pk: int):
    """POST `active=0` deactivates (the user can no longer sign in), `active=1` reactivates."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    subject = _get_user(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_update(actor=request.user, user=subject, is_active=active)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        text = _("User “%(name)s” reactivated.") if active else _("User “%(name)s” deactivated.")
        messages.success(request, text % {"name": subject.username})
    return redirect("accounts:user_detail", pk=subject.pk)


@access(MANAGE)
def user_password(request, pk: int):
    """The office sets a new password for the user (who should change it after signing in)."""
    subject = _get_user(request, pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=subject, password=form.cleaned_data["password1"])
        except ServiceError as exc:
            apply_service_error(form, exc, {"password": "password1"})
        else:
            messages.success(request, _("A new password was set for “%(name)s”.") % {"name": subject.username})
            return redirect("accounts:user_detail", pk=subject.pk)
    return render(request, "accounts/user_form.html", {
        "form": form, "title": _("Reset password"), "subject": subject, "submit_label": _("Set password"),
    })


@access(MANAGE)
def grant_add(request, pk: int):
    """Give the user a role at a unit the admin manages."""
    subject = _get_user(request, pk)
    form = GrantForm(request.POST or None, units=_manage_units(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_create(actor=request.user, user=subject, role=data["role"], unit=data["unit"],
                                  include_descendants=data["include_descendants"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Role added."))
            return redirect("accounts:user_detail", pk=subject.pk)
    return render(request, "accounts/user_form.html", {
        "form": form, "title": _("Add a role"), "subject": subject, "submit_label": _("Add role"),
    })


@access(MANAGE)
def grant_delete(request, pk: int):
    """Confirm, then withdraw a grant."""
    grant = visible_or_404(selectors.grant_get_manageable, user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.grant_delete(actor=request.user, grant=grant)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Role withdrawn."))
        return redirect("accounts:user_detail", pk=grant.user_id)
    return render(request, "accounts/grant_delete.html", {"grant": grant})


def _post_on_user(request, pk: int, act, text: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    subject = _get_user(request, pk)
    act(subject)
    messages.success(request, text % {"name": subject.username})
    return redirect("accounts:user_detail", pk=subject.pk)


@access(MANAGE)
def user_unlock(request, pk: int):
    """POST: forget the user's failed sign-ins, from every address (audited)."""
    return _post_on_user(request, pk, lambda subject: login_unlock(actor=request.user, user=subject),
                         _("Sign-in unlocked for “%(name)s”."))


@access(MANAGE)
def user_tokens_revoke(request, pk: int):
    """POST: revoke every API token of the user."""
    return _post_on_user(
        request, pk, lambda subject: api_tokens_revoke_all(actor=request.user, user=subject, reason="office"),
        _("API tokens of “%(name)s” revoked."),
    )


@access(MANAGE)
def user_two_step_off(request, pk: int):
    """POST: turn off the user's two-step sign-in (a lost phone); they sign in with the password alone."""
    return _post_on_user(request, pk, lambda subject: services.totp_disable(actor=request.user, user=subject),
                         _("Two-step sign-in turned off for “%(name)s”."))
