"""Token authentication of `/api/v1/`: `Authorization: Token <key>`, looked up by the key's hash.

The token becomes `request.auth`; a read-only one has `allows_write` False, which the API's access
permission (`qualitygov.core.api.base.AccessRulePermission`) turns into 404 on writing methods.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from ..tokens import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = api_token_authenticate(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        return token.user, token
