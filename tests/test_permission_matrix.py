"""The permission matrix: every URL × every member of the cast, expectations from the declared rule.

For each URL pattern of `config.urls` (see tests/urlwalk.py) and each cast member (office, leader,
liaison_a, liaison_b, town_liaison, office_dept — an office admin granted on 区住建局 only — and
anonymous):

- GET answers what the view's access rule promises. PUBLIC: 200 (or the view's own redirect);
  LOGIN: anonymous → 302 to the login page (API: 401/403 with the `{code, message, fields}` body),
  signed in → 200; `action:X` → 200 for members holding a role that allows X (ROLE_ACTIONS over
  their grants), 404 for everyone else.
- Object URLs whose sample names an `owner`: members whose scope does not cover the owner's unit get
  404 even when the rule lets them in.
- A POST (on API routes also each PUT/PATCH/DELETE the route serves) by every member who may not
  use the URL is refused (404/405; anonymous as above) and leaves every table, the audit trail
  included, exactly as it was.

The expectations are computed here from ROLE_ACTIONS and the cast's grants, not by asking the code
under test. URL arguments come from `SAMPLES` in `qualitygov/<app>/tests/url_samples.py`:

    SAMPLES = {"app:url_name": lambda cast: {"pk": obj.pk, "owner": "liaison_a"}}

Besides URL kwargs a sample may return:
  "owner":        the cast member whose unit owns the object (scope is checked against that unit);
  "owner_action": the action whose scope must cover the owner's unit (default: the rule's action,
                  "view" for LOGIN);
  "post":         a body that would be a valid submission, sent in the refused POSTs;
  "get_status":   what an allowed GET answers when it is not 200 (e.g. 302 for a redirecting view);
  "personal":     True when the object belongs to the owner personally (their own notification): only
                  the owner may use the URL, whatever anyone else's scope.
  "district_wide": True for a page acting on the whole district (plan import): the scope must cover
                  the district itself, so an office admin granted on one department gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qualitygov.accounts.choices import ROLE_ACTIONS, Action
from qualitygov.accounts.models import Grant, OrgUnit
from qualitygov.accounts.testing import Cast, build_cast
from qualitygov.core.access import PUBLIC
from qualitygov.core.models import AuditEvent

from .dbstate import changed_tables, table_snapshot
from .urlwalk import Route, missing_kwargs, routes, samples, url_kwargs

MEMBERS = ("office", "leader", "liaison_a", "liaison_b", "town_liaison", "office_dept", "anonymous")
SAMPLE_OPTIONS = {"owner", "owner_action", "post", "get_status", "personal", "district_wide"}
REDIRECTS = {301, 302, 303, 307, 308}

ROUTES = routes()
SAMPLES = samples()


@pytest.fixture
def cast(db) -> Cast:
    """The cast with `office_dept`, an office admin granted on 区住建局 only."""
    return build_cast(scoped_office=True)


def _route_id(route: Route) -> str:
    name = route.name or route.pattern
    return f"{name}({','.join(route.kwarg_names)})" if route.kwarg_names else name


# ---------------------------------------------------------------------------------------------
# What the rule promises, computed independently from ROLE_ACTIONS and the grants.
# ---------------------------------------------------------------------------------------------


def _grants(user) -> list[Grant]:
    return list(Grant.objects.filter(user=user).select_related("unit"))


def holds_action(user, action: str) -> bool:
    return any(action in ROLE_ACTIONS[g.role] for g in _grants(user))


def covers(user, action: str, unit: OrgUnit) -> bool:
    """Some grant of `user` allows `action` at `unit` (its own unit, or a subordinate one)."""
    return any(
        action in ROLE_ACTIONS[g.role]
        and (g.unit_id == unit.pk or (g.include_descendants and unit.path.startswith(g.unit.path)))
        for g in _grants(user)
    )


def rule_actions(rule: str) -> list[str]:
    """The actions of `action:X` (or `action:X|Y`: any of them)."""
    return rule.split(":", 1)[1].split("|") if rule.startswith("action:") else []


def may_use(rule: str, user, owner_unit: OrgUnit | None, owner_action: str | None, owner_user=None) -> bool:
    if rule == PUBLIC:
        return True
    if user is None:
        return False
    if owner_user is not None and user != owner_user:
        return False
    actions = rule_actions(rule)
    if actions and not any(holds_action(user, action) for action in actions):
        return False
    if owner_unit is not None:
        if owner_action:
            return covers(user, owner_action, owner_unit)
        return any(covers(user, action, owner_unit) for action in actions or [Action.VIEW])
    return True


# ---------------------------------------------------------------------------------------------
# Checking one answer.
# ---------------------------------------------------------------------------------------------


@dataclass
class Case:
    route: Route
    url: str
    rule: str
    sample: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        """API calls ask for JSON, as machine clients do (the schema view would answer YAML)."""
        return {"HTTP_ACCEPT": "application/json, */*;q=0.1"} if self.route.is_api else {}

    def describe(self) -> str:
        return f"{self.route.name} {self.url} (rule {self.rule})"


def _location(response) -> str:
    return response.get("Location", "")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and _location(response).startswith(reverse("accounts:login"))


def _error_body(response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def check_refused(case: Case, member: str, response) -> str | None:
    """None when `response` is the refusal `member` should get, otherwise what went wrong."""
    status = response.status_code
    if member == "anonymous" and case.rule != PUBLIC:
        if case.route.is_api:
            body = _error_body(response)
            if (status not in (401, 403) or body is None or set(body) != {"code", "message", "fields"}
                    or body["code"] != "not_authenticated"):
                return (f"expected 401/403 with {{code: not_authenticated, message, fields}}, "
                        f"got {status} {response.content[:120]!r}")
            return None
        if case.route.is_drf and status in (401, 403):
            return None  # an HTML page served by DRF (the API docs) refuses like the API, without a body
        if not _is_login_redirect(response):
            return f"expected 302 to the login page, got {status} {_location(response)}"
        return None
    if status not in (404, 405):
        return f"expected 404 (or 405), got {status} {_location(response)}"
    if case.route.is_api and status == 404 and (_error_body(response) or {}).get("code") != "not_found":
        return f"expected the API's not_found body, got {response.content[:120]!r}"
    return None


def check_allowed_get(case: Case, response) -> str | None:
    status = response.status_code
    if not case.route.accepts("get"):
        return None if status == 405 else f"the view does not serve GET: expected 405, got {status}"
    if "get_status" in case.sample:
        expected = case.sample["get_status"]
        return None if status == expected else f"expected {expected} (sample's get_status), got {status}"
    if case.rule == PUBLIC and status in REDIRECTS and not _is_login_redirect(response):
        return None  # e.g. the login page sends a signed-in user home, set_language goes back
    if status != 200:
        return f"expected 200, got {status} {_location(response)}"
    return None


# ---------------------------------------------------------------------------------------------
# Setting up one URL.
# ---------------------------------------------------------------------------------------------


def prepare(route: Route, cast) -> Case:
    rule = route.rule
    assert rule, f"{route.label} declares no access rule (see tests/test_url_access.py)"
    assert route.name, f"{route.label} has no name: give the URL pattern a name so it can be reversed"
    sample: dict[str, Any] = {}
    factory = SAMPLES.get(route.name)
    if route.kwarg_names:
        missing = missing_kwargs(route, set())
        if missing and factory is None:
            pytest.fail(f"{route.label} takes arguments {missing} but no url_samples.py has a sample for "
                        f"{route.name!r}: add SAMPLES[{route.name!r}] = lambda cast: {{...}} to "
                        "qualitygov/<app>/tests/url_samples.py")
    if factory is not None:
        sample = dict(factory(cast))
        lacking = missing_kwargs(route, set(sample))
        assert not lacking, f"the sample for {route.name!r} does not give the URL arguments {lacking}"
        unknown = sorted(set(sample) - set(route.kwarg_names) - SAMPLE_OPTIONS)
        assert not unknown, (f"the sample for {route.name!r} has keys {unknown} that are neither URL arguments "
                             f"nor one of {sorted(SAMPLE_OPTIONS)}")
        owner = sample.get("owner")
        assert owner is None or (owner in cast.members and owner != "anonymous"), (
            f"the sample for {route.name!r} names owner {owner!r}, which is not a signed-in cast member")
    url = reverse(route.name, kwargs=url_kwargs(route, sample))
    return Case(route=route, url=url, rule=rule, sample=sample)


def owner_of(case: Case, cast) -> tuple[OrgUnit | None, str | None, Any]:
    """The owner's unit, the action whose scope must cover it, and the owner when the object is personal."""
    owner = case.sample.get("owner")
    if case.sample.get("district_wide"):
        return cast.district, case.sample.get("owner_action"), None
    if owner is None:
        return None, None, None
    personal = cast.members[owner] if case.sample.get("personal") else None
    return cast.members[owner].unit, case.sample.get("owner_action"), personal


