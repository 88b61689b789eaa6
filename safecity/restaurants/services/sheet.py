"""The district's survey sheet of restaurants (issue 15 §1): import all or nothing with its row
errors, export with the same columns (words, not codes) so an export re-imports, and the blank
sheet to fill in. Every row goes through the registry's own checks (``registry.py``)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from safecity.core.choices import OrganisationKind, RegionLevel
from safecity.core.exports import workbook_bytes, xlsx_append
from safecity.core.imports import cell_length_error, cell_text, field_text_limit
from safecity.core.models import Organisation, Region
from safecity.core.scoping import allows_target, principal_for, scoped
from safecity.core.validators import validate_credit_code
from safecity.restaurants.choices import KitchenFuel
from safecity.restaurants.models import FIELD_ROLES, REGULATOR_ROLES, Restaurant
from safecity.restaurants.services.common import RestaurantError, is_platform
from safecity.restaurants.services.registry import (
    MAX_CYLINDERS_ON_SITE,
    _coordinate,
    _street_in_reach,
    nul_message,
    restaurant_register,
)

# --- the survey sheet ------------------------------------------------------------------------

SHEET_TITLE = "餐饮单位"
EXAMPLE_SHEET_TITLE = "示例"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (key, Chinese header, English header): the Chinese header is written; either is read.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("name", "名称", "Name"),
    ("credit_code", "统一社会信用代码", "Unified social credit code"),
    ("street", "街道", "Street"),
    ("address", "地址", "Address"),
    ("longitude", "经度", "Longitude"),
    ("latitude", "纬度", "Latitude"),
    ("fuel", "厨房燃料", "Kitchen fuel"),
    ("cylinders_on_site", "现存气瓶数", "Cylinders on site"),
    ("cylinders_allowed", "允许气瓶数", "Cylinders allowed"),
    ("supplier", "供气单位", "Contracted supplier"),
)
HEADER = {key: zh for key, zh, _en in COLUMNS}
REQUIRED_COLUMNS = ("name", "credit_code", "street", "fuel")
# The words the sheet uses for the kitchen fuel (written on export, read on import).
FUEL_WORDS = {KitchenFuel.BOTTLED_LPG: "瓶装液化气", KitchenFuel.PIPED_GAS: "管道燃气", KitchenFuel.ELECTRIC: "电"}


def max_rows() -> int:
    """The most restaurants one sheet imports (``SAFECITY_RESTAURANT_IMPORT_MAX_ROWS``, 5,000)."""
    return int(getattr(settings, "SAFECITY_RESTAURANT_IMPORT_MAX_ROWS", 5000))


def max_file_bytes() -> int:
    """The largest sheet one import reads (``SAFECITY_RESTAURANT_IMPORT_MAX_BYTES``, 10 MB)."""
    return int(getattr(settings, "SAFECITY_RESTAURANT_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class RowError:
    """One problem of the sheet: its row as Excel numbers it (0: the file as a whole), the column
    header and what is wrong, in plain words."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row <= 0:
            return self.message
        if self.column:
            return _("row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": self.column, "message": self.message}
        return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class RestaurantImportError(RestaurantError):
    """The sheet has errors and nothing was imported; ``errors`` lists every one (row, column, message)."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.row, _column_order(e.column)))
        super().__init__({"file": [str(e) for e in self.errors]})


def _column_order(header: str) -> int:
    for index, (_key, zh, en) in enumerate(COLUMNS):
        if header in (zh, en):
            return index
    return -1


@dataclass
class ImportResult:
    """What an import wrote: the restaurants, and how many organisations it created or reused."""

    restaurants: list[Restaurant] = field(default_factory=list)
    organisations_created: int = 0
    organisations_reused: int = 0

    @property
    def count(self) -> int:
        return len(self.restaurants)


def _file_error(message: str) -> RestaurantImportError:
    return RestaurantImportError([RowError(0, "", message)])


def _read_bytes(file: IO[bytes] | bytes) -> bytes:
    limit = max_file_bytes()
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _file_error(_("The file is larger than %(mb)d MB; split the sheet.") % {"mb": limit // (1024 * 1024)})
    if data[:4] == b"\xd0\xcf\x11\xe0":  # the old binary Excel format (OLE2)
        raise _file_error(_("This is an old Excel file (.xls). Save it from Excel as .xlsx and try again."))
    if data[:4] != b"PK\x03\x04":  # an .xlsx file is a zip archive
        raise _file_error(_("The file is not an Excel workbook (.xlsx). Save it from Excel as .xlsx and try again."))
    return data


def _sheet_rows(file: IO[bytes] | bytes) -> tuple[dict[str, str], list[tuple[int, dict[str, Any]]]]:
    """The survey sheet's data rows as ``(Excel row number, {key: cell value})``, and the header
    each key was read under (Chinese or English, for the messages)."""
    from openpyxl import load_workbook

    data = _read_bytes(file)
    unreadable = _("The file is not an Excel workbook (.xlsx). Save it from Excel as .xlsx and try again.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a damaged file; each means "unreadable"
        raise _file_error(unreadable) from None
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        # A read-only workbook parses a sheet's XML while its rows are read: damage shows up here.
        return _read_rows(sheet.iter_rows(values_only=True))
    except RestaurantImportError:
        raise
    except Exception:  # noqa: BLE001 - as above (e.g. a NUL byte in the sheet's XML)
        raise _file_error(unreadable) from None
    finally:
        workbook.close()


def _read_rows(rows: Iterator[tuple[Any, ...]]) -> tuple[dict[str, str], list[tuple[int, dict[str, Any]]]]:
    header = next(rows, None)
    if header is None:
        raise _file_error(_("The sheet is empty: row 1 must hold the column headers."))
    names = {zh: key for key, zh, _en in COLUMNS} | {en.lower(): key for key, _zh, en in COLUMNS}
    positions: dict[str, int] = {}
    found: dict[str, str] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        text = cell_text(cell)
        key = names.get(text) or names.get(text.lower())
        if key is None:
            continue
        if key in positions:
            errors.append(RowError(1, text, _("This column appears twice.")))
        positions[key], found[key] = index, text
    for key in REQUIRED_COLUMNS:
        if key not in positions:
            errors.append(
                RowError(
                    1, HEADER[key], _("This column is missing: row 1 must hold the header %(column)s.") % {"column": HEADER[key]}
                )
            )
    if errors:
        raise RestaurantImportError(errors)
    limit = max_rows()
    result: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if all(cell_text(v) == "" for v in values):
            continue
        if len(result) >= limit:
            raise _file_error(_("One import takes at most %(n)d rows.") % {"n": limit})
        result.append((number, {key: values[i] if i < len(values) else None for key, i in positions.items()}))
    return found, result


def _fuel_lookup() -> dict[str, str]:
    """Every word the sheet may use for a fuel: the sheet's words, the labels in each language, the codes."""
    lookup: dict[str, str] = {}
    for code, label in KitchenFuel.choices:
        lookup[code] = code
        lookup[FUEL_WORDS[KitchenFuel(code)]] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup[str(label).lower()] = code
    return lookup


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value
    text = cell_text(value)
    return int(text) if text.isdigit() else None


