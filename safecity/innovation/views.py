"""Server-rendered UI of the innovation selection. Thin: selectors read, services write, refusals
are shown as messages (nothing changed). The published list needs no login; the library is
``safecity.library`` (its former addresses here redirect there, see ``urls.py``)."""

from __future__ import annotations

from statistics import median
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safecity.core.models import Organisation, Person
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import allows_target, scoped
from safecity.innovation import forms, ranking, selectors, services
from safecity.innovation.choices import SUBMITTING_KINDS, InnovationCategory, RoundState
from safecity.innovation.models import InnovationEntry, SelectionRound


def _errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds; the committee office opens a year's round here (the same service as the API)."""
    committee = services.is_committee(request.user)
    form = forms.RoundForm(request.POST or None) if committee else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                round = services.round_create(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The selection round of %(year)s is open.") % {"year": round.year})
                return redirect("innovation:round-detail", pk=round.pk)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
        status = 400
    rounds = selectors.round_list(user=request.user)
    return render(request, "innovation/round_list.html", {"rounds": rounds, "committee": committee, "form": form}, status=status)


def _submit_departments(user: Any, round: SelectionRound) -> Any:
    """The departments the user may submit for (their own, their district's bureaus, or all)."""
    candidates = scoped(Organisation, user).filter(kind__in=SUBMITTING_KINDS).select_related("region").order_by("name")
    ids = [o.pk for o in candidates if allows_target(user, InnovationEntry(round=round, department=o))]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, pk=pk)
    committee = services.is_committee(request.user)
    entries = selectors.entry_list(
        user=request.user, round=round, category=request.GET.get("category") or None, q=request.GET.get("q") or None
    )
    context: dict[str, Any] = {
        "round": round,
        "committee": committee,
        "criteria": selectors.criteria_of(user=request.user, round=round),
        "page": page_of(request, entries),
        "querystring": querystring(request),
        "categories": InnovationCategory.choices,
        "assignment": selectors.my_assignment(user=request.user, round=round),
        "can_submit": round.state == RoundState.OPEN and _submit_departments(request.user, round).exists(),
        "selection": selectors.selection_for(user=request.user, round=round),
    }
    if committee:
        context["judges"] = selectors.judge_list(user=request.user, round=round)
        context["criteria_form"] = forms.CriteriaForm(
            initial={"criteria": "\n".join(f"{c.name} {c.weight}" for c in context["criteria"])}
        )
        context["judge_form"] = forms.JudgeForm(people=_judge_candidates(request.user, round))
    return render(request, "innovation/round_detail.html", context)


def _judge_candidates(user: Any, round: SelectionRound) -> Any:
    taken = round.judges.values("person_id")
    return (
        scoped(Person, user)
        .filter(roles__role="expert", is_active=True)
        .exclude(pk__in=taken)
        .select_related("organisation")
        .distinct()
        .order_by("name")
    )


