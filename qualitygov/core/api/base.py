"""Base classes for API views: declared access rule, scoping through selectors."""

from __future__ import annotations

from rest_framework import permissions, viewsets

from qualitygov.core.access import LOGIN, rule_allows


class AccessRulePermission(permissions.BasePermission):
    """Enforce the view's `access_rule`; a refusal answers 404 through the error handler."""

    def has_permission(self, request, view) -> bool:
        rule = getattr(view, "access_rule", "")
        if not rule:
            return False
        return rule_allows(rule, request.user)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only API over `get_scoped_queryset(user)`; objects outside scope are 404."""

    access_rule = LOGIN
    permission_classes = [permissions.IsAuthenticated, AccessRulePermission]

    def get_scoped_queryset(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.get_scoped_queryset(self.request.user)

    def permission_denied(self, request, message=None, code=None):
        from rest_framework.exceptions import NotAuthenticated, NotFound

        if request.authenticators and not request.successful_authenticator:
            raise NotAuthenticated()
        raise NotFound()
