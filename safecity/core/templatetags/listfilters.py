"""``{% filter_form %}``: the one filter block of every list page (fields, chips, phone toggle)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms, template

from safecity.core.filtering import PickerInput, PickerMixin, active_filters, relabel_empty_choices

register = template.Library()


@register.inclusion_tag("includes/filter_block.html", takes_context=True)
def filter_form(context: dict[str, Any], filter: Any = None, form: Any = None, testid: str = "filters") -> dict[str, Any]:
    """Render a FilterSet's form (``filter``) or, without one, a plain filter form (``form``).
    Templates include ``includes/filter_form.html``, which calls this tag.

    Every select starts at "全部"; pickers show the chosen name (looked up within the user's
    reach); the chips are the filters in the URL, each with a link that drops it."""
    request = context["request"]
    # A name missing from the including template's context arrives as "" (string_if_invalid).
    filter = filter if hasattr(filter, "form") else None
    form = filter.form if filter is not None else form
    if not isinstance(form, forms.BaseForm):
        return {"form": None, "chips": [], "testid": testid, "request": request, "path": request.path}
    relabel_empty_choices(form)
    describe: dict[str, Any] = {}
    if filter is not None:
        for name, f in filter.filters.items():
            if isinstance(f, PickerMixin) and name in form.fields:
                describe[name] = partial(f.describe, user=request.user)
    for name, field in form.fields.items():
        if isinstance(field.widget, PickerInput):
            value = request.GET.get(name, "").strip()
            field.widget.value_label = describe[name](value) if value and name in describe else ""
    chips = active_filters(form, request.GET, request.user, describe)
    return {"form": form, "chips": chips, "testid": testid, "request": request, "path": request.path}
