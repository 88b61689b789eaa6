"""Chinese is complete: every string in the code has a translation, none fuzzy or stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "safecity" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_catalogue_entry_is_translated() -> None:
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_catalogue_covers_every_string_in_the_code(tmp_path: Path, monkeypatch: Any) -> None:
    """Re-extract the strings with makemessages (GNU xgettext) into a copy and compare."""
    assert shutil.which("xgettext"), "gettext is needed: scripts/ensure-system-deps.sh installs it"
    copy = tmp_path / "safecity"
    shutil.copytree(ROOT / "safecity", copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo", "*.po"))
    (copy / "locale").mkdir(exist_ok=True)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, ignore_patterns=["static/*"])
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    translated = {e.msgid for e in polib.pofile(str(CATALOGUE)) if e.translated()}
    missing = sorted(extracted - translated)
    assert missing == [], f"run `make messages` and translate: {missing[:20]}"


def test_production_default_language_is_chinese() -> None:
    import safecity.settings as production

    assert production.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_on_request(client: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"  # the production default (test settings read English)
    assert "登录" in client.get("/accounts/login/").content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in english.content.decode()
    assert os.environ.get("DJANGO_SETTINGS_MODULE") == "safecity.test_settings"
