"""The open-data API's request handling: no sign-in, read-only, rate-limited, cached, conditional, CORS.

`OpenDataView.dispatch` wraps DRF's handling of every request:
1. A CORS preflight (OPTIONS with `Access-Control-Request-Method`) is answered at once.
2. The request is counted against its client's rate limit (`ratelimit`); beyond it: 429 with the
   `{code, message, fields}` body in the request's language (Chinese by default) and `Retry-After`.
3. A GET or HEAD is looked up in the cache under the public generation (`core.publiccache`), the path,
   the query, the format and the language; on a miss DRF answers and a 200 is kept with its `ETag`
   (a digest of the body) and `Last-Modified` (the latest publication or withdrawal of the answer's data).
4. `If-None-Match` / `If-Modified-Since` answer 304 (Django's `get_conditional_response`).
5. Every answer, errors included, carries `Access-Control-Allow-Origin: *` — on this API only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextvars import ContextVar

from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language, ngettext
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions
from rest_framework.views import APIView

from qualitygov.core.access import PUBLIC
from qualitygov.core.api.base import AccessRulePermission
from qualitygov.core.api.errors import error_body
from qualitygov.core.api.schema import ErrorSerializer
from qualitygov.core.publiccache import public_cache_get, public_cache_key, public_cache_set

from . import ratelimit
from .renderers import CsvRenderer, OpenJsonRenderer

SAFE = ("GET", "HEAD", "OPTIONS")
ALLOWED_REQUEST_HEADERS = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Retry-After, X-Total-Count, X-RateLimit-Limit, X-RateLimit-Remaining"
FORMATS = {"json": "application/json", "csv": "text/csv"}

#: Set while the open-data schema is generated; the project's own schema leaves these views out.
_OPEN_SCHEMA: ContextVar[bool] = ContextVar("open_schema", default=False)


class OpenAutoSchema(AutoSchema):
    """Documents an operation only in the open-data document (`OpenSchemaGenerator`), so the private
    API's schema (`/api/schema/`, `manage.py spectacular`) stays exactly as it was."""

    def get_operation(self, *args, **kwargs):
        if not _OPEN_SCHEMA.get():
            return None
        return super().get_operation(*args, **kwargs)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = [("429", "请求过于频繁（每个地址在一个时间窗内的请求数有上限）；Retry-After 给出等待秒数")]
        if getattr(self.view, "filter_fields", None):
            errors.append(("400", "筛选参数不合法（fields 指出哪个参数）"))
        if "{" in self.path:
            errors.append(("404", "没有这条已公开的记录（未公开、已撤回或不存在）"))
        for code, description in errors:
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = description
            responses.setdefault(code, response)
        if self.method == "GET":
            responses.setdefault("304", {"description": "内容未改变（If-None-Match 或 If-Modified-Since 命中）"})
        return responses


class OpenSchemaGenerator(SchemaGenerator):
    """Generates the open-data document from the open-data URL patterns only."""

    def get_schema(self, request=None, public=False):
        token = _OPEN_SCHEMA.set(True)
        try:
            return super().get_schema(request=request, public=True)
        finally:
            _OPEN_SCHEMA.reset(token)


def requested_format(request) -> str | None:
    """`?format=` when given (None when unknown), else CSV when the Accept header prefers text/csv."""
    fmt = request.GET.get("format")
    if fmt:
        return fmt if fmt in FORMATS else None
    accept = request.META.get("HTTP_ACCEPT", "")
    if "text/csv" in accept and "application/json" not in accept.split("text/csv")[0]:
        return "csv"
    return "json"


def add_cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def throttled_response(allowance: ratelimit.Allowance) -> JsonResponse:
    seconds = allowance.retry_after
    message = ngettext(
        "Too many requests from this address: at most %(limit)d in each window. Try again in %(seconds)d second.",
        "Too many requests from this address: at most %(limit)d in each window. Try again in %(seconds)d seconds.",
        seconds) % {"limit": allowance.limit, "seconds": seconds}
    response = _json(error_body("throttled", message), 429)
    response["Retry-After"] = str(seconds)
    return response


