"""Choices of the innovation selection (创新创优项目评选)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    """open (departments submit) -> judging (judges score) -> selected (top N frozen) -> published."""

    OPEN = "open", _("Open for submissions")
    JUDGING = "judging", _("Judging")
    SELECTED = "selected", _("Selected")
    PUBLISHED = "published", _("Published")


class InnovationCategory(models.TextChoices):
    """The three kinds of innovation project the City Safety Committee selects."""

    INSTITUTIONAL = "institutional", _("Institutional innovation")
    METHOD = "method", _("Method innovation")
    PRACTICE = "practice", _("Practice innovation")


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The committee office: city-wide city administrators and city officials manage the rounds.
COMMITTEE_ROLES = frozenset({"city_admin", "city_official"})
# Organisation kinds that may submit innovation projects (city departments and district bureaus).
SUBMITTING_KINDS = frozenset({"government_department", "district_bureau", "safety_committee"})