@login_required
@require_POST
def round_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The committee's actions on a round: criteria, judges, start judging, select, undo, publish."""
    round = selectors.round_get(user=request.user, pk=pk)
    if not services.is_committee(request.user):
        raise PermissionDenied
    try:
        if step == "criteria":
            form = forms.CriteriaForm(request.POST)
            if not form.is_valid():
                raise ValidationError(" ".join(str(e) for errs in form.errors.values() for e in errs))
            services.criteria_set(actor=request.user, round=round, criteria=form.cleaned_data["criteria"])
        elif step == "judge":
            jform = forms.JudgeForm(request.POST, people=_judge_candidates(request.user, round))
            if not jform.is_valid():
                raise ValidationError(_("Choose a judge from the list."))
            services.judge_assign(actor=request.user, round=round, person=jform.cleaned_data["person"])
        elif step == "start-judging":
            services.round_start_judging(actor=request.user, round=round)
        elif step == "select":
            services.selection_make(actor=request.user, round=round)
            return redirect("innovation:ranking", pk=round.pk)
        elif step == "cancel-selection":
            services.selection_cancel(actor=request.user, round=round)
        elif step == "publish":
            services.selection_publish(actor=request.user, round=round)
            return redirect(f"{_url('innovation:published')}?year={round.year}")
        else:
            raise Http404
        messages.success(request, _("Saved."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("innovation:round-detail", pk=round.pk)


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, pk=pk)
    departments = _submit_departments(request.user, round)
    if not departments.exists():
        raise PermissionDenied
    form = forms.EntryForm(request.POST or None, request.FILES or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = _create_with_material(request, round, data)
            messages.success(request, _("The entry was saved."))
            return redirect("innovation:entry-detail", pk=entry.pk)
        except ValidationError as error:
            _errors(request, error)
    return render(request, "innovation/entry_form.html", {"round": round, "form": form})


def _create_with_material(request: HttpRequest, round: SelectionRound, data: dict[str, Any]) -> InnovationEntry:
    from django.db import transaction

    with transaction.atomic():  # a refused file leaves no half-made entry
        entry = services.entry_create(
            actor=request.user,
            round=round,
            department=data["department"],
            category=data["category"],
            title=data["title"],
            summary=data["summary"],
            submit=data["submit"],
        )
        if data.get("material"):
            services.material_add(actor=request.user, entry=entry, file=data["material"])
    return entry


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    return render(
        request,
        "innovation/entry_detail.html",
        {
            "entry": entry,
            "materials": selectors.materials_of(user=request.user, entry=entry),
            "may_change": selectors.entry_may_change(user=request.user, entry=entry),
            "material_form": forms.MaterialForm(),
            "open": entry.round.state == RoundState.OPEN,
        },
    )


@login_required
@require_POST
def entry_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    try:
        if step == "submit":
            services.entry_submit(actor=request.user, entry=entry)
        elif step == "withdraw":
            services.entry_withdraw(actor=request.user, entry=entry)
        elif step == "material":
            form = forms.MaterialForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Choose a file."))
            services.material_add(
                actor=request.user, entry=entry, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        else:
            raise Http404
        messages.success(request, _("Saved."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("innovation:entry-detail", pk=entry.pk)


@login_required
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    material = selectors.material_get(user=request.user, pk=pk)
    response = FileResponse(material.file.open("rb"), content_type=material.content_type)
    response["Content-Disposition"] = f'attachment; filename="material-{material.pk}"'
    return response


@login_required
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The judge's sheet: the entries offered (never their own department's) × the criteria."""
    round = selectors.round_get(user=request.user, pk=pk)
    assignment = None
    if request.GET.get("judge") or request.POST.get("judge"):
        judges = selectors.judge_list(user=request.user, round=round)
        assignment = judges.filter(pk=request.GET.get("judge") or request.POST.get("judge")).first()
        if assignment is None:
            raise Http404
    sheet = selectors.scoring_sheet(user=request.user, round=round, assignment=assignment)
    posted: dict[tuple[int, int], str] = {}
    if request.method == "POST":
        rows = []
        for entry in sheet.entries:
            for criterion in sheet.criteria:
                raw = request.POST.get(f"s-{entry.pk}-{criterion.pk}", "").strip()
                posted[(entry.pk, criterion.pk)] = raw
                if raw:
                    rows.append(services.ScoreInput(entry.pk, criterion.pk, raw))
        try:
            services.scores_record(actor=request.user, assignment=sheet.assignment, scores=rows)
            messages.success(request, _("%(n)d scores saved.") % {"n": len(rows)})
            suffix = f"?judge={sheet.assignment.pk}" if assignment is not None else ""
            return redirect(f"{request.path}{suffix}")
        except ValidationError as error:
            _errors(request, error)
    table = [
        (entry, [(c, posted.get((entry.pk, c.pk), sheet.values.get((entry.pk, c.pk), ""))) for c in sheet.criteria])
        for entry in sheet.entries
    ]
    return render(
        request,
        "innovation/score_sheet.html",
        {"round": round, "sheet": sheet, "table": table, "editable": round.state == RoundState.JUDGING},
    )


def _box(values: list[float]) -> list[float]:
    """min, Q1, median, Q3, max for an ECharts boxplot."""
    data = sorted(values)
    if not data:
        return [0, 0, 0, 0, 0]
    half = len(data) // 2
    lower, upper = data[:half] or data, data[-half:] if half else data
    return [round(v, 2) for v in (data[0], median(lower), median(data), median(upper), data[-1])]


@login_required
def ranking_page(request: HttpRequest, pk: int) -> HttpResponse:
    round = selectors.round_get(user=request.user, pk=pk)
    result = selectors.round_ranking(user=request.user, round=round)
    judge_ids = sorted(result.judges)
    labels = [result.judges[j].person.name for j in judge_ids]
    chart = {
        "judges": labels,
        "raw": [_box(list(result.stats[j].totals.values())) if j in result.stats else [0] * 5 for j in judge_ids],
        "z": [_box([50 + 10 * z for z in result.stats[j].z.values()]) if j in result.stats else [0] * 5 for j in judge_ids],
    }
    rows = [(r, result.entries[r.entry_id], [r.per_judge.get(j) for j in judge_ids]) for r in result.ranked]
    tie_labels = dict(TIE_LABELS)
    return render(
        request,
        "innovation/ranking.html",
        {
            "round": round,
            "result": result,
            "rows": rows,
            "judge_labels": labels,
            "chart": chart,
            "tie_labels": tie_labels,
            "tie_order": [tie_labels[k] for k in ranking.TIE_BREAKS[1:]],
            "top_name": _top_name(result.criteria),
            "selection": selectors.selection_for(user=request.user, round=round),
        },
    )


def _top_name(criteria: list[Any]) -> str:
    top = ranking.top_criterion([ranking.CriterionSpec(c.pk, c.weight) for c in criteria])
    return next((c.name for c in criteria if top is not None and c.pk == top.id), "")


TIE_LABELS = [
    ("mean_raw", gettext_lazy("higher mean weighted total")),
    ("judges", gettext_lazy("more judges")),
    ("top_criterion", gettext_lazy("higher mean on the highest-weight criterion")),
    ("submitted_at", gettext_lazy("earlier submission")),
    ("entry_id", gettext_lazy("entry number")),
]


def published(request: HttpRequest) -> HttpResponse:
    """The published lists (public): choose the year; filter by category."""
    selections = list(selectors.selection_list(user=request.user).filter(published_at__isnull=False))
    year = request.GET.get("year")
    selection = next((s for s in selections if str(s.round.year) == year), selections[0] if selections else None)
    category = request.GET.get("category") or None
    rows = selectors.selected_rows(user=request.user, selection=selection, category=category) if selection else []
    return render(
        request,
        "innovation/published.html",
        {
            "selections": selections,
            "selection": selection,
            "rows": rows,
            "categories": InnovationCategory.choices,
            "category": category or "",
            "tie_labels": dict(TIE_LABELS),
        },
    )