def _regulates(actor: Any) -> bool:
    """Does the actor hold a role that registers restaurants anywhere?"""
    principal = principal_for(actor)
    return is_platform(actor) or principal.is_superuser or bool(principal.roles & (REGULATOR_ROLES | FIELD_ROLES))


class _Lookups:
    """The streets, the filling units and the known organisations, read once per sheet."""

    def __init__(self, actor: Any, region: Region | None, codes: set[str]) -> None:
        self.actor = actor
        streets = Region.objects.filter(level=RegionLevel.STREET)
        if region is not None:
            streets = streets.filter(path__startswith=region.path)
        self.streets_by_code: dict[str, Region] = {}
        self.streets_by_name: dict[str, list[Region]] = {}
        for street in streets:
            self.streets_by_code[street.code] = street
            self.streets_by_name.setdefault(street.name, []).append(street)
        self.units_by_code: dict[str, Organisation] = {}
        self.units_by_name: dict[str, list[Organisation]] = {}
        for unit in Organisation.objects.filter(kind=OrganisationKind.FILLING_UNIT, is_active=True):
            if unit.credit_code:
                self.units_by_code[unit.credit_code] = unit
            self.units_by_name.setdefault(unit.name, []).append(unit)
        self.organisations = {
            o.credit_code: o for o in Organisation.objects.filter(credit_code__in=codes).select_related("region")
        }
        self.registered = set(
            Restaurant.objects.filter(organisation__credit_code__in=codes).values_list("organisation__credit_code", flat=True)
        )

    def street(self, text: str) -> tuple[Region | None, str]:
        found = [self.streets_by_code[text]] if text in self.streets_by_code else self.streets_by_name.get(text, [])
        if not found:
            return None, _("Unknown street or town “%(name)s”.") % {"name": text}
        reachable = [s for s in found if _street_in_reach(self.actor, s)]
        if not reachable:
            return None, _("%(name)s lies outside your jurisdiction.") % {"name": text}
        if len(reachable) > 1:
            return None, _("Several streets are called “%(name)s”; write its division code instead.") % {"name": text}
        return reachable[0], ""

    def supplier(self, text: str) -> tuple[Organisation | None, str]:
        if text.upper() in self.units_by_code:
            return self.units_by_code[text.upper()], ""
        found = self.units_by_name.get(text, [])
        if not found:
            return None, _("No filling unit “%(name)s” in the registry.") % {"name": text}
        if len(found) > 1:
            return None, _("Several filling units are called “%(name)s”; write its credit code instead.") % {"name": text}
        return found[0], ""


