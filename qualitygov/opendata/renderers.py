"""CSV for the open-data API: UTF-8 with a byte-order mark (so Excel reads the Chinese), one header row of
the stable field names, CRLF line ends (RFC 4180)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer

BOM = "\ufeff"
#: A negative number stays as it is (the API's figures are decimal strings); anything else starting with
#: a formula character is text.
_NUMBER = re.compile(r"^-(\d+(\.\d*)?|\.\d+)$")


def csv_cell(value: Any) -> str:
    """One cell: numbers as written, lists joined with "；", text a spreadsheet would run as a formula
    (a leading = + - @, tab or carriage return) prefixed with an apostrophe, so it stays text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        value = "；".join(csv_cell(v) for v in value)
    elif isinstance(value, dict):
        value = "；".join(f"{k}={csv_cell(v)}" for k, v in value.items())
    text = str(value)
    if text and text[0] in "=+-@\t\r" and not _NUMBER.match(text):
        return "'" + text
    return text


def _lookup(row: dict, column: str) -> Any:
    """A column's value; `data.<key>` reads `key` of the row's `data` object."""
    if column in row or not column.startswith("data."):
        return row.get(column)
    return (row.get("data") or {}).get(column[5:])


def csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(_lookup(row, column)) for column in columns])
    return BOM + out.getvalue()


class CsvRenderer(BaseRenderer):
    """Renders a list answer's `results` (or one object) with the columns the view names (`csv_columns`).
    An error body is rendered as JSON by the view (see `OpenDataView.finalize_response`)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        rows = data.get("results", [data]) if isinstance(data, dict) else list(data or [])
        columns = view.csv_columns(rows) if view is not None and hasattr(view, "csv_columns") else (
            list(rows[0]) if rows else [])
        return csv_text(columns, rows).encode("utf-8")


class OpenJsonRenderer(JSONRenderer):
    """JSON with Chinese as characters (not \\u escapes) and no browsable-API fallback."""

    charset = "utf-8"
