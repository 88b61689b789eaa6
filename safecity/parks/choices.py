"""The codes of the factory-within-a-factory register (厂中厂, domain-rules §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShapeKind(models.TextChoices):
    """What a shape drawn on a park's site plan shows (Jiangsu's 厂中厂 campaign: the site plan
    with tenant areas, escape routes and the separation of people and vehicles)."""

    TENANT_AREA = "tenant_area", _("Tenant area")
    ESCAPE_ROUTE = "escape_route", _("Escape route")
    PEDESTRIAN_WAY = "pedestrian_way", _("Pedestrian way")
    VEHICLE_WAY = "vehicle_way", _("Vehicle way")
    ASSEMBLY_POINT = "assembly_point", _("Assembly point")


# Areas are closed polygons; routes and ways are lines; an assembly point is one point.
AREA_KINDS = frozenset({ShapeKind.TENANT_AREA})
LINE_KINDS = frozenset({ShapeKind.ESCAPE_ROUTE, ShapeKind.PEDESTRIAN_WAY, ShapeKind.VEHICLE_WAY})
POINT_KINDS = frozenset({ShapeKind.ASSEMBLY_POINT})


class AgreementState(models.TextChoices):
    """Where a tenant's safety-management agreement stands on a day (Safety Production Law art. 49)."""

    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Valid, expiring soon")
    EXPIRED = "expired", _("Expired")
    MISSING = "missing", _("Missing")


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Safety training")
    DRILL = "drill", _("Emergency drill")


class ParkFindingKind(models.TextChoices):
    """The conditions the platform raises as hidden hazards by itself, each with its legal basis."""

    AGREEMENT_MISSING = "agreement_missing", _("No safety-management agreement with a tenant")
    AGREEMENT_EXPIRED = "agreement_expired", _("The safety-management agreement with a tenant has expired")
    NOT_INSPECTED = "not_inspected", _("A tenant not inspected within the landlord's period")
    NO_COORDINATION = "no_coordination", _("The landlord coordinates and inspects none of its tenants")
    THREE_IN_ONE = "three_in_one", _("Production, storage and living in one building (three-in-one)")


# The legal basis of each condition, in the words of the rule (stored on the hidden hazard as its
# cause, so the enterprise and the district read why it is a hazard).
FINDING_BASIS: dict[str, str] = {  # keyed by the kind codes
    ParkFindingKind.AGREEMENT_MISSING: "《中华人民共和国安全生产法》第四十九条：生产经营项目、场所出租给其他单位的，"
    "生产经营单位应当与承租单位签订专门的安全生产管理协议，或者在租赁合同中约定各自的安全生产管理职责。",
    ParkFindingKind.AGREEMENT_EXPIRED: "《中华人民共和国安全生产法》第四十九条：出租单位应当与承租单位签订专门的安全生产"
    "管理协议，或者在租赁合同中约定各自的安全生产管理职责；协议已过有效期。",
    ParkFindingKind.NOT_INSPECTED: "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第三条第（一）项："
    "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。",
    ParkFindingKind.NO_COORDINATION: "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第三条第（一）项："
    "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的。",
    ParkFindingKind.THREE_IN_ONE: "《租赁厂房和仓库消防安全管理办法（试行）》（消防〔2023〕72号）：厂房、仓库内不得设置员工宿舍；"
    "《重大火灾隐患判定方法》（GB 35181-2017）：生产、储存、经营场所与人员住宿场所设置在同一建筑物内。",
}

# Major hidden hazards (order No. 10 art. 3 (1); GB 35181-2017); the agreement is a general one.
MAJOR_FINDINGS = frozenset({ParkFindingKind.NOT_INSPECTED, ParkFindingKind.NO_COORDINATION, ParkFindingKind.THREE_IN_ONE})
