"""Serializers made from the datasets' field declarations, for the OpenAPI document only: the rows
are built as dicts in `datasets` with exactly the declared names, and rendered as they are."""

from __future__ import annotations

from functools import cache

from rest_framework import serializers

from .datasets import HISTORY_FIELDS, Field

_TYPES = {
    "string": lambda help_text: serializers.CharField(help_text=help_text, allow_blank=True, allow_null=True),
    "integer": lambda help_text: serializers.IntegerField(help_text=help_text, allow_null=True),
    "number": lambda help_text: serializers.FloatField(help_text=help_text, allow_null=True),
    "boolean": lambda help_text: serializers.BooleanField(help_text=help_text),
    "date": lambda help_text: serializers.DateField(help_text=help_text, allow_null=True),
    "date-time": lambda help_text: serializers.DateTimeField(help_text=help_text, allow_null=True),
    "array": lambda help_text: serializers.ListField(child=serializers.CharField(), help_text=help_text),
    "object": lambda help_text: serializers.DictField(help_text=help_text),
}


def _serializer(name: str, fields: list[Field], extra: dict | None = None) -> type[serializers.Serializer]:
    attrs = {f.name: _TYPES[f.type](f.description) for f in fields}
    attrs.update(extra or {})
    attrs["Meta"] = type("Meta", (), {"ref_name": name})
    return type(name, (serializers.Serializer,), attrs)


@cache
def row_serializer(name: str, fields: tuple[Field, ...]) -> type[serializers.Serializer]:
    """The schema of one row of a dataset."""
    return _serializer(name, list(fields))


@cache
def page_serializer(name: str, fields: tuple[Field, ...]) -> type[serializers.Serializer]:
    """The schema of one page of a dataset: totals, links and the rows."""
    row = row_serializer(name, fields)
    return _serializer(f"{name}Page", [], {
        "count": serializers.IntegerField(help_text="符合筛选条件的记录总数"),
        "page": serializers.IntegerField(help_text="本页页码（从 1 开始）"),
        "pages": serializers.IntegerField(help_text="总页数"),
        "next": serializers.URLField(allow_null=True, help_text="下一页的完整地址；没有下一页时为 null"),
        "previous": serializers.URLField(allow_null=True, help_text="上一页的完整地址；没有上一页时为 null"),
        "results": row(many=True, help_text="本页的记录"),
    })


def history_serializer() -> type[serializers.Serializer]:
    return row_serializer("OpenHistoryEntry", tuple(HISTORY_FIELDS))
