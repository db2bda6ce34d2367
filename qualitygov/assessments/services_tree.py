"""Editing a draft scheme item by item: add, edit, delete and move a node, change the header, start a
new scheme.

Each write edits the stored document dict and saves it through `services.scheme_save_document`: the
same engine validation, the same audit event (naming the item), all-or-nothing. A published version
is frozen (ConflictError); anyone but a district-wide office gets NotFoundError. Bad form values are
ServiceError with the form field and one Chinese line naming the line.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qualitygov.core.errors import ConflictError, ServiceError

from . import scheme_tree, services
from .choices import SchemeStatus
from .models import AssessmentScheme
from .scheme_tree import LineError

#: Grades of a new scheme (the office changes them on the header form).
DEFAULT_GRADES = [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60},
                  {"grade": "不合格", "min": None}]


def _locked_draft(actor, scheme: AssessmentScheme) -> tuple[AssessmentScheme, dict[str, Any]]:
    services._require_office(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != SchemeStatus.DRAFT:
        raise ConflictError(_("A published scheme is frozen: start a new version to change it."))
    # Plain floats (not the engine's Decimals) so the edited dict dumps back to JSON; a float prints
    # the shortest text that reads back as itself, so stored numbers keep their value.
    return scheme, json.loads(scheme.document)


def _store(actor, scheme: AssessmentScheme, data: dict[str, Any], **changes: Any) -> AssessmentScheme:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return services.scheme_save_document(actor=actor, scheme=scheme, text=text, changes=changes)


def _field_error(exc: LineError) -> ServiceError:
    return ServiceError(exc.message, fields={exc.field: [exc.message]})


def _missing(code: str) -> ServiceError:
    return ServiceError(_("There is no item “%(code)s” in this scheme.") % {"code": code})


@transaction.atomic
def scheme_item_save(*, actor, scheme: AssessmentScheme, path_or_code: str | None, data: dict[str, Any],
                     parent_code: str | None = None) -> AssessmentScheme:
    """Edit the node `path_or_code`, or (None) add a leaf at the end of `parent_code`'s items (of the
    sections when None). Adding under a leaf makes that leaf a group: its method and parameters go.
    `data` holds the item form's values (parameters as the form's lines, see `scheme_tree`)."""
    scheme, document = _locked_draft(actor, scheme)
    try:
        if path_or_code is not None:
            found = scheme_tree.find(document, path_or_code)
            if found is None:
                raise _missing(path_or_code)
            siblings, index, _parent = found
            old = siblings[index]
            siblings[index] = scheme_tree.node_from(data, old=old, is_group="items" in old)
            code, change = siblings[index]["code"], _("Item changed")
        else:
            node = scheme_tree.node_from(data, old=None, is_group=False)
            if parent_code is None:
                document["sections"].append(node)
            else:
                found = scheme_tree.find(document, parent_code)
                if found is None:
                    raise _missing(parent_code)
                siblings, index, _parent = found
                parent = siblings[index]
                if "items" not in parent:
                    for key in scheme_tree.LEAF_KEYS:
                        parent.pop(key, None)
                    parent["items"] = []
                parent["items"].append(node)
            code, change = node["code"], _("Item added")
    except LineError as exc:
        raise _field_error(exc) from None
    return _store(actor, scheme, document, code=code, item_change=change)


@transaction.atomic
def scheme_item_delete(*, actor, scheme: AssessmentScheme, code: str) -> AssessmentScheme:
    """Remove the node `code` with everything under it; a group's last item and the scheme's last
    section stay (the format needs one)."""
    scheme, document = _locked_draft(actor, scheme)
    found = scheme_tree.find(document, code)
    if found is None:
        raise _missing(code)
    siblings, index, parent = found
    if len(siblings) == 1:
        if parent is None:
            raise ServiceError(_("A scheme keeps at least one item; add another before deleting this one."))
        raise ServiceError(_("The group “%(group)s” keeps at least one item; delete the group or add another "
                             "item first.") % {"group": parent["code"]})
    del siblings[index]
    return _store(actor, scheme, document, code=code, item_change=_("Item deleted"))


@transaction.atomic
def scheme_item_move(*, actor, scheme: AssessmentScheme, code: str, direction: str) -> AssessmentScheme:
    """Swap the node `code` with the sibling before (`up`) or after (`down`) it."""
    if direction not in ("up", "down"):
        raise ServiceError(_("Unknown direction."))
    scheme, document = _locked_draft(actor, scheme)
    found = scheme_tree.find(document, code)
    if found is None:
        raise _missing(code)
    siblings, index, _parent = found
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        raise ServiceError(_("The item is already first.") if direction == "up" else _("The item is already last."))
    siblings[index], siblings[other] = siblings[other], siblings[index]
    return _store(actor, scheme, document, code=code,
                  item_change=_("Item moved up") if direction == "up" else _("Item moved down"))


@transaction.atomic
def scheme_header_save(*, actor, scheme: AssessmentScheme, title: str, max_total: Any, grades: str,
                       groups: list[str] | None) -> AssessmentScheme:
    """Set the title, the total points, the grades (lines "等次=最低分") and the ranking groups (None or
    empty: no groups, every leaf applies to every unit)."""
    scheme, document = _locked_draft(actor, scheme)
    try:
        document["title"] = str(scheme_tree.required("title", "名称", (title or "").strip()))
        document["max_total"] = scheme_tree.number_field("max_total", "总分", max_total)
        document["grades"] = scheme_tree.parse_grades(grades or "")
    except LineError as exc:
        raise _field_error(exc) from None
    if groups:
        document["groups"] = list(groups)
    else:
        document.pop("groups", None)
    return _store(actor, scheme, document, item_change=_("Title, total and grades changed"))


def _new_key(year: int) -> str:
    taken = set(AssessmentScheme.objects.filter(year=year).values_list("key", flat=True))
    n = 1
    while f"scheme-{year}-{n}" in taken:
        n += 1
    return f"scheme-{year}-{n}"


@transaction.atomic
def scheme_create(*, actor, title: str, year: int) -> AssessmentScheme:
    """A new draft scheme: 100 points, grades 优秀 90 / 良好 80 / 合格 60 / 不合格, and one first item to
    edit (the format needs at least one), stored through `scheme_import`."""
    services._require_office(actor)
    title = (title or "").strip()
    if not title:
        message = _("Enter a title.")
        raise ServiceError(message, fields={"title": [message]})
    document = {"id": _new_key(year), "title": title, "max_total": 100, "grades": DEFAULT_GRADES,
                "sections": [{"code": "1", "title": "第一项（请修改）", "max": 100, "method": "judged"}]}
    return services.scheme_import(actor=actor, text=json.dumps(document, ensure_ascii=False, indent=1),
                                  year=year, source_name="")
