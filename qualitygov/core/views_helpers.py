"""What every app's views share: a missing or forbidden object is a 404, a refused write shows on its form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.http import Http404

from .errors import NotFoundError, ServiceError

T = TypeVar("T")


def visible_or_404(getter: Callable[..., T], **kwargs) -> T:
    """Call a `*_get_visible` selector; missing and out-of-scope both become 404."""
    try:
        return getter(**kwargs)
    except NotFoundError as exc:
        raise Http404 from exc


def apply_service_error(form: forms.Form, exc: ServiceError, field_map: dict[str, str] | None = None, *,
                        default_field: str | None = None) -> None:
    """Show a service's refusal on the form: each error on the field it names (renamed by `field_map`)
    where the form has that field; the message itself on `default_field` (or above the form) unless a
    field already shows it."""
    shown: set[str] = set()
    for name, errors in exc.fields.items():
        name = (field_map or {}).get(name, name)
        if name in form.fields:
            for error in errors:
                form.add_error(name, error)
                shown.add(str(error))
    if str(exc.message) not in shown:
        form.add_error(default_field if default_field in form.fields else None, exc.message)
