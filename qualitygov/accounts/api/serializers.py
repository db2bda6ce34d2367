"""Serializers of the accounts API. No password or token field ever leaves through them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qualitygov.core.scoping import scope_for

from ..choices import Action
from ..models import ApiTokenScope, Grant, OrgUnit, User


class OrgUnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "short_name", "kind", "kind_label", "parent", "depth", "sort_order", "is_active",
                  "aliases"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, unit: OrgUnit) -> list[str]:
        # Reads the prefetched aliases (ordered by the selector) rather than querying per unit.
        return [alias.name for alias in unit.aliases.all()]


class GrantSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Grant
        fields = ["id", "role", "role_label", "unit", "unit_name", "include_descendants"]
        read_only_fields = fields


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}],
                      "description": "e-mail address; empty when none is recorded"})
class OptionalEmailField(serializers.CharField):
    """An e-mail address that may be blank: the schema says so instead of a bare `format: email`."""


class UserSerializer(serializers.ModelSerializer):
    email = OptionalEmailField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "phone", "unit", "unit_name", "is_active",
                  "last_login", "date_joined", "grants"]
        read_only_fields = fields


class ScopeSummarySerializer(serializers.Serializer):
    everything = serializers.BooleanField(help_text="true when the scope covers every unit")
    unit_count = serializers.IntegerField()
    unit_ids = serializers.ListField(child=serializers.IntegerField(), allow_null=True,
                                     help_text="null when `everything` is true")


class MeSerializer(UserSerializer):
    scopes = serializers.SerializerMethodField(help_text="for each action, the units where the user may do it")

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "scopes"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=ScopeSummarySerializer()))
    def get_scopes(self, user: User) -> dict[str, dict]:
        total = None
        out = {}
        for action in Action.values:
            scope = scope_for(user, action)
            if scope.everything:
                if total is None:
                    total = OrgUnit.objects.visible_to(user, action).count()
                out[action] = {"everything": True, "unit_count": total, "unit_ids": None}
            else:
                out[action] = {"everything": False, "unit_count": len(scope.unit_ids),
                               "unit_ids": sorted(scope.unit_ids)}
        return out


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})
    code = serializers.CharField(max_length=10, required=False, allow_blank=True, default="",
                                 help_text="the authenticator code, for users with two-step sign-in")
    name = serializers.CharField(max_length=60, required=False, default="API", help_text="what the token is for")
    scope = serializers.ChoiceField(choices=ApiTokenScope.choices, required=False, default=ApiTokenScope.READ,
                                    help_text="`read` (default): GET only; `write`: every method")
    days = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                    help_text="how long it lasts; at most, and by default, API_TOKEN_DAYS (90)")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`; shown this once only")
    username = serializers.CharField()
    created = serializers.BooleanField(help_text="always true: every request makes a new token")
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="the key's first 8 characters, shown in the token list")
    scope = serializers.CharField()
    expires_at = serializers.DateTimeField()
