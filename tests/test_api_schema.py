"""The API against its own published schema (issue 12): schemathesis over the WSGI app.

A small seeded city (the personas' city, plus a registry, a hazard, a deep-check panel, key
projects, a fire case, an innovation round, a registered cylinder on the ledger, portraits) is
built once per test; then every operation of ``/api/schema/`` is called with generated input:

- as documented (positive) and deliberately wrong (negative), with generated path ids;
- once more with the path ids of real objects the persona can list, so detail pages, actions and
  their responses are exercised on real rows.

Two checks on every answer: no 5xx, and a documented response matches its schema (and its
content type). Generation is derandomised (Hypothesis ``derandomize``, no example database), so
the same code gives the same requests: CI is not flaky. The number of examples per operation is
small and fixed (``EXAMPLES``) to keep the suite fast; set ``SAFECITY_SCHEMA_EXAMPLES`` to search
harder locally. One test per persona, so pytest-xdist runs them side by side.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from safecity.cylinders.tests.conftest import cyl  # noqa: F401  (fixtures)
from safecity.deepchecks.tests.conftest import pool, world  # noqa: F401
from safecity.firecases.tests.conftest import agencies, make_case  # noqa: F401
from safecity.forklifts.tests.conftest import fleet  # noqa: F401
from safecity.hazards.tests.conftest import _media, dictionary, make_hazard, registry  # noqa: F401
from safecity.innovation.tests.conftest import build_contest
from safecity.keyprojects.tests.conftest import kp  # noqa: F401
from safecity.ledger.tests.conftest import signer  # noqa: F401
from safecity.telemetry.tests.world import tm  # noqa: F401

EXAMPLES = int(os.environ.get("SAFECITY_SCHEMA_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Operations that render files or run the panel solver: one example each is enough to see them answer.
SLOW = re.compile(r"/pdf/|/export/|/monthly-report/|/schedule/|/import/")
# The token endpoints belong to the token work (django-rest-knox) and are tested there.
SKIP = re.compile(r"^/api/auth/")
CSRF = "schemathesisCsrfSecret0123456789"  # a CSRF secret as Django stores it: 32 letters and digits


@contextmanager
def _keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, and Django closes the database connection when a
    request starts and finishes: on PostgreSQL that is the test's own connection, inside its
    transaction. Django's test client disconnects that handler around each of its requests (and
    connects it again after), so every direct WSGI call is wrapped the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_city(city, personas, registry, make_hazard, world, kp, cyl, agencies, signer, fleet, tm) -> Any:  # noqa: F811
    """The personas' city with one of everything the API lists (small: a few rows per app)."""
    from safecity.portraits import services as portrait_services

    make_hazard(2)  # rectifying
    make_case(city, agencies, until="reviewed")
    build_contest(city, personas)
    cyl.register("CZ0001")  # a cylinder: ledger entries, a checkpoint
    fleet.truck()  # a forklift with its plant, zone, safety officer and inspection
    fleet.driver()
    tm.fire(tm.device_a, "overspeed")  # a monitored device with a rule set and a firing alarm
    portrait_services.portraits_rescore_by(actor=personas.city_official, year=timezone.localdate().year, organisation_id=None)
    return {
        "personas": personas,
        "agencies": agencies,
        "path_ids": {
            "organisation_id": city.enterprise_a.pk,
            "object_id": registry.risk_object.pk,
            "unit_id": registry.unit.pk,
            "event_id": registry.event.pk,
            "measure_id": registry.measure.pk,
        },
    }


def _signed_in(user: Any) -> tuple[Client, dict[str, Any]]:
    """A session for ``user``: a Django test client, and the cookies and CSRF header for schemathesis."""
    client = Client()
    client.force_login(user)
    auth = {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
        "headers": {"X-CSRFToken": CSRF},
    }
    return client, auth


def _real_path_ids(client: Client, path: str, known: dict[str, Any]) -> dict[str, Any] | None:
    """Path parameters naming real rows: each from the first row of the list above it."""
    values: dict[str, Any] = {}
    for match in re.finditer(r"{(\w+)}", path):
        name = match.group(1)
        if name in known:
            values[name] = known[name]
            continue
        prefix = path[: match.start()].format(**values)
        response = client.get(prefix)
        if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
            return None
        body = response.json()
        rows = body.get("results") if isinstance(body, dict) else body
        if not rows or not isinstance(rows, list) or not isinstance(rows[0], dict):
            return None
        field = name if name in rows[0] else "id"
        if field not in rows[0]:
            return None
        values[name] = rows[0][field]
    return values


def _run(operation: Any, auth: dict[str, Any], mode: GenerationMode, examples: int, **fixed: Any) -> str | None:
    """The first failure of ``examples`` generated calls, as text; None when all pass."""
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report the first failure as found
    )
    def call(case: Any) -> None:
        if found:
            return
        with _keep_the_test_connection():
            response = case.call(**auth)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseException as failure:  # schemathesis raises a FailureGroup (a BaseExceptionGroup)
            if isinstance(failure, KeyboardInterrupt):
                raise
            found.append(f"{operation.label} [{mode.value}{', real ids' if fixed else ''}]\n{failure}")

    try:
        call()
    except Unsatisfiable:
        return None  # nothing to vary (e.g. a negative case of an operation without input)
    return found[0] if found else None


@functools.cache
def _schema() -> Any:
    """The published schema, loaded once per test process through the WSGI app itself."""
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _schema_run(user: Any, known_ids: dict[str, Any], *, random_ids: bool) -> list[str]:
    with _keep_the_test_connection():
        schema = _schema()
    client, auth = _signed_in(user)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if SKIP.search(operation.path):
            continue
        examples = 1 if SLOW.search(operation.path) else EXAMPLES
        passes: list[tuple[GenerationMode, dict[str, Any]]] = []
        if random_ids or "{" not in operation.path:
            passes += [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
        if "{" in operation.path:
            real = _real_path_ids(client, operation.path, known_ids)
            if real:
                passes.append((GenerationMode.POSITIVE, {"path_parameters": real}))
        for mode, fixed in passes:
            failure = _run(operation, auth, mode, examples, **fixed)
            if failure:
                failures.append(failure)
    return failures


def test_the_api_matches_its_schema_for_the_city_administrator(seeded_city: Any) -> None:
    """Broad reach: every region, organisation and app; reference data writable."""
    failures = _schema_run(seeded_city["personas"].city_admin, seeded_city["path_ids"], random_ids=True)
    assert not failures, f"{len(failures)} operations fail:\n\n" + "\n\n".join(failures)


def test_the_api_matches_its_schema_for_the_enterprise_and_the_procurator(seeded_city: Any) -> None:
    """Narrow reach: an enterprise's own records (registry writes), and the fire cases' procurator."""
    failures = _schema_run(seeded_city["personas"].enterprise_user, seeded_city["path_ids"], random_ids=False)
    failures += _schema_run(seeded_city["agencies"].procurator, seeded_city["path_ids"], random_ids=False)
    assert not failures, f"{len(failures)} operations fail:\n\n" + "\n\n".join(failures)
