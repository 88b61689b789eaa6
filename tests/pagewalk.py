"""The page walk: a persona signs in and opens every page the navigation offers and the detail page
behind the first row of every list, in one language at a phone's width, and reports what a user
would trip over (issue 13):

- a page the navigation (or a list's first row) offered answers 4xx or 5xx;
- a code instead of a word: a snake_case word (``issue_letter``) or a dotted kind
  (``cylinders.fill_refused``) in the visible text;
- on a Chinese page, an English message from the catalogue (an untranslated msgid) or a run of
  English words;
- the page scrolls sideways at 390 px;
- a console error or an uncaught script error.

Used by ``tests/test_page_walk.py`` against a real server (``safecity serve``) over the demo city,
and by hand: ``python -m tests.pagewalk --base http://127.0.0.1:8000 --user city.official``.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "safecity" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PHONE = {"width": 390, "height": 844}

# Text a user reads never holds these shapes; a value a person typed (a user name, a file name, an
# address) is data, not a code, and is left out by name below.
SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])")
DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z_]+\.[a-z][a-z_]+(?![\w./@(-])")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,][A-Za-z][a-z]+){2,}\b")
FILE_NAME = re.compile(r"\.(pdf|xlsx|csv|png|jpe?g|json|txt|docx?)$")

# What the walker reads: the visible text, not code samples, hashes or form values.
VISIBLE_TEXT_JS = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "CODE", "PRE", "KBD", "SAMP", "TEXTAREA", "NOSCRIPT", "TEMPLATE"]);
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (skip.has(el.tagName) || el.hasAttribute("data-raw") || el.classList.contains("mono")) return NodeFilter.FILTER_REJECT;
        if (el.hidden || el.getAttribute("aria-hidden") === "true") return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  while (walker.nextNode()) out.push(walker.currentNode.nodeValue);
  for (const el of document.querySelectorAll("select option:checked, [title], [placeholder], [aria-label]")) {
    for (const a of ["title", "placeholder", "aria-label"]) if (el.getAttribute && el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  return out.join("\\n");
}"""

# The first row of a list: a table body's first row, or the first card of a card list.
FIRST_ROW_LINK_JS = """() => {
  const main = document.querySelector("main") || document.body;
  const rows = main.querySelectorAll("table tbody tr, .cards > *, ul.list > li");
  for (const row of rows) {
    const a = row.querySelector("a[href]:not([download])");
    if (a) return a.getAttribute("href");
  }
  return null;
}"""

NAV_LINKS_JS = """() => Array.from(document.querySelectorAll("nav.sidenav a[href]")).map(a => a.getAttribute("href"))"""
SCROLLS_SIDEWAYS_JS = "() => document.documentElement.scrollWidth > window.innerWidth + 1"

# Addresses that are not pages (files, the API, the admin's own UI, signing out).
NOT_A_PAGE = re.compile(r"^/(api|admin|static|media)/|/(export|download|pdf|xlsx|csv)(/|$)|\.(pdf|xlsx|csv|png|zip)$")


@dataclass
class Problem:
    persona: str
    language: str
    url: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.persona} {self.language}] {self.url}: {self.kind}: {self.detail}"


@dataclass
class Walk:
    persona: str
    language: str
    visited: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, url: str, kind: str, detail: str) -> None:
        self.problems.append(Problem(self.persona, self.language, url, kind, detail))


@cache
def catalogue_msgids() -> tuple[str, ...]:
    """English messages that have a Chinese translation: seen on a Chinese page, they are missed."""
    import polib

    ids = []
    for entry in polib.pofile(str(CATALOGUE)):
        text = entry.msgid
        if entry.msgstr and entry.msgstr != text and "%" not in text and "{" not in text and len(text.split()) >= 2:
            ids.append(text)
    return tuple(sorted(set(ids), key=len, reverse=True))


