"""Qualification documents of an expert on the expert's page: upload, replace, download. Thin: the
rules are in ``services.documents``; a refused file is shown with its reason, nothing is stored."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecity.core.scoping import scoped
from safecity.deepchecks import selectors
from safecity.deepchecks.forms import DocumentForm, DocumentReplaceForm
from safecity.deepchecks.models import ExpertDocument
from safecity.deepchecks.services.documents import document_add, document_replace, may_manage_documents


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.expert_get(user=request.user, pk=pk)
    if not may_manage_documents(request.user, expert):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("deepchecks:expert-detail", pk=pk)
    try:
        document_add(actor=request.user, expert=expert, **form.cleaned_data)
        messages.success(request, _("The qualification document was uploaded."))
    except ValidationError as error:
        _refused(request, error)
    return redirect("deepchecks:expert-detail", pk=pk)


def _document(request: HttpRequest, pk: int) -> ExpertDocument:
    return get_object_or_404(scoped(ExpertDocument, request.user).select_related("expert"), pk=pk)


@login_required
@require_POST
def document_replace_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    if not may_manage_documents(request.user, document.expert):
        raise PermissionDenied
    form = DocumentReplaceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("deepchecks:expert-detail", pk=document.expert_id)
    data = dict(form.cleaned_data)
    try:
        document_replace(actor=request.user, document=document, **data)
        messages.success(request, _("The qualification document was replaced."))
    except ValidationError as error:
        _refused(request, error)
    return redirect("deepchecks:expert-detail", pk=document.expert_id)


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The scanned document, to those who may see it (the pool's officials, the expert)."""
    document = _document(request, pk)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="qualification-{document.pk}"'
    return response
