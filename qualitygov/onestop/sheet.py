"""The requests' import sheet: the columns a file may carry (the headings of the list's export, so an
export corrected in Excel imports again), read by the directory's ledger engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qualitygov.registry.ledgers import BOOL, CHOICE, DATE, ENTITY, INT, TEXT, Col, Register

from . import events
from .models import ServiceRequest

MEASURES = ("onestop.requests", "onestop.done", "onestop.sla_rate", "onestop.rating_avg")

REQUESTS = Register(
    key="onestop", model=ServiceRequest, label=_("One-stop NQI services"), noun=_("service request"),
    columns=(
        Col("entity", "统一社会信用代码", ENTITY, required=True),
        Col("kind", "服务类型", CHOICE, required=True),
        Col("subject", "服务事项", TEXT, required=True),
        Col("received_on", "受理日期", DATE, required=True),
        Col("assigned_to", "承办机构", TEXT),
        Col("done_on", "办结日期", DATE),
        Col("solved", "问题是否解决", BOOL),
        Col("rating", "企业评价", INT),
        Col("outcome", "办理结果", TEXT),
    ),
    list_columns=(), date_field="received_on",
    events=(events.REQUEST_CREATE, events.REQUEST_UPDATE, events.REQUEST_DELETE, events.REQUESTS_IMPORT),
    measures=MEASURES, natural_key=("entity", "kind", "received_on", "subject"), filename="一站式服务申请",
)
