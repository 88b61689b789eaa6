"""Printable QR label sheets (A4 PDF) for cylinders.

Each label shows the electronic code, serial number, medium and next inspection date; its QR code
encodes the public URL ``/cylinders/c/<code>/`` that a citizen or a station scans. The QR codes
are made with segno (PNG, 4 pixels per module) and the sheet is rendered by WeasyPrint with the
WenQuanYi Micro Hei font embedded, as the portraits' PDF (imported only here: heavy dependency).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from safecity.cylinders.models import Cylinder

FONT_FAMILY = "WenQuanYi Micro Hei"
LABEL_LIMIT = 120
QR_SCALE = 4
COLUMNS, ROWS = 3, 8  # labels of 62 x 33 mm on A4


def public_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + reverse("cylinders:public", args=[quote(code, safe="")])


def qr_for(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def label_sheet_html(*, cylinders: list[Cylinder], base_url: str) -> str:
    labels: list[dict[str, Any]] = []
    for cylinder in cylinders:
        labels.append(
            {
                "code": cylinder.code,
                "serial": cylinder.serial_number,
                "medium": cylinder.get_medium_display(),
                "next_inspection": cylinder.next_inspection_on.isoformat() if cylinder.next_inspection_on else "—",
                "owner": cylinder.owner.name,
                "qr": qr_for(public_url(base_url, cylinder.code)).png_data_uri(scale=QR_SCALE, border=4),
            }
        )
    rows = [labels[i : i + COLUMNS] for i in range(0, len(labels), COLUMNS)]
    pages = [rows[i : i + ROWS] for i in range(0, len(rows), ROWS)]
    with translation.override("zh-hans"):
        return render_to_string("cylinders/label_sheet.html", {"pages": pages, "font_family": FONT_FAMILY})


def label_sheet_pdf(*, cylinders: list[Cylinder], base_url: str) -> bytes:
    """The PDF bytes (the caller has scoped ``cylinders`` to what the user may see)."""
    from weasyprint import HTML

    return HTML(string=label_sheet_html(cylinders=cylinders, base_url=base_url)).write_pdf()  # type: ignore[no-any-return]
