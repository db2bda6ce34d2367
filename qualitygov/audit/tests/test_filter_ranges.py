"""Out-of-range dates in the audit log's filters are refused as form errors, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("query", "field"), [({"date_to": "9999-12-31"}, "date_to"),
                                              ({"date_from": "0001-01-01"}, "date_from")])
def test_out_of_range_dates_are_form_errors(cast, client_for, query, field):
    response = client_for("office").get(reverse("audit:list"), query)
    assert response.status_code == 200
    assert response.context["filter"].form.errors == {field: ["请输入 1900-01-01 至 2999-12-31 之间的日期。"]}
