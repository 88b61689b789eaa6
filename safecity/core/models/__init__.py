"""Core domain models: regions, organisations, people and roles, the audit trail."""

from safecity.core.models.audit import AuditEntry, AuditLink, AuditSegment
from safecity.core.models.base import AuditedManager, AuditedModel, AuditedQuerySet
from safecity.core.models.calendar import CalendarDay, CalendarDayKind
from safecity.core.models.notifications import Delivery, Notification
from safecity.core.models.organisations import Organisation
from safecity.core.models.people import Person, RoleAssignment
from safecity.core.models.regions import Region
from safecity.core.models.scheduling import ScheduledRun

__all__ = [
    "AuditEntry",
    "AuditLink",
    "AuditSegment",
    "AuditedManager",
    "AuditedModel",
    "AuditedQuerySet",
    "CalendarDay",
    "CalendarDayKind",
    "Delivery",
    "Notification",
    "Organisation",
    "Person",
    "Region",
    "RoleAssignment",
    "ScheduledRun",
]
