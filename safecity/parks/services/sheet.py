"""A park's tenant list in Excel (issue 17 part 1 §5): import all or nothing with a table of
(row, column, problem), and export with the same columns, so an export re-imports into another
park (or after a correction).

Every row is checked before anything is written: the unified number (unique in the park and the
sheet), the credit code (GB 32100-2015, domain-rules §8; new to the park and the sheet), the
building (one of the park's, by name), the numbers, the uses and the day the tenant moved in.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.exports import workbook_bytes, xlsx_append
from safecity.core.imports import RowError, SheetRefused, cell_date, cell_length_error, cell_text, sheet_rows
from safecity.core.validators import validate_credit_code
from safecity.parks.models import Building, Park, Tenant
from safecity.parks.services.common import ParksError, require_park, today
from safecity.parks.services.register import NUMBER_ALLOWED, tenant_register

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "承租单位"
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
COLUMNS: tuple[tuple[str, str], ...] = (
    ("unified_number", "统一编号"),
    ("name", "承租单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("business_scope", "经营范围"),
    ("building", "所在建筑"),
    ("area_m2", "租赁面积（平方米）"),
    ("workers", "从业人数"),
    ("dangerous_processes", "危险工艺"),
    ("uses", "用途"),
    ("entered_on", "入驻日期"),
)
HEADER = dict(COLUMNS)
REQUIRED = ("unified_number", "name", "credit_code", "entered_on")
USE_WORDS = {"生产": "uses_production", "仓储": "uses_storage", "储存": "uses_storage", "住宿": "uses_living"}


class TenantImportError(ParksError):
    """The sheet was refused: ``errors`` is the table of every problem found; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__([str(e) for e in errors], code="invalid")
        self.errors = errors


def _raw_cells(file: IO[bytes] | bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        return sheet_rows(file, columns=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    except SheetRefused as refused:
        raise TenantImportError(refused.errors) from None


@transaction.atomic
def tenants_import(*, actor: Any, park: Park, file: IO[bytes] | bytes) -> list[Tenant]:
    """Import a park's tenant list: every row checked first, then all written in one transaction,
    or none and the table of problems (:class:`TenantImportError`)."""
    require_park(actor, park)
    rows = _raw_cells(file)
    buildings = {b.name: b for b in Building.objects.filter(park=park)}
    in_park = Tenant.objects.filter(park=park, left_on__isnull=True)
    numbers_taken = set(in_park.values_list("unified_number", flat=True))
    codes_taken = set(in_park.values_list("organisation__credit_code", flat=True))
    numbers_seen: dict[str, int] = {}
    codes_seen: dict[str, int] = {}
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, raw in rows:
        cells = {k: cell_text(v) for k, v in raw.items()}

        def err(key: str, problem: str, number: int = number) -> None:
            errors.append(RowError(number, HEADER[key], problem))

        for key in REQUIRED:
            if not cells.get(key):
                err(key, _("This cell is required."))
        for key, limit in (("name", 200), ("business_scope", 300), ("dangerous_processes", 300)):
            if message := cell_length_error(cells.get(key, ""), limit):
                err(key, message)
        unified = cells.get("unified_number", "")
        if unified:
            if len(unified) > 24 or set(unified) - NUMBER_ALLOWED:
                err("unified_number", _("A unified number is up to 24 letters, digits and dashes."))
            elif unified in numbers_taken:
                err("unified_number", _("Another tenant in this park has this unified number."))
            elif unified in numbers_seen:
                err("unified_number", _("The same unified number is on row %(row)d.") % {"row": numbers_seen[unified]})
            numbers_seen.setdefault(unified, number)
        code = cells.get("credit_code", "").upper()
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                err("credit_code", " ".join(exc.messages))
            else:
                if code in codes_taken:
                    err("credit_code", _("This enterprise is already a tenant of the park."))
                elif code in codes_seen:
                    err("credit_code", _("The same credit code is on row %(row)d.") % {"row": codes_seen[code]})
                codes_seen.setdefault(code, number)
        building = buildings.get(cells.get("building", ""))
        if cells.get("building") and building is None:
            err("building", _("The park has no building called “%(name)s”.") % {"name": cells["building"]})
        area = None
        if cells.get("area_m2"):
            try:
                area = Decimal(cells["area_m2"]).quantize(Decimal("0.1"))
                if area <= 0 or area >= Decimal("1000000000"):
                    raise InvalidOperation
            except InvalidOperation:
                err("area_m2", _("An area is a number of square metres above 0."))
                area = None
        workers = cells.get("workers", "") or "0"
        if not (workers.isascii() and workers.isdigit() and int(workers) <= 1_000_000):
            err("workers", _("A number of people is a whole number."))
            workers = "0"
        uses = {"uses_production": False, "uses_storage": False, "uses_living": False}
        for word in [w for w in cells.get("uses", "").replace("，", "、").replace(",", "、").split("、") if w.strip()]:
            if word.strip() not in USE_WORDS:
                err("uses", _("Write the uses as 生产、仓储、住宿 (production, storage, living)."))
                break
            uses[USE_WORDS[word.strip()]] = True
        if not cells.get("uses"):
            uses["uses_production"] = True
        entered = cell_date(raw.get("entered_on"))
        if cells.get("entered_on") and entered is None:
            err("entered_on", _("Write the day as 2024-03-01."))
        elif entered is not None and entered > today():
            err("entered_on", _("A tenant is registered once it has moved in (the day is not in the future)."))
        parsed.append(
            (
                number,
                {
                    "unified_number": unified,
                    "name": cells.get("name", ""),
                    "credit_code": code,
                    "business_scope": cells.get("business_scope", ""),
                    "building": building,
                    "area_m2": area,
                    "workers": int(workers),
                    "dangerous_processes": cells.get("dangerous_processes", ""),
                    "entered_on": entered,
                    **uses,
                },
            )
        )
    if not rows:
        errors.append(RowError(2, "", _("The sheet has no rows to import.")))
    if errors:
        raise TenantImportError(errors)
    made = []
    for number, data in parsed:
        try:
            with transaction.atomic():
                made.append(tenant_register(actor=actor, park=park, **data))
        except ValidationError as exc:
            transaction.set_rollback(True)
            raise TenantImportError([RowError(number, "", " ".join(exc.messages))]) from None
    return made


def tenants_workbook(tenants: list[Tenant]) -> bytes:
    """The tenants in the import's columns (what re-imports), one row each."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    xlsx_append(sheet, [text for _key, text in COLUMNS])
    for t in tenants:
        uses = "、".join(
            w for w, flag in (("生产", t.uses_production), ("仓储", t.uses_storage), ("住宿", t.uses_living)) if flag
        )
        xlsx_append(
            sheet,
            [
                t.unified_number,
                t.organisation.name,
                t.organisation.credit_code,
                t.business_scope,
                t.building.name if t.building is not None else "",
                float(t.area_m2) if t.area_m2 is not None else "",
                t.workers,
                t.dangerous_processes,
                uses,
                t.entered_on.isoformat(),
            ],
        )
    return workbook_bytes(workbook)
