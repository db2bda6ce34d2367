"""Filters over the audit trail: one set for the web page, one for the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.selectors import org_unit_list_visible
from qualitygov.core import events
from qualitygov.core.api.filters import DateFilter, DateTimeFilter, IdFilter
from qualitygov.core.models import AuditEvent
from qualitygov.core.permissions import Action
from qualitygov.core.widgets import DateInput

from .selectors import audit_event_known_values


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the site's time zone (users think in local dates)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _audit_units(request) -> QuerySet[OrgUnit]:
    if request is None:
        return OrgUnit.objects.none()
    return org_unit_list_visible(user=request.user, action=Action.AUDIT)


def action_choices() -> list:
    """The registered events grouped by app, labels in the active language; events written under
    names nobody registers any more (still in the trail) follow under their raw names."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for event in events.event_types():
        groups.setdefault(event.app_label, []).append((event.name, str(event.label)))
    other = [(name, name) for name in audit_event_known_values(field="action") if not events.is_registered(name)]
    choices: list = [("", _("Any action"))]
    for app_label, items in groups.items():
        choices.append((events.app_label_name(app_label), sorted(items, key=lambda item: item[1])))
    if other:
        choices.append((_("Other"), other))
    return choices


def object_type_choices() -> list:
    """The object types in the trail, grouped by app, by their models' names; each group starts
    with "all of this app"."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for value in audit_event_known_values(field="object_type"):
        app_label = value.split(".", 1)[0] if "." in value else ""
        groups.setdefault(app_label, []).append((value, events.object_type_label(value)))
    choices: list = [("", _("Any object type"))]
    for app_label, items in sorted(groups.items()):
        name = events.app_label_name(app_label) if app_label else _("Other")
        head = [(app_label, _("All of %(app)s") % {"app": name})] if app_label else []
        choices.append((name, head + sorted(items, key=lambda item: item[1])))
    return choices


class AuditEventFilter(django_filters.FilterSet):
    """The audit page: who, what, when, where."""

    actor = django_filters.CharFilter(
        label=_("Who (user name)"), field_name="actor_repr", lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    action = django_filters.CharFilter(
        label=_("Action"), method="filter_action", widget=forms.Select(attrs={"class": "form-select"}),
    )
    object_type = django_filters.CharFilter(
        label=_("Object type"), method="filter_object_type", widget=forms.Select(attrs={"class": "form-select"}),
    )
    object = django_filters.CharFilter(
        label=_("Object (id or name)"), method="filter_object",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    object_id = django_filters.CharFilter(field_name="object_id", widget=forms.HiddenInput)
    request_id = django_filters.CharFilter(field_name="request_id", widget=forms.HiddenInput)
    date_from = DateFilter(
        label=_("From date"), method="filter_date_from",
        widget=DateInput(),
    )
    date_to = DateFilter(
        label=_("To date"), method="filter_date_to",
        widget=DateInput(),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit (with subordinate units)"), queryset=_audit_units, method="filter_unit",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["action"].widget.choices = action_choices()
        self.form.fields["object_type"].widget.choices = object_type_choices()

    def filter_action(self, queryset, name, value):
        """One event name; a name ending in "." (`grant.`) keeps every event of that kind."""
        value = value.strip()
        if value.endswith("."):
            return queryset.filter(action__startswith=value)
        return queryset.filter(action=value) if value else queryset

    def filter_object_type(self, queryset, name, value):
        """One model (`accounts.user`), or every model of an app (`accounts`)."""
        value = value.strip()
        if not value:
            return queryset
        if "." in value:
            return queryset.filter(object_type=value)
        return queryset.filter(object_type__startswith=f"{value}.")

    def filter_object(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(object_id=value) | Q(object_repr__icontains=value))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of_day(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of_day(value + dt.timedelta(days=1)))

    def filter_unit(self, queryset, name, value):
        subtree = OrgUnit.objects.filter(path__startswith=value.path).values("pk")
        return queryset.filter(unit_ref__in=subtree)


class AuditEventApiFilter(django_filters.FilterSet):
    """`/api/v1/audit-events/`: exact matches, time bounds as ISO 8601 date-times."""

    actor = django_filters.CharFilter(
        field_name="actor_repr", lookup_expr="iexact", label="actor user name (exact, case-insensitive)"
    )
    action = django_filters.CharFilter(field_name="action", label="action, e.g. user.update")
    object_type = django_filters.CharFilter(field_name="object_type", label="object type, e.g. accounts.user")
    object_id = django_filters.CharFilter(field_name="object_id", label="object id")
    unit = IdFilter(field_name="unit_ref", label="unit id")
    request_id = django_filters.CharFilter(field_name="request_id", label="request id")
    since = DateTimeFilter(field_name="at", lookup_expr="gte", label="at or after (ISO 8601)")
    until = DateTimeFilter(field_name="at", lookup_expr="lt", label="before (ISO 8601)")

    class Meta:
        model = AuditEvent
        fields: list[str] = []
