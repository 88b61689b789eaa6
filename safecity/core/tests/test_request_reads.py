"""What every signed-in request reads before its view runs, written as plain SQL for speed
(principal, session, region path, the hazard filter form, timestamps on PostgreSQL): each must
read exactly what the querysets it replaced read."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from safecity.core import services
from safecity.core.choices import Role
from safecity.core.filtering import region_path_of
from safecity.core.models import Person, RoleAssignment
from safecity.core.scoping import principal_for
from safecity.env import parse_database_url
from safecity.hazards.filtersets import HiddenHazardFilterSet
from safecity.hazards.models import HiddenHazard


def _fresh(user: Any) -> Any:
    user.__dict__.pop("_safecity_principal", None)
    return principal_for(user)


def test_the_principal_holds_the_grants_in_force_today_of_an_active_person(city: Any, personas: Any) -> None:
    user = personas.district_a
    person = Person.objects.get(user=user)
    assert [(g.role, g.region_path) for g in _fresh(user).grants] == [(Role.DISTRICT_OFFICIAL, city.district_a.path)]
    assert _fresh(user).person_id == person.pk

    today = timezone.localdate()
    extra = services.role_assign(
        actor=city.superuser, person=person, role=Role.CITY_OFFICIAL, organisation=city.bureau_a, jurisdiction=city.city
    )
    # Ordered as the model orders assignments (person, then role).
    assert [g.role for g in _fresh(user).grants] == sorted([Role.DISTRICT_OFFICIAL, Role.CITY_OFFICIAL])

    RoleAssignment.objects.filter(pk=extra.pk).update(valid_from=today + timedelta(days=1))
    assert [g.role for g in _fresh(user).grants] == [Role.DISTRICT_OFFICIAL]
    RoleAssignment.objects.filter(pk=extra.pk).update(valid_from=today, valid_until=today)
    assert len(_fresh(user).grants) == 2  # both ends of the validity are inclusive
    RoleAssignment.objects.filter(pk=extra.pk).update(valid_from=None, valid_until=today - timedelta(days=1))
    assert [g.role for g in _fresh(user).grants] == [Role.DISTRICT_OFFICIAL]

    Person.objects.filter(pk=person.pk).update(is_active=False)
    principal = _fresh(user)
    assert principal.grants == ()
    assert principal.person_id == person.pk  # still known as a person, with no grant
    assert isinstance(today, date)


def test_the_principal_costs_one_query_and_is_kept_for_the_request(personas: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        first = _fresh(personas.district_b)
        again = principal_for(personas.district_b)
    assert first is again
    assert len(queries.captured_queries) == 1


def test_a_session_is_read_while_valid_and_never_after_it_expires(personas: Any) -> None:
    client = Client()
    client.force_login(personas.district_a)
    assert client.get("/api/me/", HTTP_ACCEPT="application/json").status_code == 200
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/me/", HTTP_ACCEPT="application/json").status_code in (401, 403)
    # A key that was never issued is no session either (and is not an error).
    other = Client()
    other.cookies["sessionid"] = "x" * 32
    assert other.get("/api/me/", HTTP_ACCEPT="application/json").status_code in (401, 403)


def test_region_path_of_reads_the_materialised_path(city: Any) -> None:
    assert region_path_of("320411") == city.district_a.path
    assert region_path_of("320411002") == city.street_a.path
    assert region_path_of("999999") is None
    assert region_path_of("") is None


def test_the_hazard_filter_form_is_built_once_and_speaks_the_current_language(db: Any) -> None:
    first = HiddenHazardFilterSet({"level": "1"}, queryset=HiddenHazard.objects.none())
    second = HiddenHazardFilterSet({}, queryset=HiddenHazard.objects.none())
    assert type(first.form) is type(second.form)
    assert first.form.fields["level"] is not second.form.fields["level"]  # each form its own fields
    assert first.is_valid() and first.form.cleaned_data["level"] == 1
    with translation.override("en"):
        english = str(HiddenHazardFilterSet({}, queryset=HiddenHazard.objects.none()).form["level"].label)
    with translation.override("zh-hans"):
        chinese = str(HiddenHazardFilterSet({}, queryset=HiddenHazard.objects.none()).form["level"].label)
    assert english == "Hazard level"
    assert chinese != english


def test_postgresql_timestamps_are_aware_utc_datetimes(db: Any) -> None:
    assert parse_database_url("postgres://u@h/n")["ENGINE"] == "safecity.core.dbbackend.postgresql"
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            return
        cursor.execute("SELECT '2026-12-07 08:30:15.25+08'::timestamptz, NULL::timestamptz")
        value, empty = cursor.fetchone()
    assert value.tzinfo is UTC
    assert value == timezone.datetime(2026, 12, 7, 0, 30, 15, 250000, tzinfo=UTC)
    assert empty is None


def test_the_signed_in_user_is_read_by_the_backend_and_an_inactive_one_is_refused(personas: Any) -> None:
    from django.contrib.auth import get_user_model

    from safecity.core.auth_backend import UserBackend

    backend = UserBackend()
    user = backend.get_user(personas.district_a.pk)
    assert user == personas.district_a
    assert user.last_login == personas.district_a.last_login and user.date_joined == personas.district_a.date_joined
    assert backend.get_user(10**9) is None
    get_user_model().objects.filter(pk=personas.district_a.pk).update(is_active=False)
    assert backend.get_user(personas.district_a.pk) is None


def test_a_session_names_the_one_password_backend_and_an_older_one_is_signed_out(personas: Any) -> None:
    from django.conf import settings

    assert [b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b] == ["safecity.core.auth_backend.UserBackend"]
    client = Client()
    client.force_login(personas.district_b)
    assert client.session["_auth_user_backend"] == "safecity.core.auth_backend.UserBackend"
    assert client.get("/api/me/", HTTP_ACCEPT="application/json").status_code == 200
    # A session made before this backend (naming Django's) is no sign-in, and no error.
    session = client.session
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    assert client.get("/api/me/", HTTP_ACCEPT="application/json").status_code in (401, 403)
