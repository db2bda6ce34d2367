"""`qualitygov indicators status|remind|recompute`: the indicator engine from the command line.

- `status [--json] [--plan ID] [--as-of YYYY-MM-DD]` refreshes and prints every indicator of the plan in
  force (or of plan ID): code, name, unit, comparator, the target and target year the light was judged
  against (the year's target in force), the plan's own goal, latest value and period,
  light, its inputs, forecast value and forecast status.
- `remind [--today YYYY-MM-DD]` sends due reminders and overdue notices (each once).
- `recompute [--as-of YYYY-MM-DD]` extends calendars, stores computed values and refreshes every light.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qualitygov.indicators import jobs
from qualitygov.indicators.models import Indicator
from qualitygov.indicators.selectors import current_plan
from qualitygov.indicators.services import indicator_status_refresh


def _date(text: str | None) -> dt.date:
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class Command(BaseCommand):
    help = "Indicator engine: status of every indicator, reminders, recomputation."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="refresh and print the status of every indicator of the plan")
        status.add_argument("--json", action="store_true", help="print JSON (a list of objects)")
        status.add_argument("--plan", type=int, help="plan id (default: the plan in force)")
        status.add_argument("--as-of", help="date of the status (default today)")
        remind = sub.add_parser("remind", help="send due reminders and overdue notices (idempotent)")
        remind.add_argument("--today", help="run as if today were this date (YYYY-MM-DD)")
        recompute = sub.add_parser("recompute", help="calendars, computed values and every status")
        recompute.add_argument("--as-of", help="date (default today)")

    def handle(self, *args, action: str, **options):
        if action == "status":
            return self._status(options)
        if action == "remind":
            counts = jobs.reminders_send(as_of=_date(options.get("today")))
            self.stdout.write(f"reminders sent: {counts['reminders']}, overdue notices sent: {counts['overdue']}, "
                              f"already sent before: {counts['already_sent']}")
            return None
        result = jobs.recompute(as_of=_date(options.get("as_of")))
        self.stdout.write(f"periods created: {result['periods']}; computed values: {result['computed']}; "
                          f"lights: {result['lights']}")
        return None

    def _status(self, options) -> None:
        from qualitygov.plans.models import Plan

        as_of = _date(options.get("as_of"))
        plan = Plan.objects.filter(pk=options["plan"]).first() if options.get("plan") else current_plan()
        if plan is None:
            raise CommandError("no such plan" if options.get("plan") else "no plan in force")
        rows = []
        for indicator in Indicator.objects.filter(plan=plan).order_by("order", "pk"):
            stored = indicator_status_refresh(indicator=indicator, as_of=as_of)
            rows.append({
                "code": indicator.code, "name": indicator.name, "unit": indicator.unit,
                "origin": indicator.origin, "state": indicator.state,
                # Where the values come from: "typed" (entered by a unit) or "computed" (formula or function).
                "source": indicator.value_source, "formula": indicator.formula,
                # The target the light was judged against (the year's target in force), and the plan's own goal.
                "comparator": indicator.comparator, "target": _num(stored.target_value),
                "target_year": stored.target_year,
                "plan_target": _num(indicator.target_value), "plan_target_year": indicator.target_year,
                "latest_value": _num(stored.latest_value), "latest_period": stored.latest_period or None,
                "status": stored.light, "status_inputs": stored.inputs,
                "forecast_value": _num(stored.forecast_value), "forecast_status": stored.forecast_status,
            })
        if options.get("json"):
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{plan} — {as_of.isoformat()}")
        for row in rows:
            target = f"{row['comparator']} {row['target']}{row['unit']} ({row['target_year']})"
            latest = f"{row['latest_value']} @ {row['latest_period']}" if row["latest_value"] is not None else "—"
            self.stdout.write(f"{row['code']:<5} {row['status']:<6} {row['name'][:24]:<24} {target:<22} "
                              f"{latest:<20} {row['status_inputs'].get('rule')}; forecast "
                              f"{row['forecast_status']} {row['forecast_value'] if row['forecast_value'] is not None else ''}")
