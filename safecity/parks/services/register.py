"""The register of parks, their buildings, site plans and tenants (issue 17 part 1 §1-2).

Who: a park's landlord (its enterprise manager and staff) and the officials of its district and the
city (``Park.scope_rule``), checked on the stored park (``require_park``) and, for a new park, on
the park as written. A tenant's people never write the register.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.core.scoping import allows_target, district_path
from safecity.core.validators import validate_credit_code
from safecity.parks.choices import AREA_KINDS, LINE_KINDS, POINT_KINDS, ShapeKind
from safecity.parks.models import Building, Park, SiteShape, Tenant
from safecity.parks.services.common import ParksError, is_platform, require_park, require_target, today

PARK_FIELDS = ("name", "address", "latitude", "longitude", "number_prefix", "inspection_interval_days", "gate_notice")
TENANT_FIELDS = (
    "entered_on",
    "business_scope",
    "building",
    "area_m2",
    "workers",
    "dangerous_processes",
    "uses_production",
    "uses_storage",
    "uses_living",
    "safety_notice",
)
SITE_PLAN_MAX_BYTES = 10 * 1024 * 1024
SITE_PLAN_MAX_SIDE = 4000
NUMBER_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def _clean_save(obj: Any) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic
def park_create(*, actor: Any, landlord: Organisation, **fields: Any) -> Park:
    """Register a park of ``landlord`` (an enterprise); the actor must reach the park as written."""
    if landlord.kind != OrganisationKind.ENTERPRISE:
        raise ParksError({"landlord": _("A park's landlord is an enterprise.")})
    park = Park(landlord=landlord, **{k: v for k, v in fields.items() if k in PARK_FIELDS})
    require_target(actor, park)
    _clean_save(park)
    return park


@transaction.atomic
def park_update(*, actor: Any, park: Park, **changes: Any) -> Park:
    park = Park.objects.select_for_update().get(pk=park.pk)
    require_park(actor, park)
    for key, value in changes.items():
        if key in PARK_FIELDS:
            setattr(park, key, value)
    _clean_save(park)
    from safecity.parks.services.findings import findings_sweep

    # A period set ends "coordinates none"; the daily job raises what a change starts.
    findings_sweep(parks=[park.pk], today=today(), raise_new=False)
    return park


def _pdf_resolution(binary: str, source: Path, page: int) -> str:
    """The resolution to draw the page at: 110 dpi, less for a page so large that 110 dpi would pass
    ``SITE_PLAN_MAX_SIDE`` pixels (a tiny file may declare a page of metres: drawn at 110 dpi it
    would take minutes and gigabytes before anything could refuse it)."""
    info = Path(binary).with_name("pdfinfo")
    try:
        out = subprocess.run(  # noqa: S603 - a fixed binary and arguments, the file is ours
            [str(info), "-f", str(page), "-l", str(page), str(source)], check=True, capture_output=True, timeout=10, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise ParksError({"site_plan": _("This PDF could not be read, or it has no page %(page)d.") % {"page": page}}) from None
    found = re.search(r"size:\s*([\d.]+)\s*x\s*([\d.]+)\s*pts", out)
    if found is None:
        raise ParksError({"site_plan": _("This PDF could not be read, or it has no page %(page)d.") % {"page": page}})
    longest = max(float(found.group(1)), float(found.group(2)), 1.0)
    return str(max(1, min(110, int(SITE_PLAN_MAX_SIDE * 72 / longest))))


def _pdf_page_png(data: bytes, page: int) -> bytes:
    """One page of a PDF as a PNG (poppler's pdftoppm, at 110 dpi or less), or a clear refusal."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        raise ParksError(
            {"site_plan": _("PDF site plans cannot be read on this server (poppler-utils is missing); upload an image.")}
        )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "plan.pdf"
        source.write_bytes(data)
        target = Path(folder) / "page"
        dpi = _pdf_resolution(binary, source, page)
        try:
            subprocess.run(  # noqa: S603 - a fixed binary and arguments, the file is ours
                [binary, "-png", "-r", dpi, "-f", str(page), "-l", str(page), "-singlefile", str(source), str(target)],
                check=True,
                capture_output=True,
                timeout=30,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise ParksError(
                {"site_plan": _("This PDF could not be read, or it has no page %(page)d.") % {"page": page}}
            ) from None
        produced = Path(f"{target}.png")
        if not produced.exists():
            raise ParksError({"site_plan": _("This PDF could not be read, or it has no page %(page)d.") % {"page": page}})
        return produced.read_bytes()


def _plan_image(data: bytes, page: int) -> tuple[bytes, int, int]:
    """The upload as a PNG no larger than ``SITE_PLAN_MAX_SIDE``, with its width and height."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    if data[:5] == b"%PDF-":
        data = _pdf_page_png(data, page)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        raise ParksError({"site_plan": _("A site plan is an image (PNG, JPEG) or a page of a PDF.")}) from None
    plan = image.convert("RGB")
    plan.thumbnail((SITE_PLAN_MAX_SIDE, SITE_PLAN_MAX_SIDE))
    out = io.BytesIO()
    plan.save(out, format="PNG", optimize=True)
    return out.getvalue(), plan.width, plan.height


def site_plan_upload(*, actor: Any, park: Park, file: IO[bytes], page: int = 1) -> Park:
    """Put the park's site plan: an image, or one page of a PDF rendered to an image. The shapes
    already drawn are scaled to the new plan, so they keep their place on a plan redrawn larger.
    The picture is made before the transaction: no row is locked while a PDF is drawn."""
    require_park(actor, park)
    data = file.read(SITE_PLAN_MAX_BYTES + 1)
    if len(data) > SITE_PLAN_MAX_BYTES:
        raise ParksError({"site_plan": _("A site plan file is at most 10 MB.")})
    if page < 1:
        raise ParksError({"page": _("Pages are counted from 1.")})
    png, width, height = _plan_image(data, page)
    with transaction.atomic():
        return _site_plan_store(actor, park, png, width, height)


def _site_plan_store(actor: Any, park: Park, png: bytes, width: int, height: int) -> Park:
    park = Park.objects.select_for_update().get(pk=park.pk)
    require_park(actor, park)
    old_width, old_height = park.site_plan_width, park.site_plan_height
    old_name = park.site_plan.name if park.site_plan else ""
    park.site_plan.save("plan.png", ContentFile(png), save=False)
    park.site_plan_width, park.site_plan_height = width, height
    park.save()
    if old_width and old_height and (old_width, old_height) != (width, height):
        sx, sy = width / old_width, height / old_height
        for shape in SiteShape.objects.filter(park=park):
            shape.points = [[round(x * sx, 1), round(y * sy, 1)] for x, y in shape.points]
            shape.save(update_fields=["points", "updated_at"])
    if old_name and old_name != park.site_plan.name:
        # The replaced drawing goes once the new one is committed (kept if the write rolls back).
        storage = park.site_plan.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return park


@transaction.atomic
def building_save(*, actor: Any, park: Park, building: Building | None = None, **fields: Any) -> Building:
    require_park(actor, park)
    building = building or Building(park=park)
    if building.park_id != park.pk:
        raise ParksError({"building": _("This building is in another park.")})
    for key in ("name", "floors", "area_m2"):
        if key in fields:
            setattr(building, key, fields[key])
    try:
        _clean_save(building)
    except ValidationError as exc:
        raise ParksError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
    return building


def _points(kind: str, raw: Any, park: Park) -> list[list[float]]:
    """The shape's points as [[x, y], ...] inside the plan, as many as its kind needs."""
    try:
        points = [[round(float(x), 1), round(float(y), 1)] for x, y in raw]
    except (TypeError, ValueError):
        raise ParksError({"points": _("Points are pairs of numbers: [[x, y], ...].")}) from None
    need = 3 if kind in AREA_KINDS else 2 if kind in LINE_KINDS else 1
    if len(points) < need or (kind in POINT_KINDS and len(points) != 1):
        raise ParksError(
            {"points": _("A %(kind)s needs %(n)d point(s) or more.") % {"kind": ShapeKind(kind).label, "n": need}}
            if kind not in POINT_KINDS
            else {"points": _("An assembly point is one point.")}
        )
    if len(points) > 200:
        raise ParksError({"points": _("A shape has at most 200 points.")})
    width, height = park.site_plan_width or 0, park.site_plan_height or 0
    if width and height and any(not (0 <= x <= width and 0 <= y <= height) for x, y in points):
        raise ParksError({"points": _("Every point lies on the site plan.")})
    return points


@transaction.atomic
def shape_add(*, actor: Any, park: Park, kind: str, points: Any, label: str = "", tenant: Tenant | None = None) -> SiteShape:
    """Draw a shape on the park's site plan (which must be uploaded first); a tenant's area names
    its tenant, of this park and still in it."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    require_park(actor, park)
    if not park.site_plan:
        raise ParksError({"site_plan": _("Upload the site plan before drawing on it.")})
    if kind not in ShapeKind.values:
        raise ParksError({"kind": _("Unknown kind of shape.")})
    if kind == ShapeKind.TENANT_AREA:
        if tenant is None:
            raise ParksError({"tenant": _("A tenant area names its tenant.")})
    elif tenant is not None:
        raise ParksError({"tenant": _("Only a tenant area names a tenant.")})
    if tenant is not None and (tenant.park_id != park.pk or tenant.left_on is not None):
        raise ParksError({"tenant": _("The tenant is not in this park.")})
    shape = SiteShape(park=park, kind=kind, points=_points(kind, points, park), label=label[:60], tenant=tenant)
    _clean_save(shape)
    return shape


@transaction.atomic
def shape_delete(*, actor: Any, shape: SiteShape) -> None:
    require_park(actor, shape.park)
    shape.delete()


def entered_check(entered_on: date | None) -> None:
    if entered_on is None:
        raise ParksError({"entered_on": _("Give the day the tenant moved in.")})
    if entered_on > today():
        raise ParksError({"entered_on": _("A tenant is registered once it has moved in (the day is not in the future).")})


def number_check(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise ParksError({"unified_number": _("A tenant needs its unified number in the park.")})
    if len(number) > 24 or set(number) - NUMBER_ALLOWED:
        raise ParksError({"unified_number": _("A unified number is up to 24 letters, digits and dashes.")})
    return number


def _tenant_organisation(*, actor: Any, park: Park, credit_code: str, name: str) -> Organisation:
    """The tenant's enterprise by its credit code: the registered one, or a new enterprise in the
    park's region (a tenant is often a small firm nobody registered yet)."""
    code = (credit_code or "").strip().upper()
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        raise ParksError({"credit_code": exc.messages}) from None
    organisation = Organisation.objects.select_related("region").filter(credit_code=code).first()
    if organisation is not None:
        if organisation.kind != OrganisationKind.ENTERPRISE:
            raise ParksError({"credit_code": _("This credit code is registered to an organisation that is not an enterprise.")})
        if organisation.pk == park.landlord_id:
            raise ParksError({"credit_code": _("The landlord is not its own tenant.")})
        # A registered enterprise of another district is not the landlord's to enrol on its own (its
        # portrait and hidden hazards would follow): the park's district officials record it.
        elsewhere = not organisation.region.path.startswith(district_path(park.landlord.region.path))
        if elsewhere and not is_platform(actor) and not allows_target(actor, park, jurisdiction_only=True):
            raise ParksError(
                {
                    "credit_code": _(
                        "%(name)s is registered in another district: the park's district officials record its tenancy."
                    )
                    % {"name": organisation.name}
                }
            )
        return organisation
    if not (name or "").strip():
        raise ParksError({"name": _("No enterprise has this credit code yet: give its name to register it.")})
    organisation = Organisation(
        name=name.strip()[:200], kind=OrganisationKind.ENTERPRISE, credit_code=code, region=park.landlord.region
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def tenant_register(
    *, actor: Any, park: Park, credit_code: str, unified_number: str, entered_on: date, name: str = "", **fields: Any
) -> Tenant:
    """Register a tenant of the park by its enterprise's credit code (GB 32100-2015) and the park's
    unified number for it. Refused: an invalid code, a number or an enterprise already in the park."""
    park = Park.objects.select_for_update().select_related("landlord__region").get(pk=park.pk)
    require_park(actor, park)
    entered_check(entered_on)
    number = number_check(unified_number)
    organisation = _tenant_organisation(actor=actor, park=park, credit_code=credit_code, name=name)
    if Tenant.objects.filter(park=park, left_on__isnull=True, unified_number=number).exists():
        raise ParksError(
            {"unified_number": _("Another tenant in this park has the unified number %(n)s.") % {"n": number}}, code="duplicate"
        )
    if Tenant.objects.filter(park=park, left_on__isnull=True, organisation=organisation).exists():
        raise ParksError(
            {"credit_code": _("%(name)s is already a tenant of this park.") % {"name": organisation.name}}, code="duplicate"
        )
    building = fields.get("building")
    if building is not None and building.park_id != park.pk:
        raise ParksError({"building": _("This building is in another park.")})
    tenant = Tenant(park=park, organisation=organisation, unified_number=number, entered_on=entered_on)
    for key in TENANT_FIELDS:
        if key in fields and key != "entered_on":
            setattr(tenant, key, fields[key])
    try:
        with transaction.atomic():
            _clean_save(tenant)
    except IntegrityError:
        raise ParksError(
            {"unified_number": _("Another tenant in this park has this unified number.")}, code="duplicate"
        ) from None
    return tenant


@transaction.atomic
def tenant_update(*, actor: Any, tenant: Tenant, **changes: Any) -> Tenant:
    """Correct a tenant's record (its unified number too: unique among the park's tenants)."""
    tenant = Tenant.objects.select_for_update().select_related("park").get(pk=tenant.pk)
    require_park(actor, tenant.park)
    if tenant.left_on is not None:
        raise ParksError(_("This tenant has left the park; its record is kept as it was."), code="left")
    if "unified_number" in changes:
        number = number_check(changes["unified_number"])
        clash = Tenant.objects.filter(park=tenant.park, left_on__isnull=True, unified_number=number).exclude(pk=tenant.pk)
        if clash.exists():
            raise ParksError(
                {"unified_number": _("Another tenant in this park has the unified number %(n)s.") % {"n": number}},
                code="duplicate",
            )
        tenant.unified_number = number
    building = changes.get("building")
    if building is not None and building.park_id != tenant.park_id:
        raise ParksError({"building": _("This building is in another park.")})
    if "entered_on" in changes:
        entered_check(changes["entered_on"])
        first = tenant.inspections.order_by("inspected_on").values_list("inspected_on", flat=True).first()
        if first is not None and changes["entered_on"] > first:
            raise ParksError({"entered_on": _("The tenant was inspected on %(day)s, so it moved in by then.") % {"day": first}})
    for key in TENANT_FIELDS:
        if key in changes:
            setattr(tenant, key, changes[key])
    _clean_save(tenant)
    from safecity.parks.services.findings import findings_sweep

    # Corrected uses end a three-in-one finding at once; the daily job raises what a change starts.
    findings_sweep(parks=[tenant.park_id], today=today(), raise_new=False)
    return tenant


@transaction.atomic
def tenant_leave(*, actor: Any, tenant: Tenant, left_on: date | None = None, reason: str = "") -> Tenant:
    """Record that a tenant has left the park (today or on an earlier day, never a later one). Its
    record, agreements and inspections stay; its area on the plan is freed; the findings about it
    stop standing."""
    tenant = Tenant.objects.select_for_update().select_related("park").get(pk=tenant.pk)
    require_park(actor, tenant.park)
    if tenant.left_on is not None:
        raise ParksError(_("This tenant has already left the park."), code="left")
    if left_on is not None and left_on > today():
        # Until it has gone the tenant is in the park: it keeps its number, its notice and its duties.
        raise ParksError({"left_on": _("A tenant's leaving is recorded once it has left.")})
    if left_on is not None and left_on < tenant.entered_on:
        raise ParksError({"left_on": _("A tenant leaves on or after the day it moved in.")})
    tenant.left_on = left_on or today()
    tenant.left_reason = reason[:200]
    _clean_save(tenant)
    SiteShape.objects.filter(tenant=tenant).delete()
    from safecity.parks.services.findings import findings_sweep

    findings_sweep(parks=[tenant.park_id], today=today(), raise_new=False)
    return tenant


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
