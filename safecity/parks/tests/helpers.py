"""Shared building blocks of the parks tests (no conftest: plain functions the test files call).

The world: a park of 常州甲化工有限公司 (district A, 新北区) whose enterprise manager is the
``enterprise_user`` persona (the landlord's manager); two tenants, 丙 (with its own enterprise
manager) and 丁; an outsider enterprise manager of 常州乙化工有限公司 (district B).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from conftest import City, Personas, make_org, make_user
from safecity.core.choices import OrganisationKind, Role
from safecity.core.demo.codes import credit_code
from safecity.core.models import Organisation
from safecity.parks.models import Building, Park, Tenant
from safecity.parks.rules import checklist_codes
from safecity.parks.services import building_save, park_create, tenant_register

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def today() -> date:
    return timezone.localdate()


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, format="PNG")
    return out.getvalue()


def minimal_pdf(width_pt: int = 200, height_pt: int = 100) -> bytes:
    """A one-page PDF written by hand (a blank page of ``width_pt`` x ``height_pt`` points), with a
    correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt} {height_pt}] /Contents 4 0 R /Resources << >> >>".encode(),
    ]
    stream = b"0 0 1 rg 10 10 50 50 re f"
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def unknown_code(seed: str, region_code: str = "320411") -> str:
    """A valid credit code no organisation of the fixture city holds."""
    return credit_code(random.Random(seed), region_code=region_code)


def bad_check_character(code: str) -> str:
    """The same code with a wrong check character (the last one)."""
    last = "1" if code[-1] != "1" else "2"
    return code[:-1] + last


def all_passed() -> dict[str, Any]:
    return {code: {"ok": True} for code in checklist_codes()}


@dataclass
class World:
    city: City
    personas: Personas
    landlord: Organisation
    landlord_manager: Any  # enterprise manager of the landlord (the enterprise_user persona)
    park: Park
    building: Building
    tenant_org: Organisation
    tenant_manager: Any  # enterprise manager of the tenant 丙
    other_org: Organisation
    tenant: Tenant  # 丙, unified number A01, entered 30 days ago
    other_tenant: Tenant  # 丁, unified number A02, entered 30 days ago
    outsider_manager: Any  # enterprise manager of 常州乙化工有限公司 (district B), no link to the park
    neighbour: Organisation  # 常州戊电子有限公司: registered in the park's district, not a tenant


def build_world(city: City, personas: Personas, *, interval: int | None = 90, entered_days_ago: int = 30) -> World:
    root = city.superuser
    landlord = city.enterprise_a
    tenant_org = make_org("常州丙机械有限公司", OrganisationKind.ENTERPRISE, city.street_a, actor=root)
    other_org = make_org("常州丁包装有限公司", OrganisationKind.ENTERPRISE, city.street_a, actor=root)
    neighbour = make_org("常州戊电子有限公司", OrganisationKind.ENTERPRISE, city.street_a, actor=root)
    tenant_manager = make_user(city, "tenant_manager", tenant_org, Role.ENTERPRISE_MANAGER)
    outsider_manager = make_user(city, "outsider_manager", city.enterprise_b, Role.ENTERPRISE_MANAGER)
    park = park_create(
        actor=personas.district_a,
        landlord=landlord,
        name="新北创业园",
        number_prefix="XB-",
        inspection_interval_days=interval,
        address="新北区长江路1号",
    )
    building = building_save(actor=personas.enterprise_user, park=park, name="1号厂房", floors=2)
    entered = today() - timedelta(days=entered_days_ago)
    tenant = tenant_register(
        actor=personas.enterprise_user,
        park=park,
        credit_code=tenant_org.credit_code,
        unified_number="A01",
        entered_on=entered,
        building=building,
        business_scope="机械加工",
    )
    other_tenant = tenant_register(
        actor=personas.enterprise_user, park=park, credit_code=other_org.credit_code, unified_number="A02", entered_on=entered
    )
    return World(
        city=city,
        personas=personas,
        neighbour=neighbour,
        landlord=landlord,
        landlord_manager=personas.enterprise_user,
        park=park,
        building=building,
        tenant_org=tenant_org,
        tenant_manager=tenant_manager,
        other_org=other_org,
        tenant=tenant,
        other_tenant=other_tenant,
        outsider_manager=outsider_manager,
    )


def agreement(world: World, tenant: Tenant, *, start: date, end: date, actor: Any = None, **extra: Any) -> Any:
    from safecity.parks.services import agreement_record

    return agreement_record(
        actor=actor or world.landlord_manager,
        tenant=tenant,
        signed_on=extra.pop("signed_on", start),
        valid_from=start,
        valid_until=end,
        landlord_duties="统一协调、定期检查",
        tenant_duties="落实本单位安全生产主体责任",
        **extra,
    )