class OpenDataView(APIView):
    """Base of every open-data endpoint. Subclasses implement `get` and may set:

    - `last_modified(request, **kwargs) -> datetime | None`: when the answer's data last changed;
    - `csv_columns(rows) -> list[str]`: the CSV header (the serializer's fields by default).
    """

    access_rule = PUBLIC
    authentication_classes: list = []
    permission_classes = [AccessRulePermission]
    http_method_names = ["get", "head", "options"]
    renderer_classes = [OpenJsonRenderer, CsvRenderer]
    schema = OpenAutoSchema()
    #: Keep answers in the cache (off for answers that are not data, such as the schema).
    cache_answers = True

    # --- DRF hooks ------------------------------------------------------------------------------

    def perform_content_negotiation(self, request, force=False):
        fmt = requested_format(request._request)
        if fmt is None:
            if force:  # answering the error itself: in JSON
                return OpenJsonRenderer(), OpenJsonRenderer.media_type
            raise exceptions.NotFound()
        renderer = next(r for r in self.get_renderers() if r.format == fmt)
        return renderer, renderer.media_type

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Errors are always JSON (the project's error body), even for ?format=csv.
        if response.status_code >= 400 and isinstance(getattr(response, "accepted_renderer", None), CsvRenderer):
            response.accepted_renderer = OpenJsonRenderer()
            response.accepted_media_type = OpenJsonRenderer.media_type
            response.content_type = None
        return response

    def csv_columns(self, rows: list[dict]) -> list[str]:
        serializer = self.get_serializer_class()() if hasattr(self, "get_serializer_class") else None
        if serializer is not None and hasattr(serializer, "fields"):
            return list(serializer.fields)
        return list(rows[0]) if rows else []

    def last_modified(self, request, **kwargs) -> dt.datetime | None:
        return None

    # --- the wrapper ------------------------------------------------------------------------------

    def _cache_key(self, request, fmt: str, generation: int | None) -> str:
        query = "&".join(sorted(f"{k}={v}" for k in request.GET for v in request.GET.getlist(k) if k != "format"))
        return public_cache_key("opendata", request.get_host(), request.path, query, fmt, get_language() or "",
                                generation=generation)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(SAFE)
            response["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
            response["Access-Control-Max-Age"] = "86400"
            return add_cors(response)
        allowance = ratelimit.count_request(request)
        if allowance is not None and allowance.refused:
            return add_cors(throttled_response(allowance))
        if request.method in ("GET", "HEAD") and self.cache_answers:
            response = self._cached_dispatch(request, allowance.generation if allowance else None, *args, **kwargs)
        else:
            response = super().dispatch(request, *args, **kwargs)
        if allowance is not None:
            response["X-RateLimit-Limit"] = str(allowance.limit)
            response["X-RateLimit-Remaining"] = str(allowance.remaining)
        patch_vary_headers(response, ("Accept", "Accept-Language"))
        return add_cors(response)

    def _cached_dispatch(self, request, generation: int | None, *args, **kwargs) -> HttpResponse:
        fmt = requested_format(request)
        key = self._cache_key(request, fmt or "?", generation)
        kept = public_cache_get(key) if fmt else None
        if kept is None:
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            if response.status_code != 200:
                return response
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            changed = self.last_modified(request, **kwargs)
            headers = {name: value for name, value in response.items()
                       if name in ("Content-Type", "Link", "X-Total-Count", "Content-Disposition")}
            kept = (response.content, headers, etag, changed.timestamp() if changed else None)
            public_cache_set(key, kept)
        content, headers, etag, changed = kept
        response = HttpResponse(b"" if request.method == "HEAD" else content)
        for name, value in headers.items():
            response[name] = value
        if request.method == "HEAD":
            response["Content-Length"] = str(len(content))
        response["ETag"] = etag
        if changed is not None:
            response["Last-Modified"] = http_date(changed)
        response["Cache-Control"] = "public, max-age=60"
        return get_conditional_response(request, etag=etag, last_modified=int(changed) if changed else None,
                                        response=response)
