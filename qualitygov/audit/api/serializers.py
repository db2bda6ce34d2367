"""Serializers of the audit trail (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from qualitygov.core.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor_repr", read_only=True)
    unit = serializers.IntegerField(source="unit_ref", read_only=True, allow_null=True)
    unit_name = serializers.CharField(source="unit_repr", read_only=True)
    object = serializers.CharField(source="object_repr", read_only=True)
    changes = serializers.JSONField(read_only=True, help_text="what changed; `{field: [old, new]}` for updates")

    class Meta:
        model = AuditEvent
        fields = [
            "id", "seq", "at", "actor", "actor_name", "unit", "unit_name", "action", "object_type", "object_id",
            "object", "changes", "request_id", "prev_hash", "hash",
        ]
        read_only_fields = fields
