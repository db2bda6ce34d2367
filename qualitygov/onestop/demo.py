"""Demo loader: a year of requests at Putuo's one-stop NQI window (区市场监管分局) for the directory's firms —
metrology, standards, certification, testing and quality management — most done, a few late or still
open, rated by the firms; the time-limit rule set (10 working days, 5 for metrology calibration). Loaded
through the real services and flagged as demo data. Runs once; a second call does nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import OrgUnit, User
from qualitygov.core.workdays import workdays_add
from qualitygov.registry.models import MarketEntity

from . import services
from .choices import ServiceKind
from .models import ServiceRequest, SlaRuleSet

SUBJECTS = {
    ServiceKind.METROLOGY: ["冷库温度计校准", "电子秤检定", "压力表检定", "流量计校准"],
    ServiceKind.STANDARDS: ["冷冻水产品企业标准自我声明公开指导", "团体标准立项咨询", "采标对标咨询"],
    ServiceKind.CERTIFICATION: ["品字标浙江制造认证辅导", "HACCP体系认证咨询", "出口水产品认证咨询"],
    ServiceKind.TESTING: ["鱼糜制品送检", "水产品药残检测", "船用钢材力学性能检测"],
    ServiceKind.QUALITY_MANAGEMENT: ["质量管理体系诊断", "首席质量官培训", "卓越绩效自评辅导"],
}
HANDLERS = {ServiceKind.METROLOGY: "舟山市计量测试院", ServiceKind.STANDARDS: "区市场监管分局标准化科",
            ServiceKind.CERTIFICATION: "浙江公信认证有限公司", ServiceKind.TESTING: "舟山市食品药品检验检测研究院",
            ServiceKind.QUALITY_MANAGEMENT: "区质量强区办"}


@transaction.atomic
def load(stdout=None, today: dt.date | None = None) -> dict[str, int]:
    if ServiceRequest.objects.filter(is_demo=True).exists() or not User.objects.filter(username="office").exists():
        return {"requests": 0}
    firms = list(MarketEntity.objects.filter(is_active=True).order_by("pk")[:300])
    if not firms:
        return {"requests": 0}
    office = User.objects.get(username="office")
    unit = OrgUnit.objects.named("区市场监管分局").first() or office.unit
    today = today or timezone.localdate()
    if not SlaRuleSet.objects.exists():
        services.sla_rule_create(actor=office, effective_from=dt.date(today.year - 1, 1, 1), default=10,
                                 by_kind={ServiceKind.METROLOGY: 5},
                                 legal_basis="国市监质〔2020〕177号；普陀区质量基础设施一站式服务工作规范（演示）")
    rng = random.Random(20261203)
    before = ServiceRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = 0
    start = dt.date(today.year, 1, 2)
    for i in range(60):
        received = start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days)))
        kind = rng.choice(list(ServiceKind))
        req = services.request_create(actor=office, unit=unit, entity=rng.choice(firms), kind=kind,
                                      subject=rng.choice(SUBJECTS[kind]), received_on=received,
                                      assigned_to=HANDLERS[kind] if i % 7 else "")
        count += 1
        roll = rng.random()
        done_on = workdays_add(received, rng.randint(1, req.sla_workdays + (4 if roll < 0.12 else 0)))
        if done_on <= today and i % 9:
            services.request_complete(actor=office, request=req, done_on=done_on, outcome="已按要求办结，出具报告/意见",
                                      solved=roll > 0.08, rating=rng.choice([5, 5, 5, 4, 4, 3]))
    ServiceRequest.objects.filter(pk__gt=before).update(is_demo=True)
    return {"requests": count}
