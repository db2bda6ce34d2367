"""OpenAPI generation: every operation documents the error body it can answer with."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API."""

    code = serializers.CharField(help_text="malformed, invalid, not_found, not_authenticated, throttled, conflict…")
    message = serializers.CharField(help_text="for people, in the request's language")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()),
                                   help_text="field name → messages (validation errors only)")


class ApiAutoSchema(AutoSchema):
    """Adds 400/401/404 responses with `ErrorSerializer` where the view can answer them."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = []
        if self.method in {"POST", "PUT", "PATCH"} or getattr(self.view, "filterset_class", None):
            errors.append(("400", "malformed JSON or invalid data (`fields` names the fields)"))
        if any(issubclass(p, permissions.IsAuthenticated) for p in self.view.permission_classes):
            errors.append(("401", "no or invalid credentials"))
            errors.append(("404", "missing, or outside the caller's scope (the two look alike)"))
        for code, description in errors:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


def read_only_docs(*, tag: str, list_summary: str, retrieve_summary: str, description: str) -> Callable:
    """`extend_schema_view` for a read-only viewset: one tag and description, a summary per operation.

    Pass lazy translations: the served schema is in the caller's language (Chinese by default).
    """
    return extend_schema_view(
        list=extend_schema(summary=list_summary, description=description, tags=[tag]),
        retrieve=extend_schema(summary=retrieve_summary, description=description, tags=[tag]),
    )
