"""API tokens: issue, list, revoke (django-rest-knox, ADR 0008).

A token is shown once, when it is issued; the database keeps only its SHA-512 digest and its first
characters (``token_key``), which name it in lists. Every token expires (``REST_KNOX["TOKEN_TTL"]``,
``SAFECITY_API_TOKEN_TTL_HOURS``); its holder revokes it with ``DELETE /api/auth/token/`` or on
``/accounts/tokens/``; the platform operator revokes anybody's in the admin; a password change
revokes them all (GB/T 22239-2019 8.1.4.1: identification and authentication, credentials that
end). Tokens are personal: a user reaches only their own, whatever their jurisdiction, so these
functions filter by ``user`` rather than through the jurisdiction scoping of :mod:`scoping`.
Every issue and revocation is a model save/delete and so lands in the audit trail (ADR 0002).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: ``key`` is the secret, shown to its holder this once."""

    key: str
    token: AuthToken

    @property
    def expiry(self) -> datetime | None:
        return self.token.expiry


def api_token_list(*, user: Any) -> QuerySet[AuthToken]:
    """The user's own tokens that still work, newest first (expired ones are not shown)."""
    if not getattr(user, "is_authenticated", False):
        return AuthToken.objects.none()
    now = timezone.now()
    return AuthToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=now), user=user).order_by("-created")


def api_token_issue(*, actor: Any) -> IssuedToken:
    """Issue a token for ``actor`` (already authenticated by password or session), valid TOKEN_TTL."""
    with transaction.atomic():
        token, key = AuthToken.objects.create(user=actor, expiry=knox_settings.TOKEN_TTL)
    return IssuedToken(key=key, token=token)


def api_token_revoke(*, actor: Any, token: AuthToken) -> None:
    """Revoke one token. Its holder may; so may the platform operator (superuser), nobody else."""
    from django.core.exceptions import PermissionDenied

    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        token.delete()


def api_token_revoke_by_key(*, actor: Any, token_key: str) -> int:
    """Revoke the actor's own token(s) named by ``token_key``; returns how many were revoked (0: none)."""
    with transaction.atomic():
        tokens = list(AuthToken.objects.select_for_update().filter(user=actor, token_key=token_key))
        for token in tokens:
            token.delete()
    return len(tokens)


def api_tokens_revoke_all(*, user: Any) -> int:
    """Revoke every token of ``user`` (one delete each, so each revocation is audited)."""
    with transaction.atomic():
        tokens = list(AuthToken.objects.select_for_update().filter(user=user))
        for token in tokens:
            token.delete()
    return len(tokens)


class RevokeTokensOnPasswordChange:
    """Revokes a user's API tokens whenever their password changes; never rejects a password.

    Django calls ``password_changed`` on every configured password validator after a new
    password is saved, whichever path set it (password page, admin, ``changepassword``, shell),
    which is why the rule is hooked here and not on one view: a token obtained with the old
    password must not outlive it.
    """

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return _("Changing your password revokes your API tokens.")
