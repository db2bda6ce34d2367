"""The shared view helpers: NotFoundError → 404, and a service's refusal shown on its form."""

from __future__ import annotations

import pytest
from django import forms
from django.http import Http404

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.views_helpers import apply_service_error, visible_or_404


class _Form(forms.Form):
    name = forms.CharField(required=False)
    evidence = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"name": "x", "evidence": ""})
    assert form.is_valid()
    return form


def test_visible_or_404_passes_the_object_and_turns_not_found_into_404():
    assert visible_or_404(lambda *, pk: f"object {pk}", pk=3) == "object 3"

    def missing(*, pk):
        raise NotFoundError("not found")

    with pytest.raises(Http404):
        visible_or_404(missing, pk=3)


def test_a_refusal_goes_on_its_fields_and_the_message_on_top_unless_shown():
    form = _bound()
    apply_service_error(form, ServiceError("太大了", fields={"file": ["文件过大。"], "other": ["无此字段"]}),
                        {"file": "evidence"})
    assert form.errors == {"evidence": ["文件过大。"], "__all__": ["太大了"]}

    form = _bound()
    apply_service_error(form, ServiceError("名称重复。", fields={"name": ["名称重复。"]}))
    assert form.errors == {"name": ["名称重复。"]}


def test_a_refusal_without_fields_can_go_on_a_default_field():
    form = _bound()
    apply_service_error(form, ServiceError("超出范围。"), default_field="name")
    assert form.errors == {"name": ["超出范围。"]}
