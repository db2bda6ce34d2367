"""Every URL declares its access rule (qualitygov/core/access.py); a view without one fails here."""

from __future__ import annotations

from django.urls import include, path
from django.views.generic import TemplateView
from rest_framework import routers, viewsets

from qualitygov.accounts.choices import Action
from qualitygov.core.access import LOGIN, PUBLIC, AccessMixin, access

from .urlwalk import routes


def rule_problem(rule: str | None) -> str | None:
    """Why `rule` is not a valid declaration, or None when it is."""
    if not rule:
        return "declares no access rule"
    if rule in (PUBLIC, LOGIN):
        return None
    if rule.startswith("action:") and all(a in Action.values for a in rule.split(":", 1)[1].split("|")):
        return None  # one action, or several any of which lets the user in ("action:approve|review")
    return f"declares an unknown access rule {rule!r}"


def undeclared(urlconf=None) -> list[str]:
    return [f"{route.label}: {problem}" for route in routes(urlconf) if (problem := rule_problem(route.rule))]


def test_every_url_declares_an_access_rule():
    offenders = undeclared()
    if offenders:
        print("URLs whose view declares no valid access rule:")
        print("\n".join(f"  {line}" for line in offenders))
    assert offenders == [], "\n".join(
        ["URLs whose view declares no valid access rule (use @access(...), AccessMixin + access_rule, "
         "or access_rule + AccessRulePermission on API views):", *offenders]
    )


def test_the_walk_reaches_included_api_and_schema_routes():
    found = routes()
    assert {"core:home", "accounts:login", "set_language", "api-schema", "api-docs"} <= {r.name for r in found}
    assert any(getattr(r.callback, "actions", None) for r in found), "no DRF router route was reached"


class _UndeclaredViewSet(viewsets.ViewSet):
    def list(self, request):  # pragma: no cover - never called
        raise AssertionError


class _DeclaredViewSet(viewsets.ViewSet):
    access_rule = LOGIN

    def list(self, request):  # pragma: no cover - never called
        raise AssertionError


class _DeclaredPage(AccessMixin, TemplateView):
    access_rule = "action:manage"


_router = routers.SimpleRouter()
_router.register("bare", _UndeclaredViewSet, basename="bare")
_router.register("ruled", _DeclaredViewSet, basename="ruled")

_PROBE_URLS = [
    path("ok/", access(LOGIN)(lambda request: None), name="ok"),
    path("bare/", lambda request: None, name="bare-page"),
    path("typo/", access("action:manaeg")(lambda request: None), name="typo"),
    path("cbv/", _DeclaredPage.as_view(), name="cbv"),
    path("deep/", include((
        [path("api/", include(_router.urls)), path("<int:pk>/", lambda request, pk: None, name="item")],
        "deep",
    ))),
]


def test_the_check_names_every_kind_of_offender():
    offenders = undeclared(_PROBE_URLS)
    assert offenders == [
        "bare-page [/bare/]: declares no access rule",
        "typo [/typo/]: declares an unknown access rule 'action:manaeg'",
        "deep:bare-list [/deep/api/bare/]: declares no access rule",
        "deep:item [/deep/<int:pk>/] (pk): declares no access rule",
    ]
