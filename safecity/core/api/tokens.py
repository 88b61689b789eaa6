"""API token endpoints: obtain (``POST /api/auth/token/``), revoke the one in use
(``DELETE /api/auth/token/``), list and revoke one's own (``/api/auth/tokens/``).

Thin: the password goes through Django's ``authenticate`` (and so the login lock-out,
:mod:`safecity.core.lockout`); issuing and revoking are :mod:`safecity.core.api_tokens` services.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safecity.core import api_tokens
from safecity.core.lockout import lockout_message


class LoginLocked(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"
    default_detail = gettext_lazy("Too many failed logins.")


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    """A token as listed: ``key`` names it (its first characters); the secret is never shown again."""

    key = serializers.CharField(source="token_key", read_only=True)
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, token: AuthToken) -> bool:
        in_use = getattr(self.context.get("request"), "auth", None)
        return isinstance(in_use, AuthToken) and in_use.digest == token.digest


ISSUED = inline_serializer(
    "IssuedToken",
    {"token": serializers.CharField(), "key": serializers.CharField(), "expiry": serializers.DateTimeField()},
)


class TokenView(APIView):
    """``POST``: a new token for a user name and password. ``DELETE``: revoke the token in use."""

    def _obtaining(self) -> bool:
        return getattr(self.request, "method", None) == "POST"

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self._obtaining() else [IsAuthenticated()]

    def get_authenticators(self) -> list[Any]:
        # Obtaining a token takes a password only: no session, so no CSRF check for scripts.
        return [] if self._obtaining() else super().get_authenticators()

    @extend_schema(request=CredentialsSerializer, responses={200: ISSUED}, auth=[])
    def post(self, request: Request) -> Response:
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            request=django_request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                raise LoginLocked(lockout_message(django_request))
            raise exceptions.ValidationError({"non_field_errors": [_("The user name or password is not correct.")]})
        issued = api_tokens.api_token_issue(actor=user)
        return Response({"token": issued.key, "key": issued.token.token_key, "expiry": issued.expiry})

    @extend_schema(request=None, responses={204: OpenApiResponse(description="revoked")})
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, AuthToken):
            raise exceptions.ValidationError(
                {"non_field_errors": [_("This request is not authenticated by a token; revoke tokens by key.")]}
            )
        api_tokens.api_token_revoke(actor=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """The signed-in user's own tokens that still work (never anybody else's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TokenSerializer(many=True)})
    def get(self, request: Request) -> Response:
        tokens = api_tokens.api_token_list(user=request.user)
        return Response(TokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """``DELETE /api/auth/tokens/{key}/``: revoke one of one's own tokens (404 for anyone else's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="revoked")})
    def delete(self, request: Request, key: str) -> Response:
        if not api_tokens.api_token_revoke_by_key(actor=request.user, token_key=key):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