@dataclass
class _Row:
    number: int
    organisation: Organisation | None
    fields: dict[str, Any]


def _reaches(actor: Any, organisation: Organisation) -> bool:
    return is_platform(actor) or allows_target(actor, Restaurant(organisation=organisation))


def _creates_organisations(actor: Any, street: Region) -> bool:
    return is_platform(actor) or allows_target(actor, Organisation(region=street, kind=OrganisationKind.ENTERPRISE))


def _parse(
    actor: Any, region: Region | None, found: dict[str, str], rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[_Row], list[RowError]]:
    """Check every row without writing; return the rows to register and every error found."""
    errors: list[RowError] = []
    limits = {"name": field_text_limit(Organisation, "name"), "address": field_text_limit(Organisation, "address")}
    codes = {cell_text(v["credit_code"]).upper() for _n, v in rows if "\x00" not in cell_text(v["credit_code"])}
    lookups = _Lookups(actor, region, codes)
    fuels = _fuel_lookup()
    seen: dict[str, int] = {}
    parsed: list[_Row] = []
    for number, values in rows:
        flagged: set[str] = set()

        def err(key: str, message: str, number: int = number, flagged: set[str] = flagged) -> None:
            errors.append(RowError(number, found.get(key, HEADER[key]), message))
            flagged.add(key)

        text: dict[str, str] = {}
        for key, value in values.items():
            text[key] = cell_text(value)
            if "\x00" in text[key]:
                err(key, nul_message())
            elif message := cell_length_error(text[key], limits.get(key, 200)):
                err(key, message)
            if key in flagged:
                text[key] = ""  # no other check (nor query) reads it
        for key in REQUIRED_COLUMNS:
            if not text[key] and key not in flagged:
                err(key, _("This field is required."))
        code = text["credit_code"].upper()
        organisation = lookups.organisations.get(code) if code else None
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                err("credit_code", " ".join(error.messages))
            if code in seen:
                err("credit_code", _("This credit code appears twice in the sheet (also row %(row)d).") % {"row": seen[code]})
            seen.setdefault(code, number)
        street = None
        if text["street"]:
            street, message = lookups.street(text["street"])
            if street is None:
                err("street", message)
        if organisation is not None:
            if not _reaches(actor, organisation):
                err("credit_code", _("This credit code belongs to an organisation outside your jurisdiction."))
            elif code in lookups.registered:
                err("credit_code", _("%(name)s is already in the registry.") % {"name": organisation.name})
            elif street is not None and organisation.region_id != street.pk:
                err(
                    "street",
                    _("The registry places %(name)s on %(region)s.")
                    % {"name": organisation.name, "region": organisation.region.name},
                )
            elif not organisation.is_active:
                err("credit_code", _("%(name)s is marked inactive in the registry.") % {"name": organisation.name})
        coordinates: dict[str, Decimal | None] = {"longitude": None, "latitude": None}
        for key, bound in (("longitude", 180), ("latitude", 90)):
            if not text.get(key):
                continue
            try:
                value = _coordinate(text[key], key)
            except RestaurantError:
                value = None
            if value is None or abs(value) > bound:
                err(key, _("A number of degrees between -%(bound)d and %(bound)d.") % {"bound": bound})
            else:
                coordinates[key] = value
        if bool(text.get("longitude")) != bool(text.get("latitude")):
            err("latitude" if text.get("longitude") else "longitude", _("A location needs both its longitude and its latitude."))
        fuel = fuels.get(text["fuel"]) or fuels.get(text["fuel"].lower())
        if text["fuel"] and fuel is None:
            err("fuel", _("The kitchen fuel is one of: %(words)s.") % {"words": " / ".join(FUEL_WORDS.values())})
        on_site = 0
        if text.get("cylinders_on_site"):
            whole = _whole(values["cylinders_on_site"])
            if whole is None or whole > MAX_CYLINDERS_ON_SITE:
                err("cylinders_on_site", _("The cylinders on site are a whole number, 0 or more."))
            else:
                on_site = whole
        if fuel in (KitchenFuel.PIPED_GAS, KitchenFuel.ELECTRIC) and on_site > 0:
            err("cylinders_on_site", _("A kitchen on piped gas or electric keeps no LPG cylinders on site."))
        allowed = None
        if text.get("cylinders_allowed"):
            allowed = _whole(values["cylinders_allowed"])
            if allowed is None or not 1 <= allowed <= 50:
                err("cylinders_allowed", _("The cylinders allowed are a whole number from 1 to 50."))
        supplier = None
        if text.get("supplier"):
            supplier, message = lookups.supplier(text["supplier"])
            if supplier is None:
                err("supplier", message)
        if organisation is None and street is not None and not _creates_organisations(actor, street):
            # The core registry's rule: only the supervising authority adds an organisation.
            err("credit_code", _("This unit is not in the organisation registry yet, and only a district official may add it."))
        if not flagged:
            fields = {
                "name": text["name"], "credit_code": code, "region": street, "address": text.get("address", ""),
                "longitude": coordinates["longitude"], "latitude": coordinates["latitude"], "fuel": fuel,
                "cylinders_on_site": on_site, "cylinders_allowed": allowed, "supplier": supplier,
            }  # fmt: skip
            parsed.append(_Row(number=number, organisation=organisation, fields=fields))
    return parsed, errors


