"""The one place where a stored code becomes the words a user reads (issue 13).

Codes are what the database, the API and the ledger keep (``issue_letter``, ``cylinders.fill_refused``,
``next_inspection_on``); pages, exports meant for people and charts show words in the reader's
language. Three kinds of code go through here:

- a **field** of a model (the audit trail's changed fields): its ``verbose_name``;
- a **value** of a field with choices, or a yes/no: its label;
- a **named code** outside any model field (a ledger entry's kind, a reason code inside a stored
  document): labels that the owning app registers under a namespace with :func:`register`, read
  with :func:`label` or the template filter ``{{ code|label:"ledger.kind" }}``.

A code with no label is shown as it is: the page walk (``tests/test_page_walk.py``) fails on it, so
a missing label is found by the suite, not by a user.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Labels = Mapping[str, "str | Promise"]

_registry: dict[str, dict[str, str | Promise]] = {}
_resolvers: dict[str, list[Callable[[str], str | Promise | None]]] = {}


def register(namespace: str, labels: Labels | type[models.Choices]) -> None:
    """Add labels for the codes of ``namespace`` (a mapping, or a Choices class)."""
    if isinstance(labels, type) and issubclass(labels, models.Choices):
        labels = {str(value): text for value, text in labels.choices}
    _registry.setdefault(namespace, {}).update(labels)


def register_resolver(namespace: str, resolver: Callable[[str], str | Promise | None]) -> None:
    """Add a function that labels the codes of ``namespace`` it knows (None for the others): for
    open families of codes such as ``cylinders.<event kind>``."""
    _resolvers.setdefault(namespace, []).append(resolver)


def label(namespace: str, code: Any) -> str:
    """The words for ``code`` in ``namespace``, in the active language; the code itself if none."""
    if code is None or code == "":
        return ""
    text = _registry.get(namespace, {}).get(str(code))
    if text is None:
        for resolver in _resolvers.get(namespace, []):
            text = resolver(str(code))
            if text is not None:
                break
    return str(text) if text is not None else str(code)


# Fields of the base models and of third-party models that carry no translated verbose name.
FIELD_NAMES: dict[str, Promise] = {
    "id": gettext_lazy("Record number"),
    "created": gettext_lazy("Created at"),
    "created_at": gettext_lazy("Created at"),
    "updated_at": gettext_lazy("Updated at"),
    "expiry": gettext_lazy("Expires"),
    "digest": gettext_lazy("Token digest"),
    "token_key": gettext_lazy("Token prefix"),
    "user": gettext_lazy("User"),
}

# How a stored value of one model field reads, where its choices alone cannot say it (a JSON list of
# reason codes, say): registered by the owning app, keyed by (app_label.model, field name).
_value_formatters: dict[tuple[str, str], Callable[[Any], Any]] = {}


def register_value(model_label: str, field_name: str, formatter: Callable[[Any], Any]) -> None:
    """Show the stored values of ``model_label``'s ``field_name`` through ``formatter``."""
    _value_formatters[(model_label.lower(), field_name)] = formatter


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if name in (f.name, f.attname):
            return f
    return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A model field's name as a user reads it: its translated verbose name (``region_id`` reads
    as the region's), else a name from :data:`FIELD_NAMES`, else the name spaced."""
    f = _field(model, name)
    verbose = getattr(f, "verbose_name", None)
    if isinstance(verbose, Promise):
        text = str(verbose)
    elif f is not None and f.name in FIELD_NAMES:
        text = str(FIELD_NAMES[f.name])
    elif name in FIELD_NAMES:
        text = str(FIELD_NAMES[name])
    else:
        text = str(verbose or name.removesuffix("_id")).replace("_", " ")
    return text[:1].upper() + text[1:]


def value_label(model: type[models.Model] | None, name: str, value: Any) -> Any:
    """A stored value as a user reads it: a registered formatter's words, a choice's label, yes/no
    for a boolean; any other value as it was stored (it is data: a name, a number, a date)."""
    f = _field(model, name)
    if model is not None:
        formatter = _value_formatters.get((model._meta.label_lower, f.name if f is not None else name))
        if formatter is not None and value is not None:
            return formatter(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        # Stored as ISO 8601 in UTC: read in local time, to the second.
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "Y-m-d H:i:s")
    choices = getattr(f, "flatchoices", None) if f is not None else None
    if choices and value is not None and not isinstance(value, (list, dict)):
        for key, text in choices:
            if str(key) == str(value):
                return str(text)
    return value


def choices(namespace: str) -> list[tuple[str, str]]:
    """The registered codes of ``namespace`` with their words, for a select (sorted by the words)."""
    return sorted(((code, str(text)) for code, text in _registry.get(namespace, {}).items()), key=lambda c: c[1])
