"""Official and project-wide codes for the core domain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """Levels of the administrative division tree (GB/T 2260 and the statistics division codes)."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("Prefecture-level city")
    DISTRICT = "district", _("District / county-level city")
    ZONE = "zone", _("Development zone")
    STREET = "street", _("Street / town")
    VILLAGE = "village", _("Village / community")


class OrganisationKind(models.TextChoices):
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    DISTRICT_BUREAU = "district_bureau", _("District bureau")
    SAFETY_COMMITTEE = "safety_committee", _("Safety committee office")
    ENTERPRISE = "enterprise", _("Enterprise")
    EXPERT_INSTITUTION = "expert_institution", _("Expert institution")
    FILLING_UNIT = "filling_unit", _("Filling unit")
    INSPECTION_STATION = "inspection_station", _("Inspection station")
    PROCURATORATE = "procuratorate", _("People's procuratorate")
    FIRE_BRIGADE = "fire_brigade", _("Fire rescue detachment")
    SCHOOL = "school", _("School")
    SAFETY_SERVICE_PROVIDER = "safety_service_provider", _("Safety service provider")
    VILLAGE_COMMITTEE = "village_committee", _("Village committee")
    STREET_OFFICE = "street_office", _("Street / town office")
    EXPERIENCE_HALL = "experience_hall", _("Public-safety experience hall")
    TRADE_ASSOCIATION = "trade_association", _("Trade association")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    CITY_OFFICIAL = "city_official", _("City official")
    DISTRICT_OFFICIAL = "district_official", _("District official")
    INSPECTOR = "inspector", _("Inspector")
    EXPERT = "expert", _("Expert")
    ENTERPRISE_MANAGER = "enterprise_manager", _("Enterprise manager")
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")
    PROCURATOR = "procurator", _("Procurator")
    FIRE_OFFICER = "fire_officer", _("Fire officer")
    FILLING_STATION_OPERATOR = "filling_station_operator", _("Filling-station operator")
    INSPECTION_STATION_OPERATOR = "inspection_station_operator", _("Inspection-station operator")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    PUBLIC_VISITOR = "public_visitor", _("Public visitor")
    # Issue 16: the street / town office and the village committee supervise small and micro
    # enterprises in their area; a safety service provider's engineers serve contracted ones.
    STREET_OFFICIAL = "street_official", _("Street / town official")
    VILLAGE_SUPERVISOR = "village_supervisor", _("Village safety supervisor")
    SERVICE_ENGINEER = "service_engineer", _("Safety service engineer")
    # Issue 17: the public-safety experience hall's staff manage its sessions and bookings.
    HALL_STAFF = "hall_staff", _("Experience hall staff")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class AuditSource(models.TextChoices):
    UI = "ui", _("Web interface")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    COMMAND = "command", _("Command")
    SYSTEM = "system", _("System")
