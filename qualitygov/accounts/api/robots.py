"""`/api/v1/unit-robots/`: the group robots (DingTalk / WeCom) of the units the caller may manage.

Same rule as the pages (`accounts.robots`): the office for units in its scope, a unit's own liaison
for its own unit; any other robot or unit answers 404. The webhook URL and the secret are write-only:
answers carry `masked_url` and `masked_secret`. On PATCH an empty URL or secret keeps the stored one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from qualitygov.core.access import action_rule
from qualitygov.core.api.base import ApiViewMixin
from qualitygov.core.channels import mask_secret, mask_url
from qualitygov.core.errors import NotFoundError
from qualitygov.core.models import UnitRobot

from .. import robots
from ..choices import Action

TAG = pgettext_lazy("API tag", "Organisation")
DESCRIPTION = gettext_lazy(
    "Group robots of the units the caller may manage (the office: units in its scope; a liaison: their own "
    "unit). They receive the unit's notices once per event. The webhook URL and secret are write-only; "
    "answers show them masked. Another unit's robot answers 404.")


class UnitRobotSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="unit_ref", min_value=1, max_value=2**63 - 1,
                                    help_text="the unit's id (POST only; fixed afterwards)")
    webhook_url = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500)
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    clear_secret = serializers.BooleanField(write_only=True, required=False, default=False)
    masked_url = serializers.SerializerMethodField()
    masked_secret = serializers.SerializerMethodField()

    class Meta:
        model = UnitRobot
        fields = ["id", "unit", "kind", "enabled", "webhook_url", "secret", "clear_secret", "masked_url",
                  "masked_secret", "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_masked_url(self, robot: UnitRobot) -> str:
        return mask_url(robot.webhook_url)

    def get_masked_secret(self, robot: UnitRobot) -> str:
        return mask_secret(robot.secret)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List group robots"), description=DESCRIPTION, tags=[TAG]),
    retrieve=extend_schema(summary=gettext_lazy("Read a group robot"), description=DESCRIPTION, tags=[TAG]),
    create=extend_schema(summary=gettext_lazy("Add a group robot"), description=DESCRIPTION, tags=[TAG]),
    partial_update=extend_schema(summary=gettext_lazy("Change a group robot"), description=DESCRIPTION, tags=[TAG]),
)
class UnitRobotViewSet(ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    # PATCH only (`partial_update` below): a robot is changed field by field, the secret kept unless sent.
    access_rule = action_rule(Action.CHANGE)
    serializer_class = UnitRobotSerializer
    queryset = UnitRobot.objects.none()  # for the schema; requests use get_queryset
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return robots.robot_list_manageable(user=self.request.user)

    def create(self, request, *args, **kwargs):
        form = UnitRobotSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            unit = robots.robot_unit_get(user=request.user, pk=data["unit_ref"])
        except NotFoundError:
            raise NotFound() from None
        robot = robots.robot_add(actor=request.user, unit=unit, kind=data["kind"],
                                 webhook_url=data.get("webhook_url", ""), secret=data.get("secret", ""),
                                 enabled=data.get("enabled", True))
        return Response(UnitRobotSerializer(robot).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        robot = self.get_object()
        form = UnitRobotSerializer(robot, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        robot = robots.robot_change(actor=request.user, robot=robot, kind=data.get("kind"),
                                    webhook_url=data.get("webhook_url", ""), secret=data.get("secret", ""),
                                    clear_secret=data.get("clear_secret", False), enabled=data.get("enabled"))
        return Response(UnitRobotSerializer(robot).data)

    @extend_schema(request=None, tags=[TAG], summary=gettext_lazy("Send a test message"),
                   description=gettext_lazy("Posts a test message to the robot now; answers whether it arrived "
                                            "and, if not, the error."),
                   responses=inline_serializer("RobotTest", {"delivered": serializers.BooleanField(),
                                                             "error": serializers.CharField()}))
    @action(detail=True, methods=["post"], url_path="test")
    def send_test(self, request, pk=None):
        request.data  # noqa: B018 - a malformed body is refused like on every other POST
        robot = self.get_object()
        error = robots.robot_send_test(actor=request.user, robot=robot)
        return Response({"delivered": not error, "error": error})
