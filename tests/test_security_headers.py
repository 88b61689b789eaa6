"""Security headers: a Content-Security-Policy on every page, no inline script in any template,
HSTS when HTTPS is on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "safecity").rglob("templates/**/*.html"))
# Documents rendered to PDF (WeasyPrint) or printed, never served to a browser as a page.
NOT_PAGES = {"portrait_pdf.html", "monthly_pdf.html", "letter_document.html", "label_sheet.html"}


def policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.parametrize(
    "url", ["/", "/accounts/tokens/", "/organisations/", "/hazards/", "/cylinders/", "/api/me/", "/admin/", "/api/docs/"]
)
def test_every_page_carries_a_strict_script_policy(city: Any, personas: Any, url: str) -> None:
    client = Client()
    client.force_login(city.superuser)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]


def test_an_anonymous_and_an_error_page_carry_it_too(db: Any) -> None:
    assert "script-src 'self'" in Client().get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in Client().get("/no-such-page/")["Content-Security-Policy"]


def test_the_redoc_page_runs_its_start_up_script_by_nonce(city: Any) -> None:
    client = Client()
    client.force_login(city.superuser)
    response = client.get("/api/redoc/")
    nonce = re.search(r'<script nonce="([^"]+)">', response.content.decode())
    assert nonce, response.content.decode()
    assert f"'nonce-{nonce.group(1)}'" in policy(response)["script-src"]
    assert "fonts.googleapis.com" not in response.content.decode()
    # A page without an inline script gets no nonce: nothing else may run inline.
    assert not any(s.startswith("'nonce-") for s in policy(client.get("/"))["script-src"])


def test_the_redoc_bundle_is_served_here_without_its_cdn_logo(city: Any) -> None:
    """ReDoc's bundle always draws the Redocly logo from a CDN: the platform serves the bundle
    itself with that image made an empty inline one (offline, and no CSP violation)."""
    client = Client()
    client.force_login(city.superuser)
    page = client.get("/api/redoc/").content.decode()
    src = re.search(r'<script src="([^"]+)"></script>', page)
    assert src and src.group(1) == "/api/redoc/redoc.standalone.js"
    bundle = client.get(src.group(1))
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("text/javascript")
    body = bundle.content.decode()
    assert "Redoc" in body and "cdn.redoc.ly" not in body and "data:image/svg+xml" in body
    assert client.get(src.group(1), HTTP_IF_NONE_MATCH=bundle["ETag"]).status_code == 304
    assert Client().get(src.group(1)).status_code == 200  # a static script: no login needed


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    # A data block (type="application/json") does not run; a nonce'd script is a deliberate exception.
    inline_script = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I
    )
    handler = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
    js_url = re.compile(r"(?:href|action|src)\s*=\s*[\"']\s*javascript:", re.I)
    offenders = []
    for path in TEMPLATES:
        if path.name in NOT_PAGES:
            continue
        text = path.read_text()
        for pattern in (inline_script, handler, js_url):
            for match in pattern.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert TEMPLATES and offenders == []


def _settings_value(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "PRODUCTION", "SECRET_KEY"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="safecity.settings")
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    out = subprocess.run([sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_hsts_is_on_when_https_is_on_and_off_otherwise(tmp_path: Path) -> None:
    var = str(tmp_path)
    assert _settings_value("SECURE_HSTS_SECONDS", HTTPS="1", SAFECITY_VAR_DIR=var) == "31536000"
    assert _settings_value("SECURE_HSTS_SECONDS", HTTPS="0", SAFECITY_VAR_DIR=var) == "0"
    production = {"PRODUCTION": "1", "SECRET_KEY": "p" * 60, "SAFECITY_VAR_DIR": var}
    assert _settings_value("SECURE_HSTS_SECONDS", **production) == "31536000"  # production: HTTPS by default


def test_the_hsts_header_is_sent_over_https(db: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/")  # never over plain HTTP


@pytest.mark.django_db
def test_the_browser_s_favicon_request_finds_the_icon(client: Any) -> None:
    """Browsers ask for /favicon.ico on their own: a 404 there is a console error on every page walk."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
