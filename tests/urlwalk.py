"""Walk every URL pattern of the project and describe it for the access and permission-matrix tests.

`routes()` flattens `config.urls` through every `include()` (DRF router patterns and the OpenAPI
schema/docs views included) into `Route`s: the full name ("accounts:login"), the pattern text,
the resolved callback, the keyword arguments the URL needs and the access rule its view declares.
`samples()` merges the `SAMPLES` dicts of every `qualitygov/<app>/tests/url_samples.py`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from qualitygov.core.access import declared_rule

ROOT = Path(__file__).resolve().parent.parent

#: Arguments that DRF's router adds to every route (`.json` suffixes); filled in without a sample.
DEFAULT_KWARGS = {"format": "json"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    callback: Callable
    kwarg_names: tuple[str, ...]

    @property
    def label(self) -> str:
        """The name when there is one (how people know a URL), the pattern otherwise."""
        kwargs = f" ({', '.join(self.kwarg_names)})" if self.kwarg_names else ""
        return f"{self.name or '<unnamed>'} [{self.pattern}]{kwargs}"

    @property
    def rule(self) -> str | None:
        return declared_rule(self.callback)

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def is_drf(self) -> bool:
        from rest_framework.views import APIView

        klass = self.view_class
        return klass is not None and issubclass(klass, APIView)

    @property
    def is_api(self) -> bool:
        """A DRF view that speaks JSON: refusals answer with the API's error body instead of a page.

        DRF views that only render HTML (the API docs page) are pages for people."""
        if not self.is_drf:
            return False
        return any("json" in renderer.media_type for renderer in self.view_class().get_renderers())

    def accepts(self, method: str) -> bool:
        """Whether the view declares that it handles `method` (function views: assumed yes)."""
        method = method.lower()
        actions = getattr(self.callback, "actions", None)
        if actions:  # a router-built viewset route: only the mapped methods exist
            return method in actions
        klass = self.view_class
        if klass is None:
            return True
        return method in klass.http_method_names and hasattr(klass, method)


def _pattern_text(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    return text


def _kwarg_names(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return []


def _walk(patterns, prefix: str, namespace: str, kwargs: list[str]) -> Iterator[Route]:
    for entry in patterns:
        names = kwargs + _kwarg_names(entry.pattern)
        text = prefix + _pattern_text(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, text, inner, names)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(name=name, pattern="/" + text, callback=entry.callback, kwarg_names=tuple(dict.fromkeys(names)))


def routes(urlconf: Any = None) -> list[Route]:
    """Every URL pattern reachable from `urlconf`: the project's ROOT_URLCONF, a module or a list."""
    patterns = urlconf if isinstance(urlconf, list | tuple) else get_resolver(urlconf).url_patterns
    return list(_walk(patterns, "", "", []))


Sample = Callable[[Any], dict[str, Any]]


def samples() -> dict[str, Sample]:
    """`SAMPLES` from every `qualitygov/<app>/tests/url_samples.py`; a name given twice is an error."""
    merged: dict[str, Sample] = {}
    owners: dict[str, str] = {}
    for path in sorted((ROOT / "qualitygov").glob("*/tests/url_samples.py")):
        module_name = f"qualitygov.{path.parent.parent.name}.tests.url_samples"
        module = importlib.import_module(module_name)
        for name, factory in getattr(module, "SAMPLES", {}).items():
            if name in merged:
                raise AssertionError(f"URL sample {name!r} is defined in both {owners[name]} and {module_name}")
            merged[name] = factory
            owners[name] = module_name
    return merged


def missing_kwargs(route: Route, sample_names: set[str]) -> list[str]:
    """The URL arguments that neither the sample nor the defaults provide."""
    return [name for name in route.kwarg_names if name not in sample_names and name not in DEFAULT_KWARGS]


def url_kwargs(route: Route, sample: dict[str, Any]) -> dict[str, Any]:
    """The kwargs to reverse `route` with: the sample's, plus defaults for router-added arguments."""
    kwargs = {name: sample[name] for name in route.kwarg_names if name in sample}
    for name in route.kwarg_names:
        if name not in kwargs and name in DEFAULT_KWARGS:
            kwargs[name] = DEFAULT_KWARGS[name]
    return kwargs


#: Routes that answer an HTML fragment for htmx to swap into a page (no layout, title or nav of their
#: own): page-level checks (help link, accessibility) apply to the page that holds them.
FRAGMENTS = frozenset({"core:job_rows", "core:job_progress"})
