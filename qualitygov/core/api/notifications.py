"""`/api/v1/notifications/`: the caller's own notices; `mark-read` one, `mark-all-read` all."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from qualitygov.core.access import LOGIN
from qualitygov.core.models import Notification
from qualitygov.core.notifications import (
    notification_list_own,
    notification_mark_all_read,
    notification_mark_read,
)

from .base import ScopedReadOnlyViewSet
from .pagination import Pagination


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "url", "created_at", "read", "read_at"]
        read_only_fields = fields


TAG = _("Notifications")
DESCRIPTION = _("The caller's own notices (reminders, returns, overdue and escalation notices), unread first, "
                "newest first. Another user's notice answers 404.")


@extend_schema_view(retrieve=extend_schema(summary=_("Read a notification"), description=DESCRIPTION, tags=[TAG]))
class NotificationViewSet(ScopedReadOnlyViewSet):
    """The caller's notices, unread first, newest first. `?unread=true` lists only the unread ones."""

    access_rule = LOGIN
    serializer_class = NotificationSerializer
    pagination_class = Pagination
    queryset = Notification.objects.none()  # for the schema; requests use get_scoped_queryset

    def get_scoped_queryset(self, user):
        unread = self.request.query_params.get("unread", "").lower()
        flag = {"true": True, "1": True, "false": False, "0": False}.get(unread)
        return notification_list_own(user=user, unread=flag)

    @extend_schema(summary=_("List my notifications"), description=DESCRIPTION, tags=[TAG],
                   parameters=[OpenApiParameter("unread", bool, description=_("only unread (true) or read (false)"))])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer, summary=_("Mark a notification read"), tags=[TAG],
                   description=_("Marking again is harmless; another user's notice answers 404."))
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        """Mark this notice read (again is harmless); another user's notice answers 404."""
        request.data  # noqa: B018 - a malformed body is refused like on every other POST
        self.get_object()  # 404 outside the caller's own notices
        notice = notification_mark_read(recipient=request.user, pk=int(pk))
        return Response(NotificationSerializer(notice).data)

    @extend_schema(request=None, responses=inline_serializer("MarkAllRead", {"marked": serializers.IntegerField()}),
                   summary=_("Mark all my notifications read"), tags=[TAG],
                   description=_("Answers how many notices were unread."))
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        """Mark every unread notice of the caller read; answers how many were unread."""
        request.data  # noqa: B018 - a malformed body is refused like on every other POST
        return Response({"marked": notification_mark_all_read(recipient=request.user)})
