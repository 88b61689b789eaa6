"""The page walk over the demo city (issue 13): every demo persona, every page the navigation
offers and the detail page behind each list's first row, in Chinese and in English, at a phone's
width (390 px). It fails on a 4xx/5xx the site offered, a code or an untranslated message in the
visible text, sideways scrolling, or a console error (``tests/pagewalk.py`` says what each means).

The site is the real one: the demo city loaded by ``safecity demo --no-serve`` into a database of
its own (SQLite, or a PostgreSQL database beside the suite's when DATABASE_URL is PostgreSQL),
served by ``safecity serve`` (gunicorn, WhiteNoise), as ``make demo`` runs it. The walks run on both
xdist workers at once, half the personas each (this file and ``test_page_walk_more.py``: ``--dist
loadfile`` gives each file to one worker, with its own demo build and server), before the rest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safecity.core.demo import DEMO_PASSWORD
from safecity.core.demo.city import DEMO_LOGINS
from safecity.env import parse_database_url
from tests.pagewalk import walk

ROOT = Path(__file__).resolve().parent.parent
PERSONAS = [username for username, _who in DEMO_LOGINS]
# User names are data a page may show (the people list, the audit trail's actor), not codes.
ACCOUNT_NAMES = frozenset(PERSONAS) | {"enterprise.staff"}

pytestmark = [pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _site_env(var_dir: Path) -> dict[str, str]:
    """The demo's environment: a plain production-like start (DEBUG off, plain HTTP), its own
    files, and its own database of the suite's kind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(SAFECITY_VAR_DIR=str(var_dir), DEBUG="0", HTTPS="0", PRODUCTION="0", WEB_CONCURRENCY="2")
    # One collection of the static files for every site the suite starts (and `make demo`'s):
    # `safecity serve` collects again only when a source file is newer.
    env["SAFECITY_STATIC_ROOT"] = str(ROOT / "var" / "static")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"] = _postgres_database(url, create=True)
    else:
        env.pop("DATABASE_URL", None)
    return env


def _postgres_database(url: str, *, create: bool) -> str:
    """A database of this test process's own beside the suite's (created fresh, or dropped)."""
    import psycopg

    db = parse_database_url(url)
    name = f"{db['NAME']}_pagewalk_{os.getpid()}"
    conninfo = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER") or "postgres"}
    if db.get("PASSWORD"):
        conninfo["password"] = db["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: Any) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("demo")
    env = _site_env(var_dir)
    safecity = [sys.executable, "-m", "safecity.cli"]
    built = subprocess.run([*safecity, "demo", "--no-serve"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, f"the demo did not load: {built.stderr[-3000:]}"
    port = _free_port()
    log = (var_dir / "serve.log").open("wb")
    server = subprocess.Popen([*safecity, "serve", "--bind", f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=5)  # noqa: S310 - our own server
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the demo server did not start: {(var_dir / 'serve.log').read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if env.get("DATABASE_URL", "").startswith("postgres"):
            _postgres_database(os.environ["DATABASE_URL"], create=False)


# The page shapes walked in English so far by this worker's personas (tests/pagewalk.walk).
WALKED_IN_ENGLISH: set[str] = set()


def walk_as(demo_site: str, browser: Any, persona: str) -> None:
    """Walk every page as ``persona`` in Chinese, and in English each shape of page no persona of
    this worker has walked in English yet (the words are the templates': a page read once in
    English is read); fail on any problem found."""
    problems = []
    zh = walk(browser, base=demo_site, username=persona, password=DEMO_PASSWORD, language="zh-hans", allowed=ACCOUNT_NAMES)
    assert len(zh.visited) >= 5, (persona, zh.visited, zh.problems)
    en = walk(
        browser, base=demo_site, username=persona, password=DEMO_PASSWORD, language="en", allowed=ACCOUNT_NAMES,
        walked=WALKED_IN_ENGLISH,
    )  # fmt: skip
    assert en.visited, (persona, en.problems)  # signed in and saw at least its start page
    for result in (zh, en):
        problems += [str(p) for p in result.problems]
    assert problems == [], "\n".join(problems)


# Half the personas here, half in test_page_walk_more.py: --dist loadfile gives each file to a
# worker, so the two halves walk at once, each against its own demo build.
@pytest.mark.parametrize("persona", PERSONAS[0::2])
def test_every_page_reads_as_words_answers_and_fits_a_phone(demo_site: str, browser: Any, persona: str) -> None:
    walk_as(demo_site, browser, persona)


def test_the_walk_sees_what_it_must_fail_on() -> None:
    """The checks themselves: a code, a dotted kind, an English message in a Chinese page are found;
    an account name, a file name and a host name are data."""
    from tests.pagewalk import text_problems

    found = text_problems(
        "记录 issue_letter 与 cylinders.fill_refused · Log in 的 Filling refused at the gate",
        language="zh-hans",
        allowed=frozenset(),
    )
    kinds = {(kind, words) for kind, words in found}
    assert ("code", "issue_letter") in kinds
    assert ("code", "cylinders.fill_refused") in kinds
    assert any(kind in ("untranslated", "english") for kind, _ in found)
    assert (
        text_problems(
            "张三 city.official 报告 report.pdf samr.changzhou.example/witness",
            language="zh-hans",
            allowed=frozenset({"city.official"}),
        )
        == []
    )
    assert text_problems("Issue the letter to the unit", language="en", allowed=frozenset()) == []
