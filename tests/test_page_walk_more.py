"""The other half of the page walk's personas (``tests/test_page_walk.py`` says what the walk checks
and why it is split in two files)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_page_walk import PERSONAS, demo_site, walk_as  # noqa: F401 (demo_site: the fixture)

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("persona", PERSONAS[1::2])
def test_every_page_reads_as_words_answers_and_fits_a_phone(demo_site: str, browser: Any, persona: str) -> None:  # noqa: F811
    walk_as(demo_site, browser, persona)


def test_the_two_halves_walk_every_persona() -> None:
    from tests import test_page_walk

    first = test_page_walk.PERSONAS[0::2]
    assert sorted(first + PERSONAS[1::2]) == sorted(PERSONAS) and len(PERSONAS) > 10
