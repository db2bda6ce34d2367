"""Base classes for API views: declared access rule, scoping through selectors.

DRF marks its views exempt from Django's LoginRequiredMiddleware (which would redirect a
token-authenticated request before DRF has read the token), so API views enforce authentication
themselves: `IsAuthenticated` + `AccessRulePermission`. A view that sets `permission_classes`
itself must keep `AccessRulePermission`. A refused authenticated request answers 404 with the
error body, so forbidden looks exactly like missing; an anonymous one answers 401. A credential
(`request.auth`) with `allows_write` False — a read-only API token — is refused every method but
GET, HEAD and OPTIONS, unless the view sets `read_credentials_may_write` (revoking that token).
"""

from __future__ import annotations

from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.views import APIView

from qualitygov.core.access import LOGIN, rule_allows

from .schema import ApiAutoSchema


class AccessRulePermission(permissions.BasePermission):
    """Enforce the view's `access_rule`; a refusal answers 404 through the error handler."""

    def has_permission(self, request, view) -> bool:
        rule = getattr(view, "access_rule", "")
        if not rule:
            return False
        if (
            request.method not in permissions.SAFE_METHODS
            and not getattr(request.auth, "allows_write", True)
            and not getattr(view, "read_credentials_may_write", False)
        ):
            return False
        return rule_allows(rule, request.user)


class ApiViewMixin:
    """Shared by every API view: the access rule, authentication left to DRF, refusals as 404."""

    access_rule: str = LOGIN
    permission_classes = [permissions.IsAuthenticated, AccessRulePermission]
    schema = ApiAutoSchema()

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise NotAuthenticated()
        raise NotFound()


class ApiView(ApiViewMixin, APIView):
    """A plain API view (not over a model list)."""


class ScopedReadOnlyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only API over `get_scoped_queryset(user)`; objects outside scope are 404."""

    def get_scoped_queryset(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.get_scoped_queryset(self.request.user)
