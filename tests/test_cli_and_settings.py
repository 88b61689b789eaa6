"""The console command, the figures it prints, settings from the environment, and edge rules."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import AuditEntry, Organisation
from safecity.env import env_bool, parse_database_url

ROOT = Path(__file__).resolve().parent.parent


def test_figures_prints_every_indicator_computed_from_records(city: Any) -> None:
    out = io.StringIO()
    call_command("figures", region="320411", year=2023, stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["core.organisations.total"] == 3
    assert figures["core.organisations.enterprises"] == 1
    Organisation.objects.filter(name="常州甲化工有限公司").update(is_active=False)
    out = io.StringIO()
    call_command("figures", region="320411", year=2023, stdout=out)
    assert json.loads(out.getvalue())["core.organisations.enterprises"] == 0


def test_cockpit_and_figures_agree(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.city_official)
    body = client.get("/api/cockpit/figures/", {"region": "320400", "year": 2023}).json()
    api = body["indicators"]
    out = io.StringIO()
    call_command("figures", region="320400", year=2023, stdout=out)
    assert {**api, **body["panels"]} == json.loads(out.getvalue())
    # Panels (the cockpit's breakdowns) are printed too, with plain labels and values.
    assert set(body["panels"]["firecases.cases_by_state"]) == {"labels", "values"}
    page = client.get("/", {"region": "320400", "year": 2023}).content.decode()
    assert f'data-indicator="core.organisations.total">\n      <div class="value">{api["core.organisations.total"]}</div>' in page


def test_district_cockpit_is_limited_to_the_district(city: Any, personas: Any) -> None:
    ctx = FigureContext(region=city.city, year=2023, user=personas.district_b)
    assert compute_indicators(ctx)["core.organisations.total"] == 2


def test_figures_rejects_an_unknown_region(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No region"):
        call_command("figures", region="999999")


def test_seed_demo_builds_changzhou_deterministically(transactional_db: Any) -> None:
    # The city's own step: what is compared (the organisations); the page walk builds the rest.
    call_command("seed_demo", seed=2023, steps="core.city", stdout=io.StringIO())
    first = list(Organisation.objects.order_by("pk").values_list("name", "credit_code", "region__code"))
    assert (
        Organisation.objects.filter(
            region__path__startswith="320000/320400/320411/", kind="enterprise", address__contains="化工园区"
        ).count()
        == 67
    )
    assert Organisation.objects.filter(address__startswith="金坛区丰田路").count() == 147
    assert Organisation.objects.filter(name__endswith="运输有限公司").count() == 41
    assert AuditEntry.objects.filter(source="command").count() == 0  # call_command outside the CLI: "system"
    assert AuditEntry.objects.filter(source="system").count() > len(first)
    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", seed=2023, steps="core.city", stdout=io.StringIO())
    second = list(Organisation.objects.order_by("pk").values_list("name", "credit_code", "region__code"))
    assert first == second


def test_seed_demo_names_its_steps_when_asked_for_one_it_has_not(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"No such demo step: core\.cty\. The steps: .*core\.city"):
        call_command("seed_demo", steps="core.cty", stdout=io.StringIO())
    assert not Organisation.objects.exists()


def test_the_cli_runs_django_commands_and_names_itself_in_the_audit_trail(tmp_path: Path) -> None:
    # A plain shell (issue 12): none of DEBUG, HTTPS, PRODUCTION, SECRET_KEY is set, as after
    # `make demo`; only the database and var/ are pointed at the test's own directory.
    unset = {"DEBUG", "HTTPS", "PRODUCTION", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}", SAFECITY_VAR_DIR=str(tmp_path))
    # The static files collected once for the suite's sites (tests/test_page_walk.py).
    env["SAFECITY_STATIC_ROOT"] = str(ROOT / "var" / "static")
    run = [sys.executable, "-m", "safecity.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=300)
    subprocess.run([*run, "seed-demo", "--steps", "core.city"], env=env, check=True, cwd=ROOT, timeout=300, capture_output=True)
    shell = "from safecity.core.models import AuditEntry as A; print(A.objects.filter(source='command').values_list('actor_label', flat=True).first())"
    out = subprocess.run([*run, "shell", "-c", shell], env=env, check=True, cwd=ROOT, timeout=120, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1].startswith("command:seed_demo")
    figures = subprocess.run(
        [*run, "figures", "--year", "2023"], env=env, check=True, cwd=ROOT, timeout=120, capture_output=True, text=True
    )
    assert json.loads(figures.stdout)["core.regions.districts"] == 7
    # The README's commands, as written.
    district = subprocess.run(
        [*run, "figures", "--region", "320411", "--year", "2023"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert district.returncode == 0, district.stderr
    assert json.loads(district.stdout)["core.organisations.total"] > 0
    verify = subprocess.run([*run, "ledger", "verify"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0, verify.stderr + verify.stdout
    # `make demo`'s flow on the same database: migrate (nothing to do), keep the city, static files.
    demo = subprocess.run([*run, "demo", "--no-serve"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "city.official" in demo.stdout
    # The generated key is kept outside the repository, readable by its owner only.
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_check_deploy_is_clean_with_debug_off(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safecity.settings",
        "PRODUCTION": "1",
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "x" * 20 + "-deploy-check-secret-" + "y" * 30,
        "ALLOWED_HOSTS": "safecity.example.org",
        "SAFECITY_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "safecity.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    env.pop("SECRET_KEY")
    missing = subprocess.run(
        [sys.executable, "-m", "safecity.cli", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert missing.returncode != 0
    assert "SECRET_KEY must be set" in missing.stderr
    # Production refuses DEBUG on, and `check --deploy` without the production switch warns.
    debug = subprocess.run(
        [sys.executable, "-m", "safecity.cli", "check"], env={**env, "SECRET_KEY": "k" * 60, "DEBUG": "1"},
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert debug.returncode != 0 and "DEBUG must be off in production" in debug.stderr
    env["SECRET_KEY"] = "x" * 60
    env.pop("PRODUCTION")
    unswitched = subprocess.run(
        [sys.executable, "-m", "safecity.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert unswitched.returncode != 0 and "safecity.W001" in unswitched.stderr


def test_env_helpers_reject_bad_values(monkeypatch: Any) -> None:
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)
    assert parse_database_url("postgres://u:p@db:5433/city")["PORT"] == "5433"
    assert parse_database_url("sqlite:////tmp/x.db")["NAME"] == "/tmp/x.db"
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        parse_database_url("mysql://x/y")


def test_nul_bytes_in_query_are_rejected_with_a_clear_message(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.city_official)
    response = client.get("/api/organisations/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    form = client.post("/organisations/new/", {"name": "坏\x00名", "kind": "enterprise", "region": "320411"})
    assert form.status_code == 200
    assert "Null characters are not allowed" in form.content.decode() or "空字符" in form.content.decode()
    assert not Organisation.objects.filter(name__startswith="坏").exists()


def test_a_command_on_a_database_without_tables_says_what_to_do(tmp_path: Path) -> None:
    """The README's commands before `make demo`: a sentence naming the next step, not a traceback."""
    unset = {"DEBUG", "HTTPS", "PRODUCTION", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(SAFECITY_VAR_DIR=str(tmp_path))
    for command in (["figures", "--region", "320411", "--year", "2023"], ["ledger", "verify"]):
        out = subprocess.run(
            [sys.executable, "-m", "safecity.cli", *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 1, out.stderr
        assert "make demo" in out.stderr and "Traceback" not in out.stderr
