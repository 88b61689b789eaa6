"""API tokens (django-rest-knox): obtain, expire, revoke, list one's own, revoked by a password change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from conftest import PASSWORD
from safecity.core.models import AuditEntry

PERSONAS = ["city_admin", "city_official", "district_a", "district_b", "enterprise_user", "expert", "outsider"]


def obtain(username: str, password: str = PASSWORD) -> dict[str, Any]:
    response = Client().post("/api/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def test_post_token_still_answers_existing_clients_with_a_token_that_works(city: Any, personas: Any) -> None:
    body = obtain("district_a")
    assert set(body) == {"token", "key", "expiry"}
    assert body["token"].startswith(body["key"])
    assert bearer(body["token"]).get("/api/me/").json()["username"] == "district_a"
    # JSON bodies work too (scripts), and the secret is stored only as a digest.
    json_body = (
        Client()
        .post("/api/auth/token/", {"username": "district_a", "password": PASSWORD}, content_type="application/json")
        .json()
    )
    assert json_body["token"] != body["token"]
    stored = AuthToken.objects.filter(user=personas.district_a)
    assert stored.count() == 2
    assert all(body["token"] not in (t.digest, t.token_key) for t in stored)


def test_a_wrong_password_gets_no_token_and_says_so(city: Any, personas: Any) -> None:
    response = Client().post("/api/auth/token/", {"username": "district_a", "password": "wrong-password"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "token" not in body
    assert "not correct" in body["fields"]["non_field_errors"][0]
    assert not AuthToken.objects.exists()


def test_tokens_expire_after_the_configured_time(city: Any, personas: Any, settings: Any) -> None:
    body = obtain("district_b")
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert abs((expiry - timezone.now()) - ttl) < datetime.timedelta(minutes=1)
    with time_machine.travel(timezone.now() + ttl - datetime.timedelta(minutes=5)):
        assert bearer(body["token"]).get("/api/me/").status_code == 200
    with time_machine.travel(timezone.now() + ttl + datetime.timedelta(minutes=5)):
        response = bearer(body["token"]).get("/api/me/")
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=personas.district_b).exists()  # an expired token is removed


def test_delete_revokes_the_token_in_use_and_only_that_one(city: Any, personas: Any) -> None:
    first, second = obtain("district_a")["token"], obtain("district_a")["token"]
    response = bearer(first).delete("/api/auth/token/")
    assert response.status_code == 204
    assert bearer(first).get("/api/me/").status_code == 401
    assert bearer(second).get("/api/me/").status_code == 200
    # Revoking is audited, with the token's digest masked.
    entry = AuditEntry.objects.filter(action="delete", content_type__app_label="knox").latest("pk")
    assert entry.actor_id == personas.district_a.pk and entry.source == "api"
    recorded = f"{entry.object_id} {entry.object_repr} {entry.before}"
    digest = entry.before["digest"]
    assert first not in recorded and digest.startswith("sha256:") and len(digest) < 30
    assert entry.before["token_key"] == first[:15]  # the token's public name, as listed


def test_delete_needs_a_token(city: Any, personas: Any) -> None:
    assert Client().delete("/api/auth/token/").status_code == 401
    session = Client()
    session.force_login(personas.district_a)
    response = session.delete("/api/auth/token/")
    assert response.status_code == 400
    assert "not authenticated by a token" in response.json()["fields"]["non_field_errors"][0]


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_lists_and_revokes_only_their_own_tokens(city: Any, personas: Any, persona: str) -> None:
    user = getattr(personas, persona)
    mine = obtain(user.username)
    other = "district_b" if persona != "district_b" else "district_a"
    theirs = obtain(other)
    client = bearer(mine["token"])
    listed = client.get("/api/auth/tokens/").json()
    assert [t["key"] for t in listed] == [mine["key"]]
    assert listed[0]["current"] is True
    assert theirs["key"] not in str(listed)
    # Somebody else's token cannot be revoked, and is not even confirmed to exist.
    assert client.delete(f"/api/auth/tokens/{theirs['key']}/").status_code == 404
    assert bearer(theirs["token"]).get("/api/me/").status_code == 200
    assert client.delete(f"/api/auth/tokens/{mine['key']}/").status_code == 204
    assert client.get("/api/auth/tokens/").status_code == 401


def test_a_password_change_revokes_every_token(city: Any, personas: Any) -> None:
    token = obtain("enterprise_user")["token"]
    other = obtain("district_a")["token"]
    page = Client()
    page.force_login(personas.enterprise_user)
    response = page.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Another-pass-2024!", "new_password2": "Another-pass-2024!"},
    )
    assert response.status_code == 302, response.content
    assert bearer(token).get("/api/me/").status_code == 401
    assert bearer(other).get("/api/me/").status_code == 200
    # The help text on the password page says so.
    assert "revokes your API tokens" in page.get("/accounts/password/").content.decode()


def test_a_password_set_anywhere_revokes_the_tokens(city: Any, personas: Any) -> None:
    token = obtain("district_b")["token"]
    user = personas.district_b
    user.set_password("Set-in-the-shell-2024")
    user.save()
    assert bearer(token).get("/api/me/").status_code == 401


def test_the_platform_operator_revokes_anybodys_token_in_the_admin(city: Any, personas: Any) -> None:
    token = obtain("district_a")["token"]
    stored = AuthToken.objects.get(user=personas.district_a)
    admin = Client()
    admin.force_login(city.superuser)
    listing = admin.get("/admin/knox/authtoken/").content.decode()
    assert "district_a" in listing
    response = admin.post(f"/admin/knox/authtoken/{stored.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert bearer(token).get("/api/me/").status_code == 401
    # An official without the permission cannot reach the tokens in the admin.
    official = Client()
    official.force_login(personas.city_official)
    assert official.get("/admin/knox/authtoken/").status_code in (302, 403)


def test_the_tokens_page_lists_issues_and_revokes_own_tokens(city: Any, personas: Any) -> None:
    theirs = obtain("district_b")
    page = Client()
    page.force_login(personas.district_a)
    empty = page.get("/accounts/tokens/").content.decode()
    assert "You have no API tokens." in empty
    issued = page.post("/accounts/tokens/").content.decode()
    token = AuthToken.objects.get(user=personas.district_a)
    assert 'data-testid="token-secret"' in issued
    secret = issued.split('data-testid="token-secret">')[1].split("<")[0]
    assert secret.startswith(token.token_key)
    assert bearer(secret).get("/api/me/").json()["username"] == "district_a"
    listing = page.get("/accounts/tokens/").content.decode()
    assert f"{token.token_key}…" in listing
    assert secret not in listing  # the secret is shown once
    assert theirs["key"] not in listing
    # Somebody else's key changes nothing.
    refused = page.post(f"/accounts/tokens/{theirs['key']}/revoke/", follow=True).content.decode()
    assert "No such token of yours." in refused
    assert bearer(theirs["token"]).get("/api/me/").status_code == 200
    done = page.post(f"/accounts/tokens/{token.token_key}/revoke/", follow=True).content.decode()
    assert "is revoked" in done and "You have no API tokens." in done
    assert bearer(secret).get("/api/me/").status_code == 401


def test_the_tokens_page_needs_a_login(city: Any) -> None:
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
