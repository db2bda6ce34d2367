"""Demo loader: the 2026 迎考 of the demo district against a small city-level scheme (invented for the
demo, `data/city-2026.json`), five of its seven items assigned — one due two weeks ago, the rest in
the coming weeks — and 区经信局's item with a self-score and an evidence file. Runs once."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import OrgUnit, User
from qualitygov.core.uploads import CheckedFile
from qualitygov.plans.models import Task

from .models import UpperAssessment, UpperItem
from .services import upper_assessment_import, upper_item_assign, upper_item_attach, upper_item_fill

SCHEME = Path(__file__).resolve().parent / "data" / "city-2026.json"

#: item code → (lead unit, co units, days from today to the due date)
ASSIGN = {
    "A2": ("质量强区办", [], -14),
    "B1": ("区经信局", ["区市场监管分局"], 21),
    "B2": ("区住建局", [], 28),
    "B3": ("区市场监管分局", [], 28),
    "C2": ("沈家门街道", [], 35),
}


def _unit(name: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(short_name=name).first() or OrgUnit.objects.filter(name=name).first()


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    if UpperAssessment.objects.exists():
        return {"assessments": 0, "assigned": 0}
    task = Task.objects.order_by("pk").first()
    if task is None:
        return {"assessments": 0, "assigned": 0}
    office = User.objects.get(username="office")
    assessment = upper_assessment_import(actor=office, year=2026, task=task, text=SCHEME.read_text(encoding="utf-8"),
                                         source_name=SCHEME.name)
    today = timezone.localdate()
    assigned = 0
    for code, (lead, co, days) in ASSIGN.items():
        unit = _unit(lead)
        if unit is None:
            continue
        item = UpperItem.objects.get(assessment=assessment, code=code)
        upper_item_assign(actor=office, item=item, lead_unit=unit, due_date=today + dt.timedelta(days=days),
                          co_units=[u for u in map(_unit, co) if u is not None])
        assigned += 1
    brand = UpperItem.objects.get(assessment=assessment, code="B1")
    liaison = User.objects.filter(username="jxj").first()
    if brand.lead_unit_id and liaison is not None:
        upper_item_fill(actor=liaison, item=brand, self_score="12", note="新增“品字标”企业4家，名单见佐证材料。")
        data = "2026年新增“品字标”企业名单\n1. 舟山某水产食品有限公司\n2. 某船舶修造有限公司\n".encode()
        upper_item_attach(actor=liaison, item=brand, checked=CheckedFile(
            name="品字标企业名单.txt", data=data, extension=".txt", content_type="text/plain",
            sha256=hashlib.sha256(data).hexdigest()))
    return {"assessments": 1, "assigned": assigned}