def client_as(cast, member: str) -> Client:
    client = Client()
    user = cast.members[member]
    if user is not None:
        client.force_login(user)
    return client


def _fail(case: Case, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{case.describe()}:\n" + "\n".join(f"  {p}" for p in problems), pytrace=False)


# ---------------------------------------------------------------------------------------------
# The tests.
# ---------------------------------------------------------------------------------------------


def test_every_url_with_arguments_has_a_sample():
    lacking = [
        route.label for route in ROUTES
        if route.kwarg_names and missing_kwargs(route, set()) and route.name not in SAMPLES
    ]
    assert lacking == [], "URLs with arguments but no entry in any qualitygov/<app>/tests/url_samples.py:\n" + \
        "\n".join(f"  {label}" for label in lacking)


def test_every_sample_names_an_existing_url():
    names = {route.name for route in ROUTES}
    stale = sorted(set(SAMPLES) - names)
    assert stale == [], f"url_samples.py entries for URL names that do not exist: {stale}"


def test_the_expectations_follow_role_actions_and_grants(cast):
    def allowed(rule, owner_unit=None, owner_action=None):
        return [m for m in MEMBERS if may_use(rule, cast.members[m], owner_unit, owner_action)]

    assert allowed(PUBLIC) == list(MEMBERS)
    assert allowed("login") == ["office", "leader", "liaison_a", "liaison_b", "town_liaison", "office_dept"]
    assert allowed("action:manage") == ["office", "office_dept"]
    assert allowed("action:approve") == ["office", "leader", "office_dept"]
    assert allowed("action:change") == ["office", "liaison_a", "liaison_b", "town_liaison", "office_dept"]
    assert allowed("action:approve|change") == ["office", "leader", "liaison_a", "liaison_b", "town_liaison",
                                                "office_dept"]
    assert allowed("action:approve|change", cast.dept_b) == ["office", "leader", "liaison_b", "office_dept"]
    assert allowed("login", cast.dept_a) == ["office", "leader", "liaison_a"]
    assert allowed("login", cast.town) == ["office", "leader", "town_liaison"]
    assert allowed("action:change", cast.dept_b) == ["office", "liaison_b", "office_dept"]
    assert allowed("login", cast.dept_a, "manage") == ["office"]
    assert allowed("login", cast.dept_b, "manage") == ["office", "office_dept"]
    assert [m for m in MEMBERS if may_use("login", cast.members[m], cast.dept_a, None, cast.liaison_a)] == [
        "liaison_a"]
    assert allowed("action:manage", cast.district) == ["office"]


def test_the_snapshot_sees_inserts_updates_and_deletes(cast):
    before = table_snapshot()
    OrgUnit.objects.filter(pk=cast.dept_a.pk).update(short_name="经信局")
    assert changed_tables(before, table_snapshot()) == ["accounts.OrgUnit"]
    before = table_snapshot()
    Grant.objects.filter(user=cast.liaison_b).delete()
    assert changed_tables(before, table_snapshot()) == ["accounts.Grant"]


def test_the_matrix_covers_every_route():
    assert len(ROUTES) >= 5
    assert {"core:home", "accounts:login", "api-schema"} <= {route.name for route in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_get_answers_what_the_rule_promises(route: Route, cast):
    case = prepare(route, cast)
    owner_unit, owner_action, owner_user = owner_of(case, cast)
    problems = []
    for member in MEMBERS:
        user = cast.members[member]
        response = client_as(cast, member).get(case.url, **case.headers)
        if may_use(case.rule, user, owner_unit, owner_action, owner_user):
            problem = check_allowed_get(case, response)
        else:
            problem = check_refused(case, member, response)
        if problem:
            problems.append(f"{member}: GET {problem}")
    _fail(case, problems)


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_refused_writes_change_nothing(route: Route, cast):
    """POST (and, on API routes, every other writing method they serve) by each member who may not use the URL."""
    case = prepare(route, cast)
    owner_unit, owner_action, owner_user = owner_of(case, cast)
    body = case.sample.get("post", {})
    methods = ["post"]
    if case.route.is_api:
        methods += [m for m in ("put", "patch", "delete") if case.route.accepts(m)]
    problems = []
    refused = {m: client_as(cast, m) for m in MEMBERS
               if not may_use(case.rule, cast.members[m], owner_unit, owner_action, owner_user)}
    # Nothing may change, so one snapshot serves as "before" for every request until one does.
    before, events_before = table_snapshot(), AuditEvent.objects.count()
    for member, client in refused.items():
        for method in methods:
            send = getattr(client, method)
            if case.route.is_api:
                response = send(case.url, body, content_type="application/json", **case.headers)
            else:
                response = send(case.url, body)
            verb = method.upper()
            if problem := check_refused(case, member, response):
                problems.append(f"{member}: {verb} {problem}")
            if (events_after := AuditEvent.objects.count()) != events_before:
                problems.append(f"{member}: {verb} wrote {events_after - events_before} audit event(s)")
                events_before = events_after
            after = table_snapshot()
            if changed := changed_tables(before, after):
                problems.append(f"{member}: {verb} changed rows in {', '.join(changed)}")
                before = after
    _fail(case, problems)
