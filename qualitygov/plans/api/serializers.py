"""Serializers of the plans API: ids plus readable names, choice codes plus their labels."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import ResponsibilityRole
from ..models import Plan, Responsibility, Task
from ..selectors import task_time_limit


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    task_count = serializers.IntegerField(read_only=True)
    indicator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "issuer", "doc_number", "issued_on", "period_start", "period_end", "status",
                  "status_label", "revision", "task_count", "indicator_count", "created_at", "updated_at"]
        read_only_fields = fields


class TaskUnitSerializer(serializers.ModelSerializer):
    """One responsible unit of a task, as listed on the task."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "unit", "unit_name", "role", "role_label"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    group_title = serializers.CharField(source="group.title", read_only=True, default=None, allow_null=True)
    time_limit = serializers.SerializerMethodField(help_text="完成时限 as the breakdown table writes it")
    responsibilities = serializers.SerializerMethodField(help_text="lead units first, each in written order")

    class Meta:
        model = Task
        fields = ["id", "plan", "plan_title", "group", "group_title", "number", "title", "text", "all_towns",
                  "deadline", "deadline_text", "time_limit", "order", "responsibilities"]
        read_only_fields = fields

    def get_time_limit(self, task: Task) -> str:
        return task_time_limit(task)

    @extend_schema_field(TaskUnitSerializer(many=True))
    def get_responsibilities(self, task: Task) -> list[dict]:
        rows = sorted(task.responsibilities.all(), key=lambda r: (r.role != ResponsibilityRole.LEAD, r.order, r.pk))
        return TaskUnitSerializer(rows, many=True).data


class ResponsibilitySerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    task_number = serializers.CharField(source="task.number", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "plan", "task", "task_number", "task_title", "unit", "unit_name", "role", "role_label",
                  "name_as_written", "order"]
        read_only_fields = fields
