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
