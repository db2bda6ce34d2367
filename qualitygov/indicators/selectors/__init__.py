"""Reads of indicators, periods, observations and stored statuses, always through `visible_to`.

`obligations` holds what the status engine, reminders and jobs read; `scoped`, `dashboard`, `queues`
and `api` what the screens and the API read. Import from the package: `indicators.selectors.X`.
"""

from __future__ import annotations

from ..status import is_big_change  # noqa: F401
from .api import indicator_status_list_visible, observation_list_visible, target_list_visible  # noqa: F401
from .dashboard import (  # noqa: F401
    DASHBOARD_FIELDS,
    DashboardFilters,
    PeriodRow,
    _dashboard_row,
    _number,
    _pairs,
    _series,
    _sparklines,
    _status,
    dashboard_indicators,
    dashboard_units,
    indicator_chart,
    indicator_entry_units,
    indicator_history,
    indicator_periods,
    indicator_status,
    observation_history,
    sparkline_points,
)
from .obligations import (  # noqa: F401
    Obligation,
    current_plan,
    is_liaison_of,
    liaisons_of,
    obligations,
    overdue_list,
    reporting_units,
    rule_params,
    rule_set_in_force,
    timeliness_by_unit,
)
from .queues import (  # noqa: F401
    DueItem,
    change_requests_pending,
    indicators_of_plan,
    indicators_turned_red_since,
    review_queue,
    unit_due,
    unit_indicators,
)
from .scoped import (  # noqa: F401
    REVIEW_ACTIONS,
    RULE_LABELS,
    _why_number,
    big_change_message,
    change_factor,
    change_request_get_visible,
    indicator_get_visible,
    indicator_list_visible,
    indicators_of_active_plans,
    may_review_somewhere,
    may_review_unit,
    observation_for_entry,
    observation_get_visible,
    observations_visible,
    org_unit_get_visible,
    period_get_for_entry,
    plan_years,
    previous_value,
    review_facts,
    shown,
    status_why,
    target_years,
    towns,
    values_not_counted,
)
