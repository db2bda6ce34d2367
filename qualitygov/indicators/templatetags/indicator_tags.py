"""Template filters of the indicator screens."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from qualitygov.utilities.numbers import decimal_text

from ..selectors import shown, status_why

register = template.Library()


@register.filter
def num(value) -> str:
    """A stored decimal without trailing zeros ("17.5"), a float as given, "—" when empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return decimal_text(Decimal(repr(value)))
    return str(value)


@register.filter(name="shown")
def shown_filter(value) -> str:
    """A derived number rounded to 2 decimals for display ("22.22"), "—" when empty."""
    return shown(value)


@register.filter
def why(status) -> list[tuple[str, str]]:
    """The "why" rows of a stored status: actual, expected, gap, rule and thresholds."""
    return status_why(status)


@register.simple_tag
def dashboard_row(indicator, base: str, labels: dict) -> str:
    """One dashboard row, built in Python: 200 rows through template nodes cost more than the page's queries."""
    r = indicator.row
    why = ""
    if r["why"]:
        items = format_html_join("", '<dt class="col-6 fw-normal text-muted">{}</dt><dd class="col-6 mb-1" '
                                 'data-why="{}">{}</dd>', ((label, key, value) for key, label, value in r["why"]))
        why = format_html('<details class="small"><summary>{}</summary><dl class="row mb-0" data-testid="why">{}</dl>'
                          '</details>', labels["why"], items)
    binding = format_html(' <span class="badge text-bg-warning">{}</span>', labels["binding"]) \
        if indicator.nature == "binding" else mark_safe("")
    if indicator.origin == "own":
        binding = format_html('{} <span class="badge text-bg-info" data-testid="own-badge">{}</span>', binding,
                              labels["own"])
    if indicator.state == "retired":
        binding = format_html('{} <span class="badge text-bg-secondary" data-testid="retired-badge">{}</span>',
                              binding, labels["retired"])
    spark = format_html('<svg width="100" height="24" viewBox="0 0 100 24" role="img" aria-label="{}"><polyline '
                        'fill="none" stroke="#0d6efd" stroke-width="1.5" points="{}"/></svg>', labels["trend"],
                        indicator.sparkline) if indicator.sparkline else mark_safe('<span class="text-muted small">—</span>')
    year = format_html('<div class="small text-muted">{}</div>', r["target_year"]) if r.get("target_year") else ""
    forecast_value = format_html('<div class="text-muted">{}</div>', r["forecast_value"]) if r["forecast_value"] else ""
    return format_html(
        '<tr data-testid="indicator-row" data-code="{code}"><td>{code}</td><td><a href="{base}{pk}/">{name}</a>{binding}'
        '</td><td class="text-end text-nowrap">{latest}<div class="small text-muted">{period}</div></td>'
        '<td class="text-nowrap">{target}{year}</td><td class="text-nowrap"><span class="light light-{light}" '
        'aria-hidden="true"></span> <span class="small" data-testid="light-label" data-light="{light}">{light_label}'
        '</span>{why}</td><td class="small">{forecast}{forecast_value}</td><td>{spark}</td>'
        '<td class="small">{units}</td></tr>',
        code=indicator.code, base=base, pk=indicator.pk, name=indicator.name, binding=binding, latest=r["latest"],
        period=r["latest_period"], target=r["target"], year=year, light=indicator.light,
        light_label=r["light_label"], why=why, forecast=r["forecast"], forecast_value=forecast_value, spark=spark,
        units=r["units"])


@register.filter
def provenance_rows(rows) -> str:
    """A feed file's row numbers for people: runs shortened ("3–5、9"); text as given."""
    if not isinstance(rows, list | tuple):
        return str(rows)
    numbers = sorted({r for r in rows if isinstance(r, int)})
    runs: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        runs.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    others = [str(r) for r in rows if not isinstance(r, int)]
    return "、".join(runs + others)


@register.filter
def local_url(url) -> str:
    """A provenance link only when it points into the platform ("/…"), never to another site or a script."""
    text = str(url or "")
    return text if text.startswith("/") and not text.startswith("//") else ""


@register.filter
def provenance_view(provenance) -> dict:
    """A stored provenance (formula or function) with every key the provenance template reads."""
    p = provenance if isinstance(provenance, dict) else {}
    inputs = []
    for item in p.get("inputs") or []:
        if isinstance(item, dict):
            sources = [{"label": s.get("label", ""), "url": s.get("url", ""), "file": s.get("file", ""),
                        "rows": s.get("rows", ""), "count": s.get("count", "")}
                       for s in item.get("provenance") or [] if isinstance(s, dict)]
            inputs.append({"key": item.get("key", ""), "label": item.get("label", ""), "unit": item.get("unit", ""),
                           "value": item.get("value"), "provenance": sources})
    return {"formula_label": p.get("formula_label", ""), "function": p.get("function", ""),
            "start": p.get("start", ""), "end": p.get("end", ""), "town": p.get("town", ""), "inputs": inputs}
