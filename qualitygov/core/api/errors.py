"""One error body for the whole API: `{"code": ..., "message": ..., "fields": {...}}`.

Codes: `malformed` (body is not valid JSON), `invalid` (validation; `fields` names each field's
messages), `not_found` (missing or outside the caller's scope), `not_authenticated` (no or bad
credentials), `throttled`, `conflict`, and the codes services raise (`duplicate`, ...).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from qualitygov.core.errors import NotFoundError, ServiceError


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(k): _messages(v) for k, v in detail.items()}
    return {}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def _not_found() -> Response:
    return Response(error_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)


def exception_handler(exc, context):
    if isinstance(exc, NotFoundError):
        return _not_found()
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404 | exceptions.NotFound | PermissionDenied | exceptions.PermissionDenied):
        # Forbidden looks exactly like missing.
        return _not_found()
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return Response(error_body("invalid", "; ".join(exc.messages), fields), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ParseError):
        body = error_body("malformed", _("The request body is not valid JSON."))
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _("The data is not valid.")
        if isinstance(exc.detail, list):
            message = "; ".join(_messages(exc.detail))
        body = error_body("invalid", message, fields)
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        body = error_body("not_authenticated", str(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        body = error_body("throttled", str(exc.detail))
    else:
        body = error_body(getattr(exc, "default_code", "error"), str(getattr(exc, "detail", exc)))
    response.data = body
    return response
