"""`/api/v1/` views of accounts: org units, users, the caller, and API tokens."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, Throttled
from rest_framework.response import Response

from qualitygov.core.access import LOGIN, PUBLIC, action_rule
from qualitygov.core.api.base import AccessRulePermission, ApiView, ScopedReadOnlyViewSet
from qualitygov.core.api.schema import ErrorSerializer, read_only_docs
from qualitygov.core.errors import ServiceError

from ..auth import INVALID, LOCKED, SLOW, SignInRefused, login_success_record, sign_in_check
from ..choices import Action
from ..forms import ThrottledAuthenticationForm, client_ip
from ..models import ApiToken, Grant, User
from ..selectors import org_unit_list_visible, user_list_visible
from ..tokens import api_token_create, api_token_revoke, api_tokens_revoke_all
from .filters import OrgUnitFilter, UserFilter
from .serializers import (
    MeSerializer,
    OrgUnitSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)

TAG = pgettext_lazy("API tag", "Organisation")


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List units"), retrieve_summary=gettext_lazy("Read a unit"),
    description=gettext_lazy("Units the caller may see, in tree order, with their aliases. "
                             "Filters: kind, parent, is_active, q."),
)
class OrgUnitViewSet(ScopedReadOnlyViewSet):
    """Units the caller may see, in tree order. Filters: kind, parent, is_active, q (names and aliases)."""

    access_rule = LOGIN
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter

    def get_scoped_queryset(self, user):
        return org_unit_list_visible(user=user, action=Action.VIEW)


@read_only_docs(
    tag=TAG, list_summary=gettext_lazy("List users"), retrieve_summary=gettext_lazy("Read a user"),
    description=gettext_lazy("Users whose home unit the caller manages (office admins), with their role grants; "
                             "never a password or token. Filters: unit, is_active, q."),
)
class UserViewSet(ScopedReadOnlyViewSet):
    """Users whose home unit the caller manages (office admins). Filters: unit, is_active, q."""

    access_rule = action_rule(Action.MANAGE)
    serializer_class = UserSerializer
    filterset_class = UserFilter

    def get_scoped_queryset(self, user):
        return user_list_visible(user=user, action=Action.MANAGE)


class MeView(ApiView):
    """The caller: profile, grants and, for each action, the extent of their scope."""

    access_rule = LOGIN

    @extend_schema(responses=MeSerializer, tags=[TAG], summary=gettext_lazy("Read the caller"),
                   description=gettext_lazy("The caller's profile, grants and, for each action, the units where "
                                            "they may do it."))
    def get(self, request):
        grants = Prefetch("grants", queryset=Grant.objects.select_related("unit").order_by("role", "unit__path"))
        user = User.objects.select_related("unit").prefetch_related(grants).get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class TokenView(ApiView):
    """POST a user name and password (and the authenticator code, for two-step sign-in) for a new token;
    DELETE revokes the token of the request (with a session: every token of the caller).

    Failed attempts count towards the same throttle as the web sign-in (`qualitygov.accounts.auth`):
    a throttled attempt answers 429.
    """

    access_rule = PUBLIC
    permission_classes = [AccessRulePermission]
    read_credentials_may_write = True  # a read-only token may revoke itself

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="malformed, invalid, invalid_credentials, "
                                                              "code_required or code_invalid"),
            429: OpenApiResponse(ErrorSerializer, description="throttled: too many failed sign-ins"),
        },
        auth=[], tags=[TAG], summary=gettext_lazy("Get an API token"),
        description=gettext_lazy("A user name and password (and authenticator code, for two-step sign-in) for a "
                                 "new token with a name, a scope (read, or write) and an expiry; the key is "
                                 "shown this once and only its hash is kept. It acts as its user. Failed "
                                 "attempts count towards the sign-in throttle (429)."),
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ip_address = client_ip(request)
        try:
            user = sign_in_check(request=request._request, username=data["username"], password=data["password"],
                                 code=data["code"], ip_address=ip_address)
        except SignInRefused as refused:
            if refused.code in {LOCKED, SLOW}:
                raise Throttled(detail=ThrottledAuthenticationForm.error_messages[refused.code]) from None
            if refused.code == INVALID:
                raise ServiceError(_("Wrong user name or password."), code="invalid_credentials") from None
            raise ServiceError(ThrottledAuthenticationForm.error_messages[refused.code], code=refused.code,
                               fields={"code": [ThrottledAuthenticationForm.error_messages[refused.code]]}) from None
        login_success_record(user=user, ip_address=ip_address)
        token, key = api_token_create(actor=user, user=user, name=data["name"], scope=data["scope"],
                                      days=data["days"], ip_address=ip_address)
        body = TokenSerializer({"token": key, "username": user.username, "created": True, "name": token.name,
                                "prefix": token.prefix, "scope": token.scope, "expires_at": token.expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 401: OpenApiResponse(ErrorSerializer, description="not authenticated")},
                   tags=[TAG], summary=gettext_lazy("Revoke the caller's token"),
                   description=gettext_lazy("Delete the token this request carries (signed in with a session: "
                                            "every token of the caller); requests with it answer 401 from now "
                                            "on."))
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if isinstance(request.auth, ApiToken):
            api_token_revoke(actor=request.user, token=request.auth)
        else:
            api_tokens_revoke_all(actor=request.user, user=request.user, reason="owner")
        return Response(status=status.HTTP_204_NO_CONTENT)
