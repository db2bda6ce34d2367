"""`/api/v1/audit-events/`: the audit trail for office admins, scoped like the audit page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import CursorPagination

from qualitygov.audit.filters import AuditEventApiFilter
from qualitygov.audit.selectors import audit_event_list_visible
from qualitygov.core.access import action_rule
from qualitygov.core.api.base import ScopedReadOnlyViewSet
from qualitygov.core.api.schema import read_only_docs
from qualitygov.core.permissions import Action

from .serializers import AuditEventSerializer


class AuditEventPagination(CursorPagination):
    """Cursor pages over `-seq`: new events arriving while a client pages through never shift a page."""

    ordering = "-seq"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@read_only_docs(
    tag=_("Audit trail"), list_summary=_("List audit events"), retrieve_summary=_("Read an audit event"),
    description=_("Who changed what, when, from which values to which, newest first, within the caller's audit "
                  "scope (office admins). Filters: actor, action, object_type, object_id, unit, request_id, "
                  "since, until."),
)
class AuditEventViewSet(ScopedReadOnlyViewSet):
    """Audit events, newest first. Filters: actor, action, object_type, object_id, unit, request_id, since, until."""

    access_rule = action_rule(Action.AUDIT)
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventApiFilter
    pagination_class = AuditEventPagination

    def get_scoped_queryset(self, user):
        return audit_event_list_visible(user=user)
