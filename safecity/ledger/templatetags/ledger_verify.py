"""``{% ledger_verify_assets %}``: the verification script and style, once per page.

``ledger/_verify_entry.html`` is included once per entry (a cylinder's page shows one per
event); the script and style tags are emitted only by the first include of a request."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_FLAG = "_safecity_ledger_verify_assets"


@register.simple_tag(takes_context=True)
def ledger_verify_assets(context: Any) -> SafeString:
    request = context.get("request")
    if request is not None:
        if getattr(request, _FLAG, False):
            return mark_safe("")
        setattr(request, _FLAG, True)
    return format_html(
        '<link rel="stylesheet" href="{}">\n<script src="{}" defer></script>',
        static("ledger/ledger.css"),
        static("ledger/verify.js"),
    )
