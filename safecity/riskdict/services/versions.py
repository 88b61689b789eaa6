"""Writes of dictionary versions: publish, update the description, delete a draft, load the starter."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.riskdict.choices import DictionaryStatus
from safecity.riskdict.models import DictionaryVersion
from safecity.riskdict.permissions import require_dictionary_editor
from safecity.riskdict.services.excel import new_version, save_new_version, version_errors
from safecity.riskdict.services.rows import DictionaryImportError, parse_rows, write_content
from safecity.riskdict.transitions import transition_for


@transaction.atomic
def dictionary_publish(*, actor: Any, version: DictionaryVersion) -> DictionaryVersion:
    """Publish a draft version: from now on its content never changes.

    Only city administrators and city officials. The version is locked while it is checked
    (``transitions.py``: draft -> published, never back; an empty dictionary cannot be published),
    so two publishers cannot both succeed. Enterprises choose when to move their registry to it
    (hazards app), so publishing changes no existing assessment.
    """
    locked = DictionaryVersion.objects.select_for_update().get(pk=version.pk)
    require_dictionary_editor(actor, locked)
    rule = transition_for(locked.status, DictionaryStatus.PUBLISHED)
    if rule is None:
        raise ValidationError({"status": _("Version %(version)s is already published.") % {"version": locked.version}})
    if rule.needs_entries and not locked.entries.exists():
        raise ValidationError({"status": _("An empty dictionary cannot be published: import its entries first.")})
    locked.status = DictionaryStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = actor if isinstance(actor, get_user_model()) else None
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def dictionary_update(
    *, actor: Any, version: DictionaryVersion, title: str | None = None, note: str | None = None
) -> DictionaryVersion:
    """Change a version's title or note (its description, never its content, even once published)."""
    locked = DictionaryVersion.objects.select_for_update().get(pk=version.pk)
    require_dictionary_editor(actor, locked)
    if title is not None:
        locked.title = title.strip()
    if note is not None:
        locked.note = note.strip()
    for name in ("title", "note"):
        if "\x00" in getattr(locked, name):
            raise ValidationError({name: _("Contains a NUL character (\\x00), which is not allowed.")})
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def dictionary_delete(*, actor: Any, version: DictionaryVersion) -> None:
    """Delete a draft version and its content. A published version is never deleted: registries use it."""
    locked = DictionaryVersion.objects.select_for_update().get(pk=version.pk)
    require_dictionary_editor(actor, locked)
    if locked.status != DictionaryStatus.DRAFT:
        raise ValidationError({"status": _("A published version cannot be deleted; publish a newer one instead.")})
    locked.delete()


@transaction.atomic
def dictionary_load_starter(
    *, actor: Any, version: str | None = None, title: str | None = None, publish: bool = True
) -> DictionaryVersion:
    """Load the starter dictionary shipped with SafeCity (``riskdict/data/starter.py``) as a new version.

    The starter goes through the same row validation as an imported file, so it obeys the same
    rules. Published by default (version "2023.1"); only city administrators and city officials.
    """
    from safecity.riskdict.data.starter import STARTER_NOTE, STARTER_TITLE, STARTER_VERSION, starter_rows

    draft = new_version(actor=actor, version=version or STARTER_VERSION, title=title or STARTER_TITLE, note=STARTER_NOTE)
    fields = version_errors(draft)
    if fields:
        raise DictionaryImportError([], fields=fields)
    entries = parse_rows(starter_rows())
    save_new_version(draft)
    write_content(draft, entries)
    if publish:
        return dictionary_publish(actor=actor, version=draft)
    return draft
