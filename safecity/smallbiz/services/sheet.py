"""A street's list of small and micro enterprises in Excel (issue 16 §1): import all or nothing with
a table of (row, column, problem), and export with the same columns so an export re-imports.

Every row is checked before anything is written: the village must be one of the street's villages
(by name or 12-digit code), the credit code valid (GB 32100-2015, domain-rules §8) and new, the trade
a category of the published risk dictionary, the size and risk level words of the sheet.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safecity.core.choices import RegionLevel
from safecity.core.exports import workbook_bytes, xlsx_append
from safecity.core.imports import RowError, SheetRefused, cell_length_error, cell_text, sheet_rows
from safecity.core.models import Organisation, Region
from safecity.core.validators import validate_credit_code
from safecity.hazards.choices import RiskLevel
from safecity.smallbiz.choices import EnterpriseSize
from safecity.smallbiz.models import SmallEnterprise
from safecity.smallbiz.services.common import SmallbizError
from safecity.smallbiz.services.registry import enterprise_register, trade_name

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "小微企业"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# (key, the sheet's header): the Chinese header is what the street's list uses.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "企业名称"),
    ("credit_code", "统一社会信用代码"),
    ("village", "村（社区）"),
    ("trade", "行业类别代码"),
    ("size", "规模"),
    ("risk_level", "风险等级"),
    ("address", "地址"),
    ("employees", "从业人数"),
)
HEADER = dict(COLUMNS)
REQUIRED = ("name", "credit_code", "village", "size", "risk_level")
SIZE_WORDS = {EnterpriseSize.SMALL: "小型", EnterpriseSize.MICRO: "微型"}
RISK_WORDS = {RiskLevel.MAJOR: "重大", RiskLevel.SIGNIFICANT: "较大", RiskLevel.GENERAL: "一般", RiskLevel.LOW: "低"}
RISK_COLOURS = {"红": RiskLevel.MAJOR, "橙": RiskLevel.SIGNIFICANT, "黄": RiskLevel.GENERAL, "蓝": RiskLevel.LOW}


class EnterpriseImportError(SmallbizError):
    """The sheet was refused: ``errors`` is the table of every problem found; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__([str(e) for e in errors], code="invalid")
        self.errors = errors


def _read(file: IO[bytes] | bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        rows = sheet_rows(file, columns=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    except SheetRefused as refused:
        raise EnterpriseImportError(refused.errors) from None
    return [(number, {k: cell_text(v) for k, v in cells.items()}) for number, cells in rows]


def _villages(street: Region) -> dict[str, Region]:
    found = {}
    for village in Region.objects.filter(parent=street, level=RegionLevel.VILLAGE):
        found[village.code] = village
        found[village.name] = village
    return found


@transaction.atomic
def enterprises_import(*, actor: Any, street: Region, file: IO[bytes] | bytes) -> list[SmallEnterprise]:
    """Import a street's list of small and micro enterprises: every row checked first, then all
    written in one transaction, or none and the table of problems (:class:`EnterpriseImportError`)."""
    if street.level != RegionLevel.STREET:
        raise SmallbizError({"street": _("A list is imported for a street or town.")})
    rows = _read(file)
    villages = _villages(street)
    codes_seen: dict[str, int] = {}
    existing = set(
        Organisation.objects.filter(credit_code__in=[c.get("credit_code", "").upper() for _n, c in rows]).values_list(
            "credit_code", flat=True
        )
    )
    trades: dict[str, str | None] = {}
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:

        def err(key: str, problem: str, number: int = number) -> None:
            errors.append(RowError(number, HEADER[key], problem))

        for key in REQUIRED:
            if not cells.get(key):
                err(key, _("This cell is required."))
        for key in ("name", "address"):
            if message := cell_length_error(cells.get(key, ""), 200):
                err(key, message)
        code = cells.get("credit_code", "").upper()
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                err("credit_code", " ".join(exc.messages))
            else:
                if code in existing:
                    err("credit_code", _("An organisation with this credit code is already registered."))
                elif code in codes_seen:
                    err("credit_code", _("The same credit code is on row %(row)d.") % {"row": codes_seen[code]})
                codes_seen.setdefault(code, number)
        village = villages.get(cells.get("village", ""))
        if cells.get("village") and village is None:
            err(
                "village",
                _("%(street)s has no village or community called “%(name)s”.")
                % {"street": street.name, "name": cells["village"]},
            )
        trade = cells.get("trade", "")
        if trade not in trades:
            trades[trade] = trade_name(trade)
        if trades[trade] is None:
            err("trade", _("No management category of the published risk dictionary has this code."))
        size = {w: k for k, w in SIZE_WORDS.items()}.get(cells.get("size", ""))
        if cells.get("size") and size is None:
            err("size", _("Write 小型 (small) or 微型 (micro)."))
        level_text = cells.get("risk_level", "")
        risk = {w: k for k, w in RISK_WORDS.items()}.get(level_text) or RISK_COLOURS.get(level_text[:1])
        if level_text and risk is None:
            err("risk_level", _("Write 重大, 较大, 一般 or 低 (or red, orange, yellow, blue: 红, 橙, 黄, 蓝)."))
        employees = cells.get("employees", "")
        if employees and not employees.isdigit():
            err("employees", _("A number of people is a whole number."))
        parsed.append(
            (
                number,
                {
                    "name": cells.get("name", ""),
                    "credit_code": code,
                    "village": village,
                    "trade": trade,
                    "size": size,
                    "risk_level": risk,
                    "address": cells.get("address", ""),
                    "employees": int(employees) if employees.isdigit() else None,
                },
            )
        )
    if not rows:
        errors.append(RowError(2, "", _("The sheet has no rows to import.")))
    if errors:
        raise EnterpriseImportError(errors)
    made = []
    for number, data in parsed:
        try:
            made.append(enterprise_register(actor=actor, **data))
        except ValidationError as exc:
            # A rule checked only by the register (e.g. the actor may not write in this village):
            # the whole sheet is refused with the row that broke it.
            transaction.set_rollback(True)
            raise EnterpriseImportError([RowError(number, "", " ".join(exc.messages))]) from None
    return made


def _row(enterprise: SmallEnterprise) -> list[Any]:
    org = enterprise.organisation
    return [
        org.name,
        org.credit_code or "",
        org.region.name,
        enterprise.trade,
        SIZE_WORDS.get(EnterpriseSize(enterprise.size), ""),
        RISK_WORDS.get(RiskLevel(enterprise.risk_level), ""),
        org.address,
        enterprise.employees if enterprise.employees is not None else "",
    ]


def enterprises_export(*, queryset: QuerySet[SmallEnterprise]) -> bytes:
    """The (already scoped) enterprises as the import's sheet: same columns, words not codes."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    xlsx_append(sheet, [text for _key, text in COLUMNS])
    for enterprise in queryset.select_related("organisation__region"):
        xlsx_append(sheet, _row(enterprise))
    return workbook_bytes(workbook)
