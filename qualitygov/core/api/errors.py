"""One error body for the whole API: `{"code": ..., "message": ..., "fields": {...}}`.

Codes: `malformed` (body is not valid JSON or nested too deeply), `too_large` (body over
`DATA_UPLOAD_MAX_MEMORY_SIZE`, 413), `invalid` (validation; `fields` names each field's
messages), `not_found` (missing or outside the caller's scope), `not_authenticated` (no or bad
credentials), `throttled`, `conflict`, and the codes services raise (`duplicate`, ...).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from qualitygov.core.errors import NotFoundError, ServiceError

from .parsers import NestedTooDeeply


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


def _too_large_body() -> dict:
    return error_body("too_large", _("The request body is too large."))


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        return Response(_too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
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
        message = str(exc.detail) if isinstance(exc, NestedTooDeeply) else _("The request body is not valid JSON.")
        body = error_body("malformed", message)
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


def _json(body: dict, status_code: int) -> JsonResponse:
    return JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def api_page_not_found(request, exception=None):
    """`handler404`: the API's JSON body under /api/ (unknown paths, non-integer ids), else Django's page."""
    if is_api_request(request):
        return _json(error_body("not_found", _("Not found.")), 404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def api_bad_request(request, exception=None):
    """`handler400`: the API's JSON body under /api/ (a body over the size limit: 413), else Django's page."""
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return _json(_too_large_body(), 413)
        return _json(error_body("malformed", _("The request could not be understood.")), 400)
    from django.views.defaults import bad_request

    return bad_request(request, exception)
