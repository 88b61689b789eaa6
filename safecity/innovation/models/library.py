"""The public library of selected methods and of local regulations and standards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.models import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.hazards.models import HiddenHazard
from safecity.innovation.choices import COMMITTEE_ROLES, LibraryKind
from safecity.innovation.models.rounds import InnovationEntry


class LibraryEntry(AuditedModel):
    """A local regulation, local standard, work method or practice in the public library.

    ``code`` is the official document number when known; blank otherwise (never invented).
    Linked to the innovation projects that produced or cite it, and to the hidden hazards that cite
    it (an explicit link set by a service; what a viewer sees of the hazards is scoped).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=LibraryKind.choices)
    code = models.CharField(_("code"), max_length=60, blank=True, help_text=_("Official number; blank when not known."))
    title = models.CharField(_("title"), max_length=200)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), blank=True)
    entries: models.ManyToManyField[InnovationEntry, LibraryEntryProject] = models.ManyToManyField(
        InnovationEntry,
        verbose_name=_("innovation projects"),
        blank=True,
        related_name="library_entries",
        through="LibraryEntryProject",
    )
    hazards: models.ManyToManyField[HiddenHazard, LibraryHazardCitation] = models.ManyToManyField(
        "hazards.HiddenHazard",
        verbose_name=_("hidden hazards citing it"),
        blank=True,
        related_name="library_entries",
        through="LibraryHazardCitation",
    )

    scope_rule = ScopeRule(public=True, authenticated=True, change_roles=COMMITTEE_ROLES)

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


LINK_SCOPE = ScopeRule(public=True, authenticated=True, change_roles=COMMITTEE_ROLES)


class LibraryEntryProject(AuditedModel):
    """A library entry produced or cited by an innovation project (an audited link row)."""

    library_entry = models.ForeignKey(LibraryEntry, verbose_name=_("library entry"), on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(InnovationEntry, verbose_name=_("innovation project"), on_delete=models.CASCADE, related_name="+")

    scope_rule = LINK_SCOPE

    class Meta:
        verbose_name = _("library entry of a project")
        verbose_name_plural = _("library entries of projects")
        constraints = [models.UniqueConstraint(fields=["library_entry", "entry"], name="innovation_library_project_unique")]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.entry_id}"


class LibraryHazardCitation(AuditedModel):
    """A hidden hazard citing a library entry (the regulation or standard it breaches; an audited link row).

    The row itself says nothing about the hazard but its id; the hazard is shown only to those who
    may see it (scoped)."""

    library_entry = models.ForeignKey(LibraryEntry, verbose_name=_("library entry"), on_delete=models.CASCADE, related_name="+")
    hazard = models.ForeignKey(
        "hazards.HiddenHazard", verbose_name=_("hidden hazard"), on_delete=models.CASCADE, related_name="+"
    )

    scope_rule = LINK_SCOPE

    class Meta:
        verbose_name = _("hazard citation")
        verbose_name_plural = _("hazard citations")
        constraints = [models.UniqueConstraint(fields=["library_entry", "hazard"], name="innovation_library_hazard_unique")]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.hazard_id}"


# A key-project citation is seen exactly where its key project is seen (the key project's own rule:
# the districts it involves, the departments that lead or cooperate); the committee office writes it.
KEY_PROJECT_CITATION_SCOPE = ScopeRule(
    region_path="key_project__districts__path",
    organisation="key_project__participations__organisation",
    change_roles=COMMITTEE_ROLES,
    region_ancestors=True,
)


class LibraryKeyProjectCitation(AuditedModel):
    """An annual key project (重点项目) citing a library entry: the method it applies, the regulation or
    standard it implements (an audited link row set by the committee office).

    Unlike the library entry, the row is not public: it is visible only where the key project is."""

    library_entry = models.ForeignKey(LibraryEntry, verbose_name=_("library entry"), on_delete=models.CASCADE, related_name="+")
    key_project = models.ForeignKey(
        "keyprojects.KeyProject", verbose_name=_("key project"), on_delete=models.CASCADE, related_name="library_citations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_rule = KEY_PROJECT_CITATION_SCOPE

    class Meta:
        ordering = ["id"]
        verbose_name = _("key-project citation")
        verbose_name_plural = _("key-project citations")
        constraints = [
            models.UniqueConstraint(fields=["library_entry", "key_project"], name="innovation_library_key_project_unique")
        ]

    def __str__(self) -> str:
        return f"{self.library_entry_id}->{self.key_project_id}"
