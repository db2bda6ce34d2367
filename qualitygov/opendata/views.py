"""`/api/open/v1/` endpoints, the open-data OpenAPI document, its docs page and the data dictionary.

Every endpoint reads `datasets.published(...)` only: portal's published items. An item that was never
published, or was withdrawn, is not in any list and its address answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.shortcuts import render
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework import serializers
from rest_framework.response import Response

from qualitygov.core.access import PUBLIC, access
from qualitygov.core.security import CSP_HEADER, content_security_policy

from . import datasets as ds
from .filters import FILTERS, Criteria
from .http import OpenDataView, OpenSchemaGenerator
from .pagination import MAX_PAGE_SIZE, PAGE_SIZE, OpenPagination
from .serializers import history_serializer, page_serializer, row_serializer

TAG_DATA = "开放数据"
TAG_META = "说明"

FILTER_PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, description=(
        "按期间筛选：年份（2026）、季度（2026-Q1）、月份（2026-03）或日期（2026-03-31），与记录期间有交集即命中；"
        "其他文字须与期间名称完全一致（如 2026年上半年）")),
    OpenApiParameter("town", OpenApiTypes.STR, description="按镇（街道）名称筛选，须完全一致（如 长寿路街道）"),
    OpenApiParameter("category", OpenApiTypes.STR, description="按分类筛选，须完全一致（见各数据集的 category 字段）"),
    OpenApiParameter("updated_since", OpenApiTypes.STR, description=(
        "只列出此时间以后发布或修订的记录（ISO 8601，如 2026-03-31 或 2026-03-31T08:00:00+08:00）")),
]
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="页码，从 1 开始；顺序固定，同一页在下次发布前内容不变"),
    OpenApiParameter("page_size", OpenApiTypes.INT,
                     description=f"每页条数，默认 {PAGE_SIZE}，最多 {MAX_PAGE_SIZE}"),
]
FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"],
    description="json（默认）或 csv（UTF-8，带 BOM，可直接用 Excel 打开）；也可用请求头 Accept: text/csv")
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH, description="记录的稳定标识（列表中的 id）")
KIND_PARAMETER = OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH,
                                  description="数据类别（见 /api/open/v1/datasets/ 的 kind）")


def _list_docs(dataset: ds.Dataset, *, extra: list | None = None, fields: list | None = None):
    return extend_schema(
        summary=f"列出{dataset.title}", description=dataset.description, tags=[TAG_DATA],
        operation_id=f"open_{dataset.name.replace('-', '_')}_list",
        parameters=[*FILTER_PARAMETERS, *(extra or []), *PAGE_PARAMETERS, FORMAT_PARAMETER],
        responses={200: page_serializer(_ref(dataset.name), tuple(fields or dataset.fields))})


def _ref(name: str) -> str:
    return "Open" + "".join(part.capitalize() for part in name.split("-"))


class ListView(OpenDataView):
    """A paged, filtered list. Subclasses give `dataset` and either `items()` (rows one per item, paged
    in the database) or `derived_rows()` (rows inside the items' snapshots, paged in Python)."""

    dataset: ds.Dataset
    filter_fields = FILTERS

    def csv_columns(self, rows):
        return [f.name for f in self.dataset.fields]

    def kinds(self, **kwargs) -> list[str]:
        return self.dataset.kinds()

    def last_modified(self, request, **kwargs) -> dt.datetime | None:
        return ds.last_change(self.kinds(**kwargs))

    def row(self, item) -> dict[str, Any]:
        return ds.item_row(item)

    def derived_rows(self, items, criteria: Criteria, **kwargs) -> list[dict] | None:
        return None

    def get(self, request, **kwargs):
        criteria = Criteria.from_query(request.GET)
        items = ds.published(self.kinds(**kwargs))
        paginator = OpenPagination()
        derived = self.derived_rows(items, criteria, **kwargs)
        if derived is not None:
            return paginator.get_paginated_response(paginator.paginate_queryset(derived, request, view=self))
        page = paginator.paginate_queryset(criteria.apply(items), request, view=self)
        return paginator.get_paginated_response([self.row(item) for item in page])


class IndicatorListView(ListView):
    dataset = ds.DATASET_BY_NAME["indicators"]

    def row(self, item):
        return ds.indicator_row(item)

    @_list_docs(ds.DATASET_BY_NAME["indicators"])
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class ValueListView(ListView):
    dataset = ds.DATASET_BY_NAME["indicator-values"]

    def derived_rows(self, items, criteria, **kwargs):
        items = items.filter(slug=kwargs["id"]) if "id" in kwargs else items
        if "id" in kwargs and not items.exists():
            raise Http404
        return ds.value_rows(items, criteria)

    @_list_docs(ds.DATASET_BY_NAME["indicator-values"])
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class IndicatorValueListView(ValueListView):
    """One indicator's values (the same rows as the flat list, for one indicator)."""

    @extend_schema(summary="列出一个指标的各期数值", tags=[TAG_DATA], operation_id="open_indicator_values_list",
                   description="一个已公开指标的各期数值，字段与 indicator-values 相同。",
                   parameters=[ID_PARAMETER, *FILTER_PARAMETERS, *PAGE_PARAMETERS, FORMAT_PARAMETER],
                   responses={200: page_serializer("OpenIndicatorValues", tuple(ds.VALUE_FIELDS))})
    def get(self, request, **kwargs):
        return ListView.get(self, request, **kwargs)


class TargetListView(ListView):
    dataset = ds.DATASET_BY_NAME["targets"]

    def derived_rows(self, items, criteria, **kwargs):
        return ds.target_rows(items, criteria)

    @_list_docs(ds.DATASET_BY_NAME["targets"])
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class TaskListView(ListView):
    dataset = ds.DATASET_BY_NAME["tasks"]

    def derived_rows(self, items, criteria, **kwargs):
        return ds.task_rows(items, criteria)

    @_list_docs(ds.DATASET_BY_NAME["tasks"])
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class SamplingListView(ListView):
    dataset = ds.DATASET_BY_NAME["sampling-results"]

    def csv_columns(self, rows):
        return data_columns(self.dataset.fields, rows)

    @_list_docs(ds.DATASET_BY_NAME["sampling-results"])
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


KIND_FILTER = OpenApiParameter("kind", OpenApiTypes.STR, description="只列出这一类登记事项（见 datasets 的 kind）")


class RegisterListView(ListView):
    dataset = ds.DATASET_BY_NAME["register-entries"]

    def kinds(self, **kwargs):
        kinds = self.dataset.kinds()
        wanted = self.request.GET.get("kind") if getattr(self, "request", None) else None
        return [k for k in kinds if k == wanted] if wanted else kinds

    def csv_columns(self, rows):
        return data_columns(self.dataset.fields, rows)

    @_list_docs(ds.DATASET_BY_NAME["register-entries"], extra=[KIND_FILTER])
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


def data_columns(fields: list[ds.Field], rows: list[dict]) -> list[str]:
    """CSV columns of a list with a `data` object: the item fields, then `data.<name>` for every key of
    the rows' snapshots in alphabetical order (nested values are joined into one cell). Alphabetical, not
    as stored: PostgreSQL's jsonb keeps keys in its own order, and a download's columns must not depend on
    the database."""
    columns = [f.name for f in fields if f.name != "data"]
    seen: dict[str, None] = {}
    for row in rows:
        for key in (row.get("data") or {}):
            seen.setdefault(key, None)
    return columns + [f"data.{key}" for key in sorted(seen)]


# --- one indicator, any item, the index ------------------------------------------------------------

class _DetailView(OpenDataView):
    kinds_of: list[str] | None = None

    def item(self, **kwargs):
        kinds = [kwargs["kind"]] if "kind" in kwargs else self.kinds_of
        item = ds.published(kinds).filter(slug=kwargs["id"]).first()
        if item is None:
            raise Http404
        return item

    def last_modified(self, request, **kwargs):
        item = ds.published().filter(slug=kwargs.get("id")).only("last_published_at").first()
        return item.last_published_at if item else None


def _detail_serializer(name: str, fields: list, extra: dict):
    row = row_serializer(name + "Row", tuple(fields))
    return type(name, (row,), {**extra, "Meta": type("Meta", (), {"ref_name": name})})


class IndicatorDetailView(_DetailView):
    kinds_of = [ds.INDICATOR]

    def csv_columns(self, rows):
        return [f.name for f in ds.VALUE_FIELDS]

    @extend_schema(
        summary="读取一个指标", tags=[TAG_DATA], operation_id="open_indicator_read", parameters=[ID_PARAMETER],
        description="一个已公开指标的全部公开内容：定义、目标、分年度目标、序时进度路径、各期数值和公开记录（发布、修订的历史）。"
                    "?format=csv 给出该指标的各期数值。",
        responses={200: _detail_serializer("OpenIndicatorDetail", ds.INDICATOR_FIELDS, {
            "values": row_serializer("OpenIndicatorValuesRow", tuple(ds.VALUE_FIELDS))(many=True, help_text="各期数值"),
            "targets": row_serializer("OpenTargetsRow", tuple(ds.TARGET_FIELDS))(many=True, help_text="分年度目标"),
            "path": serializers.ListField(child=serializers.DictField(), help_text=(
                "序时进度路径：每个报送期末按时间比例应达到的数值（period 期间、date 日期、expected 应达值）")),
            "history": history_serializer()(many=True, help_text="公开记录：每次发布、修订，最新的在前"),
        })})
    def get(self, request, **kwargs):
        item = self.item(**kwargs)
        everything = Criteria()
        values = ds.value_rows([item], everything)
        if request.accepted_renderer.format == "csv":
            return Response({"results": values})
        return Response({**ds.indicator_row(item), "values": values, "targets": ds.target_rows([item], everything),
                         "path": item.payload.get("path") or [], "history": ds.history(item)})


class ItemDetailView(_DetailView):
    def csv_columns(self, rows):
        return data_columns(ds.ITEM_FIELDS, rows)

    @extend_schema(
        summary="读取一条公开记录", tags=[TAG_DATA], operation_id="open_item_read",
        parameters=[KIND_PARAMETER, ID_PARAMETER],
        description="任一类别的一条已公开记录：公开内容（data）和公开记录（history）。",
        responses={200: _detail_serializer("OpenItemDetail", [*ds.ITEM_FIELDS, ds.ITEM_DATA], {
            "history": history_serializer()(many=True, help_text="公开记录：每次发布、修订，最新的在前")})})
    def get(self, request, **kwargs):
        item = self.item(**kwargs)
        row = ds.item_row(item)
        if request.accepted_renderer.format == "csv":
            return Response({"results": [row]})
        return Response({**row, "history": ds.history(item)})


class KindListView(ListView):
    """Any kind's published items (`/datasets/<kind>/`)."""

    dataset = ds.Dataset("datasets", "公开记录", "某一类别的全部已公开记录，含公开内容（data）。",
                         [*ds.ITEM_FIELDS, ds.ITEM_DATA])

    def kinds(self, **kwargs):
        return [kwargs["kind"]]

    def csv_columns(self, rows):
        return data_columns(self.dataset.fields, rows)

    @extend_schema(summary="列出某一类别的公开记录", tags=[TAG_DATA], operation_id="open_kind_list",
                   description="某一类别（kind）的全部已公开记录，含公开内容（data）。没有这一类别的已公开记录时列表为空。",
                   parameters=[KIND_PARAMETER, *FILTER_PARAMETERS, *PAGE_PARAMETERS, FORMAT_PARAMETER],
                   responses={200: page_serializer("OpenKindItems", tuple([*ds.ITEM_FIELDS, ds.ITEM_DATA]))})
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class _KindEntry(serializers.Serializer):
    kind = serializers.CharField(help_text="数据类别")
    count = serializers.IntegerField(help_text="已公开记录数")
    updated_at = serializers.DateTimeField(allow_null=True, help_text="最近一次发布或修订的时间")
    url = serializers.CharField(help_text="该类别记录列表的地址")

    class Meta:
        ref_name = "OpenKind"


class KindIndexView(OpenDataView):
    """The kinds that have published items, with counts."""

    def csv_columns(self, rows):
        return ["kind", "count", "updated_at", "url"]

    def last_modified(self, request, **kwargs):
        return ds.last_change()

    @extend_schema(summary="列出数据类别", tags=[TAG_DATA], operation_id="open_kinds_list",
                   description="有已公开记录的全部数据类别，以及各类别的记录数。",
                   parameters=[FORMAT_PARAMETER], responses={200: _KindEntry(many=True)})
    def get(self, request, **kwargs):
        from django.db.models import Count, Max

        rows = [{"kind": r["kind"], "count": r["count"],
                 "updated_at": ds._iso(r["updated"]),
                 "url": request.build_absolute_uri(reverse("opendata:kind_list", kwargs={"kind": r["kind"]}))}
                for r in ds.published().values("kind").annotate(count=Count("id"), updated=Max("last_published_at"))
                .order_by("kind")]
        return Response({"results": rows} if request.accepted_renderer.format == "csv" else rows)


class RootView(OpenDataView):
    """The API's entry point: its datasets and documents."""

    def csv_columns(self, rows):
        return ["name", "title", "description", "url"]

    @extend_schema(summary="开放数据接口目录", tags=[TAG_META], operation_id="open_root",
                   description="本接口的数据集、说明文档和数据字典的地址。无需登录；只读；每个地址的请求数有上限。",
                   parameters=[FORMAT_PARAMETER], responses={200: OpenApiTypes.OBJECT})
    def get(self, request, **kwargs):
        absolute = request.build_absolute_uri
        rows = [{"name": d.name, "title": d.title, "description": d.description,
                 "url": absolute(reverse(f"opendata:{d.name}"))} for d in ds.DATASETS]
        rows.append({"name": "datasets", "title": "全部数据类别", "description": "各类别的已公开记录",
                     "url": absolute(reverse("opendata:kinds"))})
        if request.accepted_renderer.format == "csv":
            return Response({"results": rows})
        return Response({"version": "v1", "datasets": rows, "schema": absolute(reverse("opendata:schema")),
                         "docs": absolute(reverse("opendata:docs")),
                         "dictionary": absolute(reverse("opendata:dictionary"))})


# --- documents ------------------------------------------------------------------------------------

class SchemaView(SpectacularAPIView):
    """The open-data OpenAPI document (YAML; `?format=json` for JSON), without sign-in."""

    access_rule = PUBLIC
    authentication_classes: list = []
    permission_classes: list = []
    generator_class = OpenSchemaGenerator
    http_method_names = ["get", "head", "options"]
    schema = None  # not an operation of either document
    custom_settings = {
        "TITLE": "质量强区开放数据接口",
        "DESCRIPTION": (
            "普陀区质量强区工作的开放数据：指标及其数值和目标、重点任务的推进状态、抽检结果和登记事项。"
            "只包含质量强区办已决定公开的内容（撤回的记录随即消失），个人信息已脱敏。\n\n"
            "- 无需登录，只读（GET、HEAD、OPTIONS），允许跨域（CORS）。\n"
            "- 列表分页：page、page_size；响应体含 next、previous 链接，响应头 Link 和 X-Total-Count 同样给出。\n"
            "- 格式：JSON（默认）或 CSV（?format=csv 或 Accept: text/csv；UTF-8 带 BOM）。\n"
            "- 缓存：响应带 ETag 和 Last-Modified，请求带 If-None-Match 或 If-Modified-Since 时内容未变答 304。\n"
            "- 限流：每个地址在每个时间窗内的请求数有上限，超过答 429 并在 Retry-After 中给出等待秒数。\n"
            "- 错误：{code, message, fields}。\n"
            "- 字段名在 v1 内保持不变，见数据字典 /api/open/v1/dictionary/。"),
        "VERSION": "1.0.0",
        "SCHEMA_PATH_PREFIX": r"/api/open/v[0-9]+",
    }

    def get(self, request, *args, **kwargs):
        from . import urls

        self.patterns = [path("api/open/v1/", include(urls.data_patterns))]
        return super().get(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class DocsView(SpectacularRedocView):
    """Redoc over the open-data document, from bundled static files only."""

    access_rule = PUBLIC
    authentication_classes: list = []
    permission_classes: list = []
    template_name = "opendata/api_docs.html"
    schema = None

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["dictionary_url"] = reverse("opendata:dictionary")
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response[CSP_HEADER] = content_security_policy(worker_src="'self' blob:")
        return response


@access(PUBLIC)
def dictionary(request):
    """The data dictionary: every dataset's fields, their types and meaning, and the rules of the API."""
    return render(request, "opendata/dictionary.html", {
        "datasets": ds.DATASETS, "item_fields": [*ds.ITEM_FIELDS, ds.ITEM_DATA], "history_fields": ds.HISTORY_FIELDS,
        "page_size": PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE, "title": _("Open data dictionary"),
    })
