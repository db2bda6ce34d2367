"""One choke point: views, API, exports, bulletins and jobs take scoped objects from `visible_to` or a selector.

A model whose default queryset is a `ScopedQuerySet` (qualitygov.core.scoping) may be read in a
views/API/io/bulletin/jobs module only as `Model.objects.visible_to(...)`; anything else
(`Model.objects.filter`, `.get`, `.count`, `.in_bulk`, …) belongs in the app's selectors, which
apply the scope. ALLOWED lists the few justified exceptions, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from qualitygov.core.scoping import ScopedQuerySet

ROOT = Path(__file__).resolve().parents[1] / "qualitygov"
#: Module names (a file, or a package's folder) that must read through the choke point.
CHECKED = {"views", "io", "bulletin", "api", "jobs"}

#: (path relative to qualitygov/, model, attribute) → why it is not a scoped read.
ALLOWED: dict[tuple[str, str, str], str] = {
}


def _scoped_models() -> set[str]:
    return {model.__name__ for model in apps.get_models()
            if isinstance(model._default_manager.get_queryset(), ScopedQuerySet)}


def _checked_files() -> list[Path]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        names = [p.removesuffix(".py") for p in parts[1:]]
        if any(name in CHECKED or name.startswith("views_") for name in names):
            out.append(path)
    return out


def unscoped_reads() -> list[tuple[str, int, str, str]]:
    """(file, line, model, attribute) of every `Model.objects.<attribute>` on a scoped model, other than visible_to."""
    scoped = _scoped_models()
    found = []
    for path in _checked_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr in {"objects", "_default_manager"}
                    and isinstance(node.value.value, ast.Name) and node.value.value.id in scoped
                    and node.attr != "visible_to"):
                found.append((str(path.relative_to(ROOT)), node.lineno, node.value.value.id, node.attr))
    return found


def test_the_check_knows_the_scoped_models_and_modules():
    assert {"OrgUnit", "Plan", "Task", "Indicator", "Observation", "WorkItem", "ProgressReport", "Finding"} <= \
        _scoped_models()
    files = {str(p.relative_to(ROOT)) for p in _checked_files()}
    assert {"indicators/io.py", "progress/bulletin.py", "progress/views_reports.py", "accounts/api/views.py",
            "indicators/jobs.py"} <= files


def test_views_io_bulletins_api_and_jobs_read_scoped_models_only_through_visible_to():
    offending = [f"{path}:{line} {model}.objects.{attr}" for path, line, model, attr in unscoped_reads()
                 if (path, model, attr) not in ALLOWED]
    assert offending == []


def test_every_allowance_is_still_needed():
    used = {(path, model, attr) for path, _line, model, attr in unscoped_reads()}
    assert sorted(set(ALLOWED) - used) == []
