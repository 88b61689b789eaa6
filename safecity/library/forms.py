"""Forms of the library UI: shape only; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safecity.library.choices import LibraryKind


class LibrarySearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    kind = forms.ChoiceField(choices=[("", _("All kinds")), *LibraryKind.choices], required=False, label=_("Kind"))
