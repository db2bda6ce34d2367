"""Out-of-range values in the query string of any page never answer a server error.

Walks the pages the office reaches from the home page and the main lists, and sends each GET field
they show (plus the usual id and paging names) an id past the database's integers and dates at the
ends of Python's calendar.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

LISTS = {"/progress/", "/progress/findings/", "/accounts/users/", "/audit/", "/notifications/", "/indicators/",
         "/plans/"}
USUAL = {"page", "unit", "plan", "task", "year", "period", "cycle"}
SKIP = {"csrfmiddlewaretoken", "language", "next", "password", "username"}
VALUES = ("99999999999999999999", "9999-12-31", "0001-01-01")


def test_no_page_answers_a_server_error_to_out_of_range_query_values(cast, client_for):
    from qualitygov.indicators.tests.url_samples import world
    from qualitygov.progress.tests import url_samples as progress

    world(cast)
    progress.finding(cast)
    client = client_for("office")
    client.raise_request_exception = False
    pages = set(re.findall(r'href="(/[^"?#]*)"', client.get("/").content.decode())) | LISTS
    failures = []
    for page in sorted(pages):
        response = client.get(page)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        names = set(re.findall(r'<(?:input|select)[^>]*name="([a-z_]+)"', response.content.decode())) | USUAL
        for name in sorted(names - SKIP):
            for value in VALUES:
                status = client.get(f"{page}?{urlencode({name: value})}").status_code
                if status >= 500:
                    failures.append(f"{page}?{name}={value}: {status}")
    assert failures == []
