"""Paging of the open-data lists: page numbers over a fixed order, so a page always holds the same rows
until something is published or withdrawn. Links to the next and previous pages are in the body and in
a `Link` header (RFC 8288), the total in `X-Total-Count` (CSV has no room for them in the body)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class OpenPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        next_url, previous_url = self.get_next_link(), self.get_previous_link()
        links = [f'<{url}>; rel="{rel}"' for url, rel in ((next_url, "next"), (previous_url, "prev")) if url]
        headers = {"X-Total-Count": str(self.page.paginator.count)}
        if links:
            headers["Link"] = ", ".join(links)
        return Response({"count": self.page.paginator.count, "page": self.page.number,
                         "pages": self.page.paginator.num_pages, "next": next_url, "previous": previous_url,
                         "results": data}, headers=headers)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        props = described["properties"]
        props["count"]["description"] = "符合筛选条件的记录总数"
        props["next"]["description"] = "下一页的完整地址；没有下一页时为 null"
        props["previous"]["description"] = "上一页的完整地址；没有上一页时为 null"
        props["results"]["description"] = "本页的记录"
        described["properties"] = {
            "count": props["count"],
            "page": {"type": "integer", "example": 1, "description": "本页页码（从 1 开始）"},
            "pages": {"type": "integer", "example": 1, "description": "总页数"},
            "next": props["next"], "previous": props["previous"], "results": props["results"],
        }
        described["required"] = ["count", "page", "pages", "next", "previous", "results"]
        return described
