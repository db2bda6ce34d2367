"""Town names as exports write them → the district's town OrgUnits.

An export may write the full name (舟山市普陀区沈家门街道), the short name (沈家门街道), an alias, or the
bare place name without 街道/镇 (沈家门). An unknown or ambiguous name is a row error.
"""

from __future__ import annotations

import re
import unicodedata

from qualitygov.accounts.choices import TOWN_KINDS
from qualitygov.accounts.models import OrgUnit, OrgUnitAlias

_PREFIXES = ("浙江省", "舟山市", "普陀区")
_SUFFIXES = ("人民政府", "办事处", "管理委员会", "管委会", "街道", "镇", "乡")


def core_name(name: str) -> str:
    """沈家门 for 舟山市普陀区沈家门街道办事处: prefixes of the district and suffixes of the kind removed."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", name))
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix):], True
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text, changed = text[: -len(suffix)], True
    return text


def town_resolver():
    """A function `resolve(text) -> (town id, "")` or `(None, Chinese reason)` over the current towns."""
    exact: dict[str, set[int]] = {}
    cores: dict[str, set[int]] = {}
    labels: dict[int, str] = {}
    for unit in OrgUnit.objects.filter(kind__in=TOWN_KINDS, is_active=True).only("pk", "name", "short_name"):
        labels[unit.pk] = unit.short_name or unit.name
        for name in (unit.name, unit.short_name):
            if name:
                exact.setdefault(re.sub(r"\s", "", name), set()).add(unit.pk)
                cores.setdefault(core_name(name), set()).add(unit.pk)
    for alias in OrgUnitAlias.objects.filter(unit_id__in=labels).only("unit_id", "name"):
        exact.setdefault(re.sub(r"\s", "", alias.name), set()).add(alias.unit_id)
        cores.setdefault(core_name(alias.name), set()).add(alias.unit_id)

    def resolve(text: str) -> tuple[int | None, str]:
        clean = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
        found = exact.get(clean) or cores.get(core_name(clean)) or set()
        if len(found) == 1:
            return next(iter(found)), ""
        if len(found) > 1:
            return None, f"镇街“{text[:30]}”对应多个单位（{'、'.join(sorted(labels[i] for i in found))}），请写全称"
        return None, f"镇街“{text[:30]}”不是本区的镇（街道）"

    return resolve
