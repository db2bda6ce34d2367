from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitygov.core.choices import Light  # noqa: F401  (one light for every app)


class Comparator(models.TextChoices):
    """How the target value is read. The last six (plan schema 1.1) are changes from the baseline year's
    value: the target value is the change; ``status.resolve_change`` turns it into a level."""

    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    ABOUT = "about", _("about")
    EQUAL = "=", _("reach")
    INCREASE_BY = "increase_by", _("increase by")
    DECREASE_BY = "decrease_by", _("decrease by")
    INCREASE_PP = "increase_pp", _("increase by percentage points")
    DECREASE_PP = "decrease_pp", _("decrease by percentage points")
    ANNUAL_GROWTH = "annual_growth", _("average annual growth")
    ANNUAL_DECLINE = "annual_decline", _("average annual decline")


class Origin(models.TextChoices):
    """Where an indicator comes from: the plan text (kept in step by every import) or the office itself."""

    PLAN = "plan", _("From the plan text")
    OWN = "own", _("Set by the office")


class IndicatorState(models.TextChoices):
    """A retired indicator keeps its history but is no longer reported or shown by default."""

    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


INDICATOR_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "retire": (frozenset({IndicatorState.ACTIVE}), IndicatorState.RETIRED),
    "reinstate": (frozenset({IndicatorState.RETIRED}), IndicatorState.ACTIVE),
}


class IndicatorScope(models.TextChoices):
    GOALS = "goals", _("Main goals")
    TASK = "task", _("Inside a task")


class Nature(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    BINDING = "binding", _("Binding")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Aggregation(models.TextChoices):
    LATEST = "latest", _("Latest value")
    SUM = "sum", _("Sum of periods")
    AVERAGE = "average", _("Average of periods")


class DataSource(models.TextChoices):
    ENTERED = "entered", _("Entered by the responsible unit")
    COMPUTED = "computed", _("Computed from platform data")


class ObservationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


#: Named transitions of an observation: name → (from states, to state).
OBSERVATION_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ObservationStatus.DRAFT, ObservationStatus.RETURNED}), ObservationStatus.SUBMITTED),
    "return": (frozenset({ObservationStatus.SUBMITTED}), ObservationStatus.RETURNED),
    "approve": (frozenset({ObservationStatus.SUBMITTED}), ObservationStatus.APPROVED),
    # The unit takes a submitted value back before anyone has reviewed it.
    "withdraw": (frozenset({ObservationStatus.SUBMITTED}), ObservationStatus.DRAFT),
}


class ForecastStatus(models.TextChoices):
    ON_TRACK = "on_track", _("Forecast: will meet")
    WILL_MISS = "will_miss", _("Forecast: will miss")
    INSUFFICIENT = "insufficient", _("Insufficient data")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


CHANGE_REQUEST_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({ChangeRequestStatus.PENDING}), ChangeRequestStatus.APPROVED),
    "reject": (frozenset({ChangeRequestStatus.PENDING}), ChangeRequestStatus.REJECTED),
}
