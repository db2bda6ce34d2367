"""URL kwargs for the permission matrix: every register's record pages, each record kept by 区经信局
(liaison_a's unit), so only users whose scope covers that unit reach them."""

from __future__ import annotations

import datetime as dt


def _entity():
    from qualitygov.registers.tests.factories import entity_factory

    return entity_factory(name="矩阵样例企业", serial=901)


def _record(cast, key: str):
    from qualitygov.registers import services
    from qualitygov.registers.registers import BY_KEY

    reg = BY_KEY[key]
    found = reg.model.objects.filter(unit=cast.dept_a).first()
    if found is not None:
        return found
    entity = _entity()
    day = dt.date(2026, 3, 2)
    if key == "awards":
        values = {"round": _record(cast, "rounds"), "entity": entity, "applied_on": day}
    else:
        values = {
            "rounds": {"kind": "district", "year": 2026, "title": "矩阵样例质量奖", "opens_on": day,
                       "closes_on": dt.date(2026, 4, 30)},
            "brands": {"kind": "pinzi", "entity": entity, "number": "ZJM-M-1", "product": "冷冻带鱼段", "issued_on": day},
            "standards": {"entity": entity, "level": "group", "number": "T/ZZB 1-2026", "title": "冷冻带鱼段",
                          "role": "lead", "published_on": day},
            "officers": {"entity": entity, "person": "王海", "appointed_on": day},
            "visits": {"kind": "diagnosis", "visited_on": day, "entity": entity, "problems": "标签不规范"},
            "publicity": {"kind": "quality_month", "title": "质量月活动", "held_on": day},
        }[key]
    return services.record_save(actor=cast.office, register=reg, values=values, unit=cast.dept_a)


def _samples():
    from qualitygov.registers.registers import REGISTERS

    out = {}
    for reg in REGISTERS:
        for page in ("detail", "edit", "delete"):
            out[f"registers:{reg.key}_{page}"] = (
                lambda cast, key=reg.key: {"pk": _record(cast, key).pk, "owner": "liaison_a"})
    out["registers:awards_advance"] = lambda cast: {"pk": _record(cast, "awards").pk, "owner": "liaison_a",
                                                    "get_status": 405, "post": {}}
    out["registers:awards_decide"] = lambda cast: {"pk": _record(cast, "awards").pk, "owner": "liaison_a",
                                                   "get_status": 405,
                                                   "post": {"result": "won", "decided_on": "2026-11-20"}}
    out["registers:publicity_evidence_add"] = lambda cast: {"pk": _record(cast, "publicity").pk, "owner": "liaison_a",
                                                            "get_status": 405}
    out["registers:publicity_evidence"] = _evidence
    return out


def _evidence(cast) -> dict:
    import hashlib

    from qualitygov.core.uploads import CheckedFile
    from qualitygov.registers import services

    item = _record(cast, "publicity")
    found = services.publicity_evidence(item)
    if not found:
        data = b"%PDF-1.4 evidence"
        checked = CheckedFile(name="质量月活动照片.pdf", data=data, extension=".pdf", content_type="application/pdf",
                              sha256=hashlib.sha256(data).hexdigest())
        found = [services.publicity_evidence_add(actor=cast.office, item=item, checked=checked)]
    return {"pk": item.pk, "file_pk": found[0].pk, "owner": "liaison_a"}


SAMPLES = _samples()
