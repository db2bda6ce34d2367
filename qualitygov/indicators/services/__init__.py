"""Writes to indicators, their calendar, observations and change requests; the status engine's refresh.

Every write runs in one transaction with its audit event. Who may do what:
- the office (manage) edits indicator definitions, targets and responsible units;
- a unit's liaison (change at the unit) enters, saves, submits (and withdraws before review) its values and
  asks for corrections;
- an approver (approve or review at the unit: office, leader, reviewer) returns and approves them, but
  never values of a unit they report for, nor values they submitted themselves;
- `actor=None` is the system (jobs, demo loader, CLI).
An approved value is locked: it changes only through an approved change request, and the value as first
submitted is kept."""

from __future__ import annotations

from .common import (  # noqa: F401
    _TRANSITION_VERBS,
    INDICATOR_FIELDS,
    MAX_ABS_VALUE,
    OBSERVATION_FIELDS,
    TARGET_FIELDS,
    _previous_value,
    _require_change,
    _require_manager,
    _require_reviewer,
    _transition,
    check_limits,
    check_plausible,
    observation_value_check,
    parse_value,
)
from .computed import (  # noqa: F401
    computed_indicator_recompute,
    computed_values_refresh,
    recompute_for_inputs,
    reference_figures,
)
from .definitions import (  # noqa: F401
    CREATE_FIELDS,
    _choice,
    indicator_create,
    indicator_reinstate,
    indicator_retire,
    indicator_set_responsibilities,
    indicator_set_targets,
    indicator_update,
)
from .observations import (  # noqa: F401
    _lock,
    change_request_create,
    change_request_decide,
    observation_approve,
    observation_return,
    observation_save_draft,
    observation_submit,
    observation_withdraw,
)
from .periods import _last_year, period_due_dates_refresh, period_specs, periods_generate  # noqa: F401
from .plan import PlanIndicator, indicator_sync_from_plan  # noqa: F401
from .status_refresh import (  # noqa: F401
    _combine,
    _forecast_points,
    _mean,
    _number,
    _overdue_missing,
    _path,
    _year_value,
    indicator_series,
    indicator_status_refresh,
    status_refresh_all,
)
