"""`/api/v1/` views of accounts: org units, users, the caller, and API tokens."""

from __future__ import annotations

from django.contrib.auth import authenticate
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

from ..auth import login_failure_record, login_locked
from ..choices import Action
from ..forms import client_ip
from ..models import Grant, User
from ..selectors import org_unit_list_visible, user_list_visible
from .filters import OrgUnitFilter, UserFilter
from .serializers import (
    MeSerializer,
    OrgUnitSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from .tokens import api_token_issue, api_token_revoke

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
    """POST a user name and password for a token; DELETE (authenticated) revokes the caller's token.

    Failed attempts count towards the same lock as the web sign-in: after too many failures for one
    user name, further attempts answer 429 until the window has passed.
    """

    access_rule = PUBLIC
    permission_classes = [AccessRulePermission]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer, 200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="malformed, invalid or invalid_credentials"),
            429: OpenApiResponse(ErrorSerializer, description="throttled: too many failed sign-ins"),
        },
        auth=[], tags=[TAG], summary=gettext_lazy("Get an API token"),
        description=gettext_lazy("A user name and password for the user's token (201 when new, 200 when they "
                                 "had one); it acts exactly as its user. Failed attempts count towards the "
                                 "sign-in lock (429)."),
    )
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"].strip()
        if login_locked(username):
            raise Throttled(detail=_("Too many failed sign-ins for this account. Try again in 15 minutes or ask "
                                     "the office."))
        user = authenticate(request._request, username=username, password=form.validated_data["password"])
        if user is None:
            login_failure_record(username=username, ip_address=client_ip(request))
            raise ServiceError(_("Wrong user name or password."), code="invalid_credentials")
        token, created = api_token_issue(user=user, ip_address=client_ip(request))
        body = TokenSerializer({"token": token.key, "username": user.username, "created": created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={204: None, 401: OpenApiResponse(ErrorSerializer, description="not authenticated")},
                   tags=[TAG], summary=gettext_lazy("Revoke the caller's token"),
                   description=gettext_lazy("Delete the caller's API token; requests with it answer 401 from now "
                                            "on."))
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        api_token_revoke(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
