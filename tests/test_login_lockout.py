"""Login lock-out: by (user name, address), a longer lock for an address trying many user names,
the same on the HTML login and the API token login (429 with a message)."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD

STRANGER = "198.51.100.7"
OWNER = "203.0.113.20"


def html_login(username: str, password: str, address: str) -> Any:
    return Client().post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(username: str, password: str, address: str) -> Any:
    return Client().post("/api/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_cannot_lock_the_owner_out(city: Any, personas: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        html_login("district_a", "wrong", STRANGER)
    # The stranger's address is locked for that user name, even with the right password ...
    locked = html_login("district_a", PASSWORD, STRANGER)
    assert locked.status_code == 429
    assert "try again in 15 minutes" in locked.content.decode()
    assert api_login("district_a", PASSWORD, STRANGER).status_code == 429
    # ... but the owner, from their own address, logs in on the page and in the API.
    assert html_login("district_a", PASSWORD, OWNER).status_code == 302
    assert api_login("district_a", PASSWORD, OWNER).status_code == 200
    # Another account from the stranger's address is not locked by these failures.
    assert html_login("district_b", PASSWORD, STRANGER).status_code == 302


def test_the_pair_lock_ends_after_the_cool_off(city: Any, personas: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        html_login("district_b", "wrong", STRANGER)
    assert html_login("district_b", PASSWORD, STRANGER).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)):
        assert html_login("district_b", PASSWORD, STRANGER).status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(city: Any, personas: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        html_login("district_a", "wrong", STRANGER)
    assert html_login("district_a", PASSWORD, STRANGER).status_code == 302


def test_an_address_trying_many_user_names_is_locked_longer(city: Any, personas: Any, settings: Any) -> None:
    limit = settings.SAFECITY_LOGIN_ADDRESS_USERNAME_LIMIT
    for i in range(limit):
        html_login(f"guess{i}", "wrong", STRANGER)  # one try each: no pair lock
    locked = html_login("city_official", PASSWORD, STRANGER)
    assert locked.status_code == 429
    minutes = int(settings.SAFECITY_LOGIN_ADDRESS_COOLOFF.total_seconds() // 60)
    assert f"try again in {minutes} minutes" in locked.content.decode()
    assert int(locked["Retry-After"]) == minutes * 60
    api = api_login("city_official", PASSWORD, STRANGER)
    assert api.status_code == 429 and api.json()["code"] == "login_locked"
    # Other addresses are not affected.
    assert html_login("city_official", PASSWORD, OWNER).status_code == 302
    # Still locked after the short pair cool-off, free after the address window.
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    with time_machine.travel(later):
        assert html_login("city_official", PASSWORD, STRANGER).status_code == 429
    with time_machine.travel(timezone.now() + settings.SAFECITY_LOGIN_ADDRESS_COOLOFF + datetime.timedelta(minutes=1)):
        assert html_login("city_official", PASSWORD, STRANGER).status_code == 302


def test_fewer_user_names_than_the_address_limit_do_not_lock_the_address(city: Any, personas: Any, settings: Any) -> None:
    for i in range(settings.SAFECITY_LOGIN_ADDRESS_USERNAME_LIMIT - 1):
        html_login(f"guess{i}", "wrong", STRANGER)
    assert html_login("district_b", PASSWORD, STRANGER).status_code == 302


def test_the_api_answers_a_locked_login_with_429_and_a_message(city: Any, personas: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = api_login("district_b", "wrong", STRANGER)
    # The failure that reaches the limit is already answered as locked.
    assert wrong.status_code == 429
    response = api_login("district_b", PASSWORD, STRANGER)
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "login_locked"
    assert "try again in 15 minutes" in body["message"]
    assert response["Retry-After"] == "900"
    assert "token" not in body
    # The HTML login shares the lock (same user name, same address).
    assert html_login("district_b", PASSWORD, STRANGER).status_code == 429


def test_the_locked_page_is_in_chinese_by_default(city: Any, personas: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        html_login("district_a", "wrong", STRANGER)
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        "/accounts/login/", {"username": "district_a", "password": PASSWORD}, REMOTE_ADDR=STRANGER
    )
    assert page.status_code == 429
    assert "15 分钟" in page.content.decode()


def test_a_successful_login_clears_the_pairs_failures(city: Any, personas: Any, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        html_login("district_a", "wrong", OWNER)
    assert html_login("district_a", PASSWORD, OWNER).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        html_login("district_a", "wrong", OWNER)
    assert html_login("district_a", PASSWORD, OWNER).status_code == 302
