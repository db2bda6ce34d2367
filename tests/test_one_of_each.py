"""Shared helpers exist once: a second copy of one of these is a test failure, not a review comment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "qualitygov"

#: function name → the one module (relative to qualitygov/) allowed to define it, and the
#: justified exceptions with their reason.
ONE_OF_EACH = {
    "decimal_text": ("utilities/numbers.py", {}),
    "human_size": ("utilities/numbers.py", {}),
    "check_upload": ("core/uploads.py", {}),
    "visible_or_404": ("core/views_helpers.py", {}),
    "apply_service_error": ("core/views_helpers.py", {}),
    "set_cell": ("core/io.py", {}),
    "official_document": ("core/io_docx.py", {}),
    "page_number_footer": ("core/io_docx.py", {}),
    "set_fonts": ("core/io_docx.py", {}),
    "html_to_pdf": ("core/io_pdf.py", {}),
    "pdf_unavailable_reason": ("core/io_pdf.py", {}),
}
#: Names the old copies went by: none may come back.
RETIRED = {"_visible", "visible", "_service_errors", "_cell_value", "_fonts", "_set_fonts", "_page_numbers",
           "_page_number_footer", "_xml_text", "_clean", "_in_scope", "_roles_with", "_repeat_header",
           "docx_to_pdf"}


def _definitions() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        relative = str(path.relative_to(ROOT))
        if "/tests/" in f"/{relative}" or "/migrations/" in f"/{relative}":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                out.setdefault(node.name, set()).add(relative)
    return out


@pytest.mark.parametrize("name", sorted(ONE_OF_EACH))
def test_defined_once(name):
    home, exceptions = ONE_OF_EACH[name]
    assert _definitions().get(name, set()) - set(exceptions) == {home}


def test_old_copies_are_gone():
    found = {name: sorted(files) for name, files in _definitions().items() if name in RETIRED}
    assert found == {}
