"""The library of local regulations, standards, work methods and practices, and the citation base.

The library is a lower floor: it knows no sub-system. A sub-system that names a library entry as
the legal basis or the method of one of its records (a hidden hazard, a key project, a rule, a
letter) keeps a citation table of its own, a subclass of :class:`Citation`, and registers it in
its ``citations.py`` (see :mod:`safecity.library.citations`).
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.library.choices import EDITOR_ROLES, LibraryKind


class LibraryEntry(AuditedModel):
    """A local regulation, local standard, work method or practice in the public library.

    ``code`` is the official document number when known; blank otherwise (never invented).
    Public: everybody reads the library, signed in or not; the committee office keeps it. What
    cites an entry is shown per citing record, only to those who may see that record.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=LibraryKind.choices)
    code = models.CharField(_("code"), max_length=60, blank=True, help_text=_("Official number; blank when not known."))
    title = models.CharField(_("title"), max_length=200)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), blank=True)

    scope_rule = ScopeRule(public=True, authenticated=True, change_roles=EDITOR_ROLES)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("library entry")
        verbose_name_plural = _("library")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def reference(self) -> str:
        """The official number when known, else the title (what a citation shows)."""
        return self.code or self.title


class Citation(AuditedModel):
    """Abstract: a record of some sub-system citing a library entry (an audited link row).

    A subclass adds the foreign key to its citing record, a unique constraint on the pair and a
    ``scope_rule`` that follows the citing record's own (:func:`citation_scope`), so a citation
    row is seen, audited and exported exactly where its record is.
    """

    library_entry = models.ForeignKey(LibraryEntry, verbose_name=_("library entry"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


def citation_scope(record_rule: ScopeRule, field: str) -> ScopeRule:
    """The citing record's scope rule seen through the citation's foreign key ``field``: the same
    reach and roles (every other setting of the rule copied as it is), every lookup prefixed with
    ``field__``."""

    def through(lookup: str | None) -> str | None:
        return f"{field}__{lookup}" if lookup else None

    return replace(
        record_rule,
        region_path=through(record_rule.region_path),
        organisation=through(record_rule.organisation),
        person=through(record_rule.person),
        organisations_also=tuple(f"{field}__{lookup}" for lookup in record_rule.organisations_also),
    )
