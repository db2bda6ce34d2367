"""Lists and their .xlsx exports take the same number of queries for 5 rows as for 30."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualitygov.progress.models import Finding, WorkItem
from qualitygov.progress.services import finding_create

from .factories import make_item, make_task

LISTS = ["progress:work_item_list", "progress:work_item_list_xlsx", "progress:finding_list",
         "progress:finding_list_xlsx"]


def _grow_to(cast, task, total: int) -> None:
    """Work items (each with two co units) and a finding on each, up to `total` of both."""
    for i in range(WorkItem.objects.count(), total):
        item = make_item(cast, task, title=f"事项{i:02d}")
        finding_create(actor=cast.office, source="inspection", title=f"问题{i:02d}", unit=cast.dept_a,
                       deadline=dt.date(2026, 12, 31), found_on=dt.date(2026, 6, 1), work_item=item)


@pytest.mark.parametrize("url_name", LISTS)
def test_queries_do_not_grow_with_rows(cast, client_for, url_name):
    task = make_task(cast)
    client = client_for("liaison_a")
    counts = []
    for total in (5, 30):
        _grow_to(cast, task, total)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert (WorkItem.objects.count(), Finding.objects.count()) == (30, 30)
    assert counts[0] == counts[1]
