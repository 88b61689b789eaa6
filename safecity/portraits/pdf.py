"""The PDF report of one enterprise's health portrait, in Chinese, A4, which the district hands over.

WeasyPrint is imported only here (a heavy optional dependency). Text uses the WenQuanYi Micro Hei
font (fonts-wqy-microhei) so the Chinese glyphs are embedded; charts are inline SVG computed in
Python (:mod:`safecity.portraits.charts`), since a PDF runs no JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from safecity.portraits.charts import radar_svg, trend_svg
from safecity.portraits.choices import COLOUR_HEX, COLOUR_ZH
from safecity.portraits.models import Portrait
from safecity.portraits.scoring import DIMENSION_BY_CODE, DIMENSIONS, FORCED_RED_RULES, RULES
from safecity.portraits.scoring.model import SOURCE_ZH

FONT_FAMILY = "WenQuanYi Micro Hei"


def portrait_pdf_context(*, portrait: Portrait, trend: list[dict[str, Any]], peers: dict[str, Any]) -> dict[str, Any]:
    dimensions = {d.dimension: d for d in portrait.dimensions.all()}
    axes = [
        (spec.title_zh, float(dimensions[spec.code].points), float(spec.max_points))
        for spec in DIMENSIONS
        if spec.code in dimensions
    ]
    deductions = sorted(portrait.deductions.all(), key=lambda d: ([s.code for s in DIMENSIONS].index(d.dimension), -d.points))
    return {
        "portrait": portrait,
        "font_family": FONT_FAMILY,
        "colour_zh": COLOUR_ZH[portrait.colour],
        "colour_hex": COLOUR_HEX[portrait.colour],
        "dimension_rows": [
            {"title": spec.title_zh, "max": spec.max_points, "points": dimensions[spec.code].points}
            for spec in DIMENSIONS
            if spec.code in dimensions
        ],
        "deductions": [
            {
                "dimension": DIMENSION_BY_CODE[d.dimension].title_zh if d.dimension in DIMENSION_BY_CODE else d.dimension,
                "rule": d.rule_title_zh,
                "points": d.points,
                "evidence": d.evidence_label,
                "detail": d.detail_text,
            }
            for d in deductions
        ],
        "forced": portrait.forced_reason_rows(),
        "radar_svg": radar_svg(axes, colour=COLOUR_HEX[portrait.colour]),
        "trend_svg": trend_svg([(t["year"], t["score"], t["colour"]) for t in trend]),
        "trend": trend,
        "peers": peers,
        "rules": [{"title_zh": r.title_zh, "points": r.points, "source": SOURCE_ZH.get(r.source, r.source)} for r in RULES],
        "forced_rules": FORCED_RED_RULES,
        "dimensions": DIMENSIONS,
        "generated_at": timezone.localtime(),
    }


def portrait_pdf(*, portrait: Portrait, trend: list[dict[str, Any]], peers: dict[str, Any]) -> bytes:
    """Render the report to PDF bytes (the caller has checked that the user may see the portrait)."""
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string("portraits/portrait_pdf.html", portrait_pdf_context(portrait=portrait, trend=trend, peers=peers))
    return HTML(string=html).write_pdf()