@transaction.atomic
def restaurants_import(*, actor: Any, file: IO[bytes] | bytes, region: Region | None = None) -> ImportResult:
    """Import a district's survey sheet of catering units (.xlsx, columns ``COLUMNS``), all or nothing.

    Every row is checked first (credit code GB 32100, street within the actor's jurisdiction and
    within ``region`` when given, fuel, cylinders, supplier, lengths, NUL characters; a credit code
    twice in the sheet, a restaurant already in the registry); on any error a
    :class:`RestaurantImportError` lists them all by row and column and nothing is written. Then
    each row is registered by :func:`restaurant_register`, in one transaction.
    Who: district and city officials, inspectors (PermissionDenied for anyone else, or for a
    ``region`` outside their jurisdiction)."""
    if not _regulates(actor):
        raise PermissionDenied
    if (
        region is not None
        and not is_platform(actor)
        and not allows_target(actor, Restaurant(organisation=Organisation(region=region)))
    ):
        raise PermissionDenied
    found, rows = _sheet_rows(file)
    if not rows:
        raise _file_error(_("The sheet lists no restaurant."))
    parsed, errors = _parse(actor, region, found, rows)
    if errors:
        raise RestaurantImportError(errors)
    result = ImportResult()
    for row in parsed:
        try:
            restaurant = restaurant_register(actor=actor, organisation=row.organisation, **row.fields)
        except PermissionDenied:
            errors.append(RowError(row.number, found["street"], _("You may not register a restaurant here.")))
            continue
        except ValidationError as error:
            errors.extend(RowError(row.number, "", message) for message in error.messages)
            continue
        result.restaurants.append(restaurant)
        if row.organisation is None:
            result.organisations_created += 1
        else:
            result.organisations_reused += 1
    if errors:
        raise RestaurantImportError(errors)
    return result


def _row(restaurant: Restaurant) -> list[Any]:
    organisation = restaurant.organisation
    supplier = restaurant.supplier
    return [
        organisation.name,
        organisation.credit_code or "",
        organisation.region.name,
        organisation.address,
        organisation.longitude,
        organisation.latitude,
        FUEL_WORDS[KitchenFuel(restaurant.fuel)],
        restaurant.cylinders_on_site,
        restaurant.cylinders_allowed,
        supplier.name if supplier is not None else "",
    ]


def _workbook(rows: list[list[Any]]) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    xlsx_append(sheet, [zh for _key, zh, _en in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    for letter, width in zip("ABCDEFGHIJ", (28, 22, 12, 32, 12, 12, 12, 12, 12, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook


def restaurants_export(*, user: Any, queryset: QuerySet[Restaurant] | None = None) -> bytes:
    """The restaurants ``user`` may see (of ``queryset`` when given) as the survey sheet (.xlsx):
    words, not codes; importing it into another database registers the same restaurants."""
    source = queryset if queryset is not None else Restaurant.objects.all()
    restaurants = scoped(source, user).select_related("organisation__region", "supplier").order_by("organisation__name", "id")
    return workbook_bytes(_workbook([_row(r) for r in restaurants]))


def restaurants_import_template() -> bytes:
    """An empty survey sheet to fill in, with the allowed fuel words offered in a list; its sheet
    “示例” holds one example row (the import reads the sheet “餐饮单位” only, so the example is
    never registered by mistake)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = _workbook([])
    sheet = workbook[SHEET_TITLE]
    choices = DataValidation(type="list", formula1='"' + ",".join(FUEL_WORDS.values()) + '"', allow_blank=True)
    sheet.add_data_validation(choices)
    choices.add("G2:G5001")
    example = workbook.copy_worksheet(sheet)
    example.title = EXAMPLE_SHEET_TITLE
    xlsx_append(
        example,
        [
            "常州示例餐馆",
            "92320411MA1Q8H3K04",
            "三井街道",
            "新北区示例路1号",
            119.95,
            31.78,
            "瓶装液化气",
            2,
            2,
            "常州新北液化气充装站",
        ],
    )
    return workbook_bytes(workbook)
