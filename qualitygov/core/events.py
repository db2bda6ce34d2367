"""The audit event vocabulary, and how a stored event reads to people.

Each app declares the events it writes in its `events.py` as `EventType` constants (an `EventType`
is the event's name — a `str` — carrying a translatable label) and registers them in its
`AppConfig.ready()`:

    USER_UPDATE = EventType("user.update", _("User changed"))
    register_events("accounts", events_of(events_module), keys={"ip": _("IP address")})

Services pass the constant to `audit_record(action=...)`. Pages and exports show `event_label`,
`object_type_label` and `change_lines`; a name nobody registers (an event written by an older
version) falls back to the raw name, so old events still show. `keys` names the labels of `changes`
keys that are not fields of the event's model (`as_of`, `reason`…); `values` maps such a key to
the labels of its values (`{"light": Light}`); `pairs` names such keys that hold `[old, new]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EventType(str):
    """An audit event name (`"user.update"`) that also carries its label for people."""

    label: Any
    app_label: str

    def __new__(cls, name: str, label: Any) -> EventType:
        obj = super().__new__(cls, name)
        obj.label = label
        obj.app_label = ""
        return obj

    @property
    def name(self) -> str:
        return str.__str__(self)


_events: dict[str, EventType] = {}
_keys: dict[tuple[str, str], Any] = {}
_values: dict[tuple[str, str], dict[str, Any]] = {}
_pairs: set[tuple[str, str]] = set()
_object_types: dict[str, Any] = {}

#: Keys many apps write; an app's own `keys` win over these.
COMMON_KEYS: dict[str, Any] = {
    "new": gettext_lazy("created with"),
    "old": gettext_lazy("before"),
    "reason": gettext_lazy("reason"),
    "note": gettext_lazy("note"),
    "status": gettext_lazy("status"),
}


def events_of(module: ModuleType) -> list[EventType]:
    """Every `EventType` constant defined in `module` (an app's `events.py`)."""
    return [value for value in vars(module).values() if isinstance(value, EventType)]


def register_events(
    app_label: str,
    events: Iterable[EventType],
    *,
    keys: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    pairs: Iterable[str] = (),
    object_types: Mapping[str, Any] | None = None,
) -> None:
    """Declare the events `app_label` writes, and labels for its non-field `changes` keys and values.

    `pairs` names non-field keys whose value is always `[old, new]` (model fields and keys with
    `values` are read as pairs already). Registering again replaces; one name registered by two
    apps is an error. `object_types` labels `object_type` values that name no model
    (`"progress.bulletin"`).
    """
    for event in events:
        known = _events.get(event.name)
        if known is not None and known.app_label != app_label:
            raise ValueError(f"event {event.name!r} is registered by {known.app_label!r} and {app_label!r}")
        event.app_label = app_label
        _events[event.name] = event
    for key, label in (keys or {}).items():
        _keys[(app_label, key)] = label
    for key, choices in (values or {}).items():
        _values[(app_label, key)] = _choice_map(choices)
    _pairs.update((app_label, key) for key in pairs)
    _object_types.update(object_types or {})


def _choice_map(choices: Any) -> dict[str, Any]:
    if isinstance(choices, type) and issubclass(choices, models.Choices):
        choices = choices.choices
    return {str(value): label for value, label in (choices.items() if isinstance(choices, Mapping) else choices)}


def event_types() -> list[EventType]:
    """Every registered event, by app then name."""
    return sorted(_events.values(), key=lambda e: (e.app_label, e.name))


def is_registered(name: str) -> bool:
    return name in _events


def event_label(name: str) -> str:
    """The event's label in the active language; the raw name when nobody registered it."""
    event = _events.get(name)
    return str(event.label) if event is not None else name


def _model(object_type: str) -> type[models.Model] | None:
    if not object_type or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """`accounts.user` → the model's verbose name ("用户"); the raw string when it names no model."""
    model = _model(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    label = _object_types.get(object_type)
    return str(label) if label is not None else object_type


def app_label_name(app_label: str) -> str:
    """An app's verbose name ("组织机构"); the label itself for an app that is not installed."""
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label


def _field(object_type: str, key: str) -> models.Field | None:
    model = _model(object_type)
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(object_type: str, key: str) -> str:
    """A `changes` key as people read it: the model field's verbose name, else the label the app
    registered for it, else a common one, else the key itself."""
    field = _field(object_type, key)
    # A verbose name Django made up from the attribute name ("observation") is not a label.
    if field is not None and field.verbose_name and field.verbose_name != key.replace("_", " "):
        return str(field.verbose_name)
    app_label = object_type.split(".", 1)[0]
    label = _keys.get((app_label, key), COMMON_KEYS.get(key))
    if label is not None:
        return str(label)
    if field is not None and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return key


def value_text(object_type: str, key: str, value: Any) -> str:
    """A stored value as text; choice values (a field's choices or registered ones) by their label."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        return "、".join(value_text(object_type, key, v) for v in value) if value else "—"
    if isinstance(value, dict):
        if not value:
            return "—"
        return "; ".join(f"{field_label(object_type, k)}: {value_text(object_type, k, v)}" for k, v in value.items())
    field = _field(object_type, key)
    if field is not None and field.choices:
        labels = {str(v): label for v, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    choices = _values.get((object_type.split(".", 1)[0], key))
    if choices and str(value) in choices:
        return str(choices[str(value)])
    return str(value)


@dataclass(frozen=True)
class ChangeLine:
    """One line of an event's changes: `field: old → new` when `is_diff`, else `field: value`.

    `field` is the label shown, `key` the stored key.
    """

    field: str
    old: str
    new: str
    is_diff: bool
    key: str = ""

    def __str__(self) -> str:
        if self.is_diff:
            return f"{self.field}: {self.old} → {self.new}"
        return f"{self.field}: {self.new}" if self.field else self.new


def change_lines(changes: Any, object_type: str = "") -> list[ChangeLine]:
    """The stored `changes` as readable lines, with field labels and value labels of `object_type`.

    Services write `{field: [old, new]}` for updates (every value a pair), `{"new": {...}}` for a
    creation and plain `{key: value}` facts otherwise; anything else is shown as it is.
    """
    if not isinstance(changes, dict):
        if changes in (None, "", [], {}):
            return []
        return [ChangeLine("", "", value_text(object_type, "", changes), False)]
    # Keys in name order: PostgreSQL's jsonb does not keep the order they were written in.
    items = sorted(changes.items())

    def line(key: str, old: Any, new: Any, is_diff: bool = True) -> ChangeLine:
        return ChangeLine(field_label(object_type, key), value_text(object_type, key, old) if is_diff else "",
                          value_text(object_type, key, new), is_diff, key)

    if items and all(isinstance(v, list) and len(v) == 2 for _, v in items):
        lines = [line(key, old, new) for key, (old, new) in items]
        return [ln for ln in lines if ln.old != ln.new]  # "" → None is no change to a reader
    app_label = object_type.split(".", 1)[0]

    def is_pair(key: str, value: Any) -> bool:
        """A `[old, new]` among plain facts: only for keys known to hold one (a list may be a fact)."""
        if not (isinstance(value, list) and len(value) == 2) or key in {"new", "old"}:
            return False
        return (_field(object_type, key) is not None or (app_label, key) in _values or (app_label, key) in _pairs
                or key == "status")

    lines: list[ChangeLine] = []
    for key, value in items:
        if key in {"new", "old"} and isinstance(value, dict):
            for field, item in sorted(value.items()):
                old, new = (item, None) if key == "old" else (None, item)
                lines.append(line(field, old, new))
        elif is_pair(key, value):
            lines.append(line(key, value[0], value[1]))
        else:
            lines.append(line(key, None, value, is_diff=False))
    return lines


def actor_label(event) -> str:
    """Who did it: the stored user name, or "System" for scheduled and automatic work."""
    if event.actor_id is None and event.actor_repr in ("", "system"):
        return _("System")
    return event.actor_repr


# Core's own events.
ATTACHMENT_CREATE = EventType("attachment.create", gettext_lazy("Evidence file uploaded"))
UNIT_ROBOT_CREATE = EventType("unit_robot.create", gettext_lazy("Group robot added"))
UNIT_ROBOT_UPDATE = EventType("unit_robot.update", gettext_lazy("Group robot changed"))
CALENDAR_DAY_SET = EventType("calendar_day.set", gettext_lazy("Calendar day set"))
CALENDAR_DAY_DELETE = EventType("calendar_day.delete", gettext_lazy("Calendar day removed"))
UNIT_ROBOT_TEST = EventType("unit_robot.test", gettext_lazy("Group robot test message sent"))
NOTIFICATION_PREFERENCE_SET = EventType("notification_preference.set", gettext_lazy("Notification settings changed"))

#: Labels of the `changes` keys core's events write.
KEYS = {"owner": gettext_lazy("belongs to"), "name": gettext_lazy("file name"), "size": gettext_lazy("size (bytes)"),
        "sha256": gettext_lazy("SHA-256"), "host": gettext_lazy("webhook host"),
        "signed": gettext_lazy("signed"), "attempt": gettext_lazy("attempt"), "error": gettext_lazy("error"),
        "due": gettext_lazy("next try at"), "summary": gettext_lazy("result"), "delivered": gettext_lazy("delivered"),
        "email": gettext_lazy("send e-mail"), "email_off_kinds": gettext_lazy("no e-mail for these kinds")}
JOB_ENQUEUE = EventType("job.enqueue", gettext_lazy("Background job started"))
JOB_SUCCEED = EventType("job.succeed", gettext_lazy("Background job finished"))
JOB_RETRY_SCHEDULE = EventType("job.retry_schedule", gettext_lazy("Background job failed, tried again later"))
JOB_FAIL = EventType("job.fail", gettext_lazy("Background job failed"))
JOB_RETRY = EventType("job.retry", gettext_lazy("Background job started again"))
