"""One error body for the whole API: `{"code": ..., "message": ..., "fields": {...}}`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from qualitygov.core.errors import ServiceError


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    return {}


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response({"code": exc.code, "message": exc.message, "fields": exc.fields}, status=exc.status)
    if isinstance(exc, Http404 | exceptions.NotFound | PermissionDenied | exceptions.PermissionDenied):
        # Forbidden looks exactly like missing.
        return Response({"code": "not_found", "message": _("Not found."), "fields": {}}, status=404)
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return Response(
            {"code": "invalid", "message": "; ".join(exc.messages), "fields": fields}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        body = {"code": "malformed", "message": _("The request body is not valid JSON."), "fields": {}}
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _("The data is not valid.")
        if isinstance(exc.detail, list):
            message = "; ".join(str(x) for x in exc.detail)
        body = {"code": "invalid", "message": message, "fields": fields}
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        body = {"code": "not_authenticated", "message": str(exc.detail), "fields": {}}
    elif isinstance(exc, exceptions.Throttled):
        body = {"code": "throttled", "message": str(exc.detail), "fields": {}}
    else:
        body = {"code": getattr(exc, "default_code", "error"), "message": str(getattr(exc, "detail", exc)), "fields": {}}
    response.data = body
    return response
