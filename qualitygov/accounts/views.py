"""Sign-in, sign-out and password change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from qualitygov.core.access import LOGIN, PUBLIC, access
from qualitygov.core.errors import ServiceError

from . import oidc
from .auth import login_success_record, logout_record
from .forms import ThrottledAuthenticationForm, client_ip
from .services import user_set_password


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    access_rule = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc.oidc_enabled()}

    def form_valid(self, form):
        response = super().form_valid(form)
        login_success_record(user=form.get_user(), ip_address=client_ip(self.request))
        return response


class LogoutView(auth_views.LogoutView):
    access_rule = LOGIN

    def post(self, request, *args, **kwargs):
        provider_logout = ""
        if request.user.is_authenticated:
            method = request.session.get(oidc.SESSION_METHOD, "")
            provider_logout = oidc.end_session_url(request)
            logout_record(user=request.user, ip_address=client_ip(request), method=method)
        response = super().post(request, *args, **kwargs)
        if provider_logout:
            # A session from the government identity provider also ends there (through a page of
            # ours: see OIDCSignedOutView), which then sends the person back to the sign-in page.
            request.session[oidc.END_SESSION] = provider_logout
            return redirect("accounts:oidc_signed_out")
        return response


@access(LOGIN)
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        except ServiceError as exc:
            form.add_error("new_password1", exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


def home_card_roles(request) -> dict:
    """Home card: the user's unit, roles and how far their scope reaches."""
    from qualitygov.core.scoping import scope_for

    from .choices import Action
    from .models import OrgUnit
    from .selectors import user_grants

    user = request.user

    def count(action: str) -> int:
        scope = scope_for(user, action)
        return OrgUnit.objects.visible_to(user, action).count() if scope.everything else len(scope.unit_ids)

    return {
        "grants": user_grants(user=user),
        "view_unit_count": count(Action.VIEW),
        "change_unit_count": count(Action.CHANGE),
    }
