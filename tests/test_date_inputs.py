"""Every date input renders ISO values: one widget, ``qualitygov.core.widgets.DateInput``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from qualitygov.core.widgets import DateInput

ROOT = Path(__file__).resolve().parent.parent / "qualitygov"


def test_the_shared_date_input_renders_iso_whatever_the_locale():
    html = DateInput().render("d", dt.date(2026, 1, 1))
    assert 'type="date"' in html
    assert 'value="2026-01-01"' in html


def test_no_form_builds_its_own_date_input():
    own = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.py") if "tests" not in path.parts and path.name != "widgets.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"forms\.DateInput\(|[\"']type[\"']\s*:\s*[\"']date[\"']", line)
    ]
    assert own == []
