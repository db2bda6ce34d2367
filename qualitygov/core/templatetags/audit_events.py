"""Template filters that show stored audit events to people: labels instead of codes."""

from __future__ import annotations

from django import template

from qualitygov.core import events

register = template.Library()


@register.filter
def event_label(name: str) -> str:
    """`{{ event.action|event_label }}` → "修改用户" (the raw name when unregistered)."""
    return events.event_label(name)


@register.filter
def object_type_label(object_type: str) -> str:
    """`{{ event.object_type|object_type_label }}` → the model's verbose name."""
    return events.object_type_label(object_type)


@register.filter
def actor_label(event) -> str:
    """`{{ event|actor_label }}` → the user name, or "系统" for automatic work."""
    return events.actor_label(event)


@register.filter
def event_changes(event) -> list[events.ChangeLine]:
    """`{% for line in event|event_changes %}`: the event's changes with field and value labels."""
    return events.change_lines(event.changes, event.object_type)
