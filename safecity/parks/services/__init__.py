"""Every write of the factory-within-a-factory register (issue 17 part 1)."""

from __future__ import annotations

from safecity.parks.services.common import ParksError
from safecity.parks.services.findings import findings_sweep, tenant_statuses
from safecity.parks.services.management import agreement_record, inspection_record, training_record
from safecity.parks.services.register import (
    building_save,
    park_create,
    park_update,
    shape_add,
    shape_delete,
    site_plan_upload,
    tenant_leave,
    tenant_register,
    tenant_update,
)
from safecity.parks.services.sheet import TenantImportError, tenants_import, tenants_workbook

__all__ = [
    "ParksError",
    "TenantImportError",
    "agreement_record",
    "building_save",
    "findings_sweep",
    "inspection_record",
    "park_create",
    "park_update",
    "shape_add",
    "shape_delete",
    "site_plan_upload",
    "tenant_leave",
    "tenant_register",
    "tenant_statuses",
    "tenant_update",
    "tenants_import",
    "tenants_workbook",
    "training_record",
]