def text_problems(text: str, *, language: str, allowed: frozenset[str]) -> list[tuple[str, str]]:
    """What a user should not read in ``text``: ``(kind, the words)``."""
    found: list[tuple[str, str]] = []
    for pattern, kind in ((SNAKE, "code"), (DOTTED, "code")):
        for match in pattern.finditer(text):
            word = match.group(0)
            if word in allowed or FILE_NAME.search(word):
                continue
            found.append((kind, word))
    if language.startswith("zh"):
        for msgid in catalogue_msgids():
            if msgid in text:
                found.append(("untranslated", msgid))
                text = text.replace(msgid, " ")
        for match in ENGLISH_RUN.finditer(text):
            words = match.group(0)
            if not any(words in a or a in words for a in allowed):
                found.append(("english", words))
    return found


def same_site(base: str, href: str) -> str | None:
    """The path of ``href`` when it is a page of this site worth opening, else None."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    url = urlsplit(urljoin(base + "/", href))
    if url.netloc and url.netloc != urlsplit(base).netloc:
        return None
    path = url.path + (f"?{url.query}" if url.query else "")
    return None if NOT_A_PAGE.search(url.path) else path


def page_pattern(path: str) -> str:
    """A path with its ids and codes made one shape ("/hazards/12/" and "/hazards/40/" alike)."""
    return re.sub(r"[0-9]+", "N", urlsplit(path).path)


def walk(
    browser: Any,
    *,
    base: str,
    username: str,
    password: str,
    language: str,
    allowed: frozenset[str] = frozenset(),
    walked: set[str] | None = None,
) -> Walk:
    """Sign in as ``username`` and walk the site in ``language`` at a phone's width.

    ``walked``: page shapes (:func:`page_pattern`) already walked in this language by another
    persona; those are not walked again (nor the detail page behind them), and the shapes this walk
    visits are added. The suite passes it for the second language only: every persona's own pages
    are read in Chinese, each shape of page once more in English."""
    result = Walk(persona=username, language=language)
    context = browser.new_context(viewport=PHONE, locale="zh-CN" if language.startswith("zh") else "en-US")
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main button[type=submit], main input[type=submit]")
        if "/accounts/login/" in page.url:
            result.add("/accounts/login/", "login", "could not sign in")
            return result
        allowed = allowed | {username}

        def visit(path: str) -> bool:
            errors.clear()
            response = page.goto(base + path, wait_until="load")
            result.visited.append(path)
            status = response.status if response is not None else 0
            if status >= 400:
                result.add(path, "status", str(status))
                return False
            page.wait_for_timeout(50)  # let deferred scripts and charts run
            for kind, words in text_problems(page.evaluate(VISIBLE_TEXT_JS), language=language, allowed=allowed):
                result.add(path, kind, words)
            if page.evaluate(SCROLLS_SIDEWAYS_JS):
                width = page.evaluate("() => document.documentElement.scrollWidth")
                result.add(path, "sideways scroll", f"{width}px wide at {PHONE['width']}px")
            for error in errors:
                result.add(path, "console error", error[:300])
            return True

        start = same_site(base, urlsplit(page.url).path) or "/"
        visit(start)
        nav = [p for p in (same_site(base, h) for h in page.evaluate(NAV_LINKS_JS)) if p]
        seen = {start}

        def fresh(path: str) -> bool:
            if path in seen:
                return False
            seen.add(path)
            if walked is None:
                return True
            shape = page_pattern(path)
            if shape in walked:
                return False
            walked.add(shape)
            return True

        for path in dict.fromkeys(nav):
            if not fresh(path) or not visit(path):
                continue
            first = same_site(base, page.evaluate(FIRST_ROW_LINK_JS) or "")
            if first and fresh(first):
                visit(first)
    finally:
        context.close()
    return result


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARGS, CHROMIUM

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", action="append", required=True)
    parser.add_argument("--password", default="Changzhou-2023")
    parser.add_argument("--language", action="append")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for user in args.user:
            for language in args.language or ["zh-hans", "en"]:
                result = walk(browser, base=args.base, username=user, password=args.password, language=language)
                print(f"== {user} {language}: {len(result.visited)} pages, {len(result.problems)} problems")
                for problem in result.problems:
                    print(problem)
        browser.close()


if __name__ == "__main__":
    main()
