"""Every API path a page in docs/ names exists, with the method it names (issue 12).

A doc names an API path in backticks, absolute (`/api/cylinders/cylinders/`), optionally after
its method (`POST /api/cylinders/cylinders/`). Placeholders are `{name}` or `<name>`, in any
segment (`/api/<app>/` names the base of every app's API); `{a|b}` names each alternative; a
trailing `…` names everything below. A former address that redirects (`POST
/api/innovation/library/{id}/key-projects/`, 308) is checked at its target. A method followed by a
relative path (`POST cylinders/`) is refused: a reader cannot tell what it is relative to.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator

DOCS = sorted((Path(__file__).resolve().parent.parent / "docs").rglob("*.md"))
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CODE = re.compile(r"`([^`\n]+)`")
NAMED = re.compile(r"^(?:(GET|POST|PUT|PATCH|DELETE)\s+)?(/api/(?:[^\s`?#{]|\{[^}]*\})*)")
RELATIVE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(?!/)([\w{<.][^\s`]*)")
PLACEHOLDER = re.compile(r"\{[^}/]*\}|<[^>/]*>")
BELOW = ("…", "...")  # a trailing ellipsis: the path and everything below it
REDIRECTS = (301, 302, 307, 308)


class Operation(NamedTuple):
    """One path of the schema: a pattern matching its concrete addresses, its methods, an example."""

    pattern: re.Pattern[str]
    methods: set[str]
    example: str


def path_regex(path: str) -> str:
    """The regular expression of a path whose placeholders each stand for one segment."""
    return "[^/]+".join(re.escape(part) for part in PLACEHOLDER.split(path))


def named_paths(text: str) -> list[tuple[int, str | None, str]]:
    found = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for code in CODE.findall(line):
            match = NAMED.match(code.strip())
            if match:
                found.append((lineno, match.group(1), match.group(2)))
    return found


def relative_names(text: str) -> list[tuple[int, str]]:
    return [
        (lineno, code)
        for lineno, line in enumerate(text.splitlines(), 1)
        for code in CODE.findall(line)
        if RELATIVE.match(code.strip())
    ]


def expand(path: str) -> list[str]:
    """`/x/{a|b}/` -> `/x/a/`, `/x/b/`; other placeholders stay."""
    parts = re.split(r"(\{[^}]*\|[^}]*\})", path)
    choices = [p[1:-1].split("|") if p.startswith("{") and "|" in p else [p] for p in parts]
    return ["".join(c) for c in itertools.product(*choices)]


@pytest.fixture(scope="module")
def schema_paths(django_db_blocker: Any) -> list[Operation]:
    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        Operation(re.compile(f"^{path_regex(path)}$"), {m.upper() for m in ops}, PLACEHOLDER.sub("1", path))
        for path, ops in schema["paths"].items()
    ]


def redirect_target(method: str, concrete: str) -> tuple[int, str] | None:
    """Where a served address outside the schema sends ``method`` (status and path), if it redirects.
    Only a former address answers like this; it changes nothing, so asking it is harmless."""
    match = resolve(concrete)
    response = match.func(RequestFactory().generic(method, concrete), *match.args, **match.kwargs)
    if response.status_code in REDIRECTS:
        return response.status_code, urlsplit(response["Location"]).path
    return None


def problem(method: str | None, path: str, schema_paths: list[Operation]) -> str | None:
    below = path.endswith(BELOW)
    base = path.rstrip("….") if below else path
    concrete = PLACEHOLDER.sub("1", base)
    if not concrete.endswith("/") and "." not in concrete.rsplit("/", 1)[-1]:
        concrete += "/"  # `/api/x` names the same endpoint as `/api/x/`
    methods = set().union(*(op.methods for op in schema_paths if op.pattern.match(concrete)))
    if methods:
        if method and method not in methods:
            return f"{method} {path}: the API answers {', '.join(sorted(methods))} there"
        return None
    if method is None or below:
        # The base of an app's API (`/api/riskdict/`, `/api/<app>/`), or a part named with all below.
        start = re.compile("^" + path_regex(base.rstrip("/") + "/"))
        if any(start.match(op.example) for op in schema_paths):
            return None
    try:
        resolve(concrete)  # served but outside the schema (the schema and docs pages, former addresses)
    except Resolver404:
        return f"{path}: no such API path"
    if method and method != "GET":
        moved = redirect_target(method, concrete)
        if moved is None:
            return f"{method} {path}: not an API operation in the schema"
        status, target = moved
        if status not in (307, 308):
            return f"{method} {path}: redirects with {status}, which does not keep the method"
        found = problem(method, target, schema_paths)
        return f"{method} {path} redirects to {target}: {found}" if found else None
    return None


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_api_path_a_doc_names_exists(doc: Path, schema_paths: Any) -> None:
    text = doc.read_text()
    problems = [
        f"{doc.name}:{lineno}: {found}"
        for lineno, method, path in named_paths(text)
        for one in expand(path)
        if (found := problem(method, one, schema_paths))
    ]
    problems += [
        f"{doc.name}:{lineno}: `{code}` is relative; name the full path (`{code.split()[0]} /api/...`)"
        for lineno, code in relative_names(text)
    ]
    assert problems == []


def test_the_checker_catches_what_issue_12_found(schema_paths: Any) -> None:
    # The old docs/cylinders.md said `POST cylinders/`; the real path is /api/cylinders/cylinders/.
    assert relative_names("- `POST cylinders/` (register)") == [(1, "POST cylinders/")]
    assert problem("POST", "/api/cylinders/", schema_paths) is not None
    assert problem("POST", "/api/cylinders/cylinders/", schema_paths) is None
    assert problem("DELETE", "/api/cylinders/cylinders/{code}/", schema_paths) is not None
    assert problem(None, "/api/no-such-thing/", schema_paths) is not None
    assert problem("DELETE", "/api/auth/token/", schema_paths) is None
    assert expand("/api/cylinders/events/{filling|dispatch}/") == [
        "/api/cylinders/events/filling/",
        "/api/cylinders/events/dispatch/",
    ]
    assert named_paths("see `GET /api/ledger/proofs/inclusion/?index=&tree_size=`") == [
        (1, "GET", "/api/ledger/proofs/inclusion/")
    ]


def test_the_checker_reads_placeholders_ellipses_and_former_addresses(schema_paths: Any) -> None:
    # A placeholder for the app itself names the base of every app's API, not an address `/api/1/`.
    assert problem(None, "/api/<app>/", schema_paths) is None
    assert problem(None, "/api/<app>/no-such-thing/", schema_paths) is not None
    # A trailing ellipsis names the addresses below a served path (here the library's former ones).
    assert problem(None, "/api/innovation/library/…", schema_paths) is None
    assert problem(None, "/api/no-such-thing/…", schema_paths) is not None
    # A former address is checked where it redirects, keeping the method (308).
    assert problem("POST", "/api/innovation/library/{entry id}/key-projects/", schema_paths) is None
    assert problem("PUT", "/api/innovation/library/{entry id}/key-projects/", schema_paths) is not None
