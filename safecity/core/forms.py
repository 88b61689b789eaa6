"""Forms of the core UI: they validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safecity.core.models import Organisation, Region
from safecity.core.scoping import scoped


def show_service_errors(form: forms.BaseForm, error: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal on ``form``: each message on the field it names (``aliases`` maps
    a service's field name to the form's), the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


class OrganisationForm(forms.ModelForm):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("Region"), to_field_name="code")

    class Meta:
        model = Organisation
        fields = [
            "name", "short_name", "kind", "credit_code", "region", "parent", "industry_code",
            "address", "latitude", "longitude", "contact_phone", "is_active",
        ]  # fmt: skip
        widgets = {"parent": forms.NumberInput(attrs={"placeholder": _("id of the parent organisation")})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = scoped(Region, user).order_by("path")
        region.label_from_instance = lambda r: ("· " * r.depth) + f"{r.name} ({r.code})"  # type: ignore[method-assign,assignment]
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = scoped(Organisation, user)
        parent.widget = forms.NumberInput(attrs={"placeholder": _("id of the parent organisation")})
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_credit_code(self) -> str | None:
        value = (self.cleaned_data.get("credit_code") or "").strip().upper()
        return value or None


def form_submit(request: Any, form: forms.BaseForm, run: Any, *, success: Any, to: Any) -> Any:
    """The step every write page takes on POST: a valid form runs its one service (``run`` with the
    cleaned data); a refusal is shown on the form (:func:`show_service_errors`), a success is said
    and redirected to ``to(result)`` (``success`` is the words, or ``success(result)`` gives them).
    Returns the redirect, or None to render the form again
    (with status 400 when it has errors)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = run(form.cleaned_data)
    except ValidationError as error:
        show_service_errors(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(to(result))
