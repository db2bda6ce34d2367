"""`/api/v1/notifications/`: the caller's own notices; `mark-read` one, `mark-all-read` all;
`/api/v1/notification-settings/`: the caller's own settings (e-mail on or off, per kind)."""

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
    notification_preference_get,
    notification_preference_set,
)
from qualitygov.core.registry import notice_kinds

from .base import ApiView, ScopedReadOnlyViewSet
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


class NotificationSettingsSerializer(serializers.Serializer):
    email = serializers.BooleanField(help_text="send notices by e-mail too")
    email_off_kinds = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                            help_text="kinds of notice sent in-app only (no e-mail)")
    kinds = serializers.SerializerMethodField(help_text="every kind of notice, with its label")

    def get_kinds(self, _pref) -> list[dict[str, str]]:
        return [{"kind": kind, "label": str(label)} for kind, label in notice_kinds()]


SETTINGS_DESCRIPTION = _("The caller's own notification settings: in-app notices are always kept; `email` "
                         "switches e-mail on or off, `email_off_kinds` lists the kinds of notice sent in-app only. "
                         "Unknown kinds are dropped.")


class NotificationSettingsView(ApiView):
    """GET or PUT the caller's notification settings."""

    access_rule = LOGIN

    @extend_schema(responses=NotificationSettingsSerializer, tags=[TAG], summary=_("Read my notification settings"),
                   description=SETTINGS_DESCRIPTION)
    def get(self, request):
        return Response(NotificationSettingsSerializer(notification_preference_get(user=request.user)).data)

    @extend_schema(request=NotificationSettingsSerializer, responses=NotificationSettingsSerializer, tags=[TAG],
                   summary=_("Change my notification settings"), description=SETTINGS_DESCRIPTION)
    def put(self, request):
        form = NotificationSettingsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        pref = notification_preference_set(user=request.user, email=form.validated_data["email"],
                                           email_off_kinds=form.validated_data.get("email_off_kinds"))
        return Response(NotificationSettingsSerializer(pref).data)
