"""Errors of the pure modules (merkle, notes, the witness) in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext

from safecity.ledger.notes import render_message


def error_message(exc: BaseException) -> str:
    """``exc``'s message translated into the active language (see :func:`notes.render_message`)."""
    return render_message(exc, gettext)
