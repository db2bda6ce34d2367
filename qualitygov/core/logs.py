"""Log records that say which request they belong to, and a one-line JSON format for them.

`RequestContextFilter` puts `request_id`, `user_id` and `path` on every record (outside a request,
e.g. in a management command, no user or path, and the local id the audit trail gave that work if
it recorded any); `JsonFormatter` writes each record as one JSON object per
line. `config/settings/base.py` uses the JSON format when `QUALITYGOV_LOG_FORMAT=json`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from .context import current_request, peek_request_id


def _user_id(request) -> int | None:
    # Only a user the request already loaded: a log line must not trigger a query (the database
    # may be what the line is about).
    user = getattr(request, "_cached_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `user_id` and `path` of the current request to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request()
        record.request_id = peek_request_id() or ""
        record.user_id = _user_id(request) if request is not None else None
        record.path = getattr(request, "path", "") if request is not None else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, request context,
    and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user_id": getattr(record, "user_id", None),
            "path": getattr(record, "path", ""),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
