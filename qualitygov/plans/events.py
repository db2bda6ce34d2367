"""The audit events about plans (see `qualitygov.core.events`); the plan import writes them on confirm."""

from django.utils.translation import gettext_lazy as _

from qualitygov.core.events import EventType

PLAN_CREATE = EventType("plan.create", _("Plan created"))
PLAN_REVISE = EventType("plan.revise", _("Plan revised"))

#: Labels of `changes` keys that are not model fields.
KEYS: dict = {
    "counts": _("counts"),
    "sections": _("sections"),
    "task_groups": _("task groups"),
    "tasks": _("tasks"),
    "responsibilities": _("responsibilities"),
    "indicators": _("indicators"),
    # The indicators' demo loader records its run against the plan.
    "periods": _("reporting periods"),
    "observations": _("indicator values"),
    "seed": _("random seed"),
    "as_of": _("as of"),
    "marked": _("marked"),
    "special": _("special cases"),
}
