"""Schemathesis over the whole API schema: no input answers a 5xx, and every documented answer matches the schema.

The schema is generated in-process and each case is sent through Django's WSGI application with an
API token, as the office and as a unit liaison, over a small world (plans, tasks, indicators,
observations, reports, a finding); cases are valid and invalid against the schema. Bounded: a few
derandomized examples per operation, no shrinking.
DELETE on the token endpoint is left out (it would revoke the token the run signs in with).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from qualitygov.accounts.testing import PASSWORD

pytestmark = pytest.mark.fuzz

#: Examples per operation and caller (half valid, half invalid input): 39 operations × 2 callers × this
#: stays well under two minutes. `QUALITYGOV_FUZZ_EXAMPLES=200` explores further on a developer's machine.
MAX_EXAMPLES = int(os.environ.get("QUALITYGOV_FUZZ_EXAMPLES", "16"))
EXCLUDED = {("DELETE", "/api/v1/auth/token/")}


def _world(cast) -> None:
    from qualitygov.indicators.tests.url_samples import world
    from qualitygov.progress.tests import url_samples as progress

    world(cast)
    for make in (progress.solo_report, progress.filed_part, progress.finding, progress.extension):
        make(cast)


def _token(username: str) -> str:
    response = Client().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()["token"]


class _InTransactionWSGI:
    """Django's WSGI app inside the test's transaction, the test client's way: while a request runs
    (until its response is closed) the signals that close database connections are disconnected.
    Per call, because the test client reconnects them after each of its own requests."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        started = request_started.disconnect(close_old_connections)
        finished = request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
            return [body]
        finally:
            if started:
                request_started.connect(close_old_connections)
            if finished:
                request_finished.connect(close_old_connections)


@pytest.fixture
def wsgi_app(settings):
    settings.ALLOWED_HOSTS = ["*"]
    return _InTransactionWSGI()


def _first_lines(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " | ".join(lines[:6])


def _known_ids(schema, headers: dict[str, str]) -> dict[str, list[int]]:
    """For each list path, the ids the caller sees on its first page (so detail and action cases hit real rows)."""
    client = Client()
    ids: dict[str, list[int]] = {}
    for path in schema.raw_schema["paths"]:
        if "{" in path or "get" not in schema.raw_schema["paths"][path]:
            continue
        response = client.get(path, headers=headers)
        body = response.json() if response.status_code == 200 else {}
        rows = body.get("results", body) if isinstance(body, dict) else body
        if isinstance(rows, list):
            ids[path] = [row["id"] for row in rows if isinstance(row, dict) and isinstance(row.get("id"), int)]
    return ids


def _with_known_ids(operation, known: dict[str, list[int]]):
    """Valid and invalid cases of the operation, half of them with `{id}` set to an id the caller can see."""
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    if "{id}" not in operation.path:
        return strategy
    choices = known.get(operation.path.split("{id}")[0], [])
    if not choices:
        return strategy

    def place(pair):
        case, pk = pair
        if pk is not None:
            case.path_parameters = {**(case.path_parameters or {}), "id": pk}
        return case

    return st.tuples(strategy, st.one_of(st.none(), st.sampled_from(choices))).map(place)


def _failures(schema, token: str) -> list[str]:
    found: list[str] = []
    headers = {"Authorization": f"Token {token}"}
    known = _known_ids(schema, headers)
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue

        @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                             phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))
        @given(case=_with_known_ids(operation, known))
        def run(case):
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance],
                                       headers=headers)
            except BaseException as exc:  # schemathesis raises a BaseExceptionGroup; record the first example
                found.append(f"{case.method.upper()} {case.path}: {response.status_code} "
                             f"{case.path_parameters} {case.query} {case.body!r:.200}\n    {_first_lines(exc)}")
                raise

        try:
            run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # recorded above; go on to the next operation
            continue
    return found


@pytest.mark.parametrize("member", ["office", "liaison_a"])
def test_no_5xx_and_no_schema_violation(cast, wsgi_app, member):
    _world(cast)
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = wsgi_app
    failures = _failures(schema, _token(cast.members[member].username))
    assert failures == [], "\n".join(failures)
