"""Choices of the library of regulations, standards and methods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LibraryKind(models.TextChoices):
    LOCAL_REGULATION = "local_regulation", _("Local regulation")
    LOCAL_STANDARD = "local_standard", _("Local standard")
    WORK_METHOD = "work_method", _("Work method")
    PRACTICE = "practice", _("Practice")


# The committee office (city-wide city administrators and city officials) keeps the library.
EDITOR_ROLES = frozenset({"city_admin", "city_official"})
