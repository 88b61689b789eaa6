"""Demo step: the 2023 selection of innovation projects (创新创优项目), 38 selected and published.

Issue 5 §5. Built through the services: the committee office opens the round with four weighted
criteria (scale 0-10), the departments' entries are submitted, seven judges (expert.wang,
judge.zhang of 市住建局 — who is never offered his own department's entries — and five judges
without accounts whose paper sheets the committee office enters) score with their own strictness,
the top 38 are selected and published, and the library holds the selected methods and the local
regulations and standards the article names; 2023 key projects (built by the key-projects step,
order 50) cite the matching entries. Historical dates (2023) are set afterwards with
audited updates, as other demo steps do for their timelines.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from safecity.core import services as core_services
from safecity.core.choices import Role
from safecity.core.demo import register_step
from safecity.core.models import Organisation, Person, Region
from safecity.hazards.models import HiddenHazard
from safecity.innovation import services
from safecity.innovation.choices import EntryState, InnovationCategory
from safecity.innovation.demo_data import CRITERIA, DRAFTS, ENTRIES, JUDGES, KEY_PROJECT_CITATIONS, LIBRARY_PROJECTS
from safecity.innovation.models import InnovationEntry, Selection, SelectionRound
from safecity.keyprojects.models import KeyProject, YearPlan
from safecity.library import services as library_services
from safecity.library.choices import LibraryKind
from safecity.library.models import LibraryEntry

YEAR, SELECT = 2023, 38
HAZARD_LINKS = {"小批量危险货物道路运输安全管理规范": "装卸"}


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _judges(rng: random.Random, admin: Any, committee: Any) -> list[tuple[Person, Any, float, float]]:
    User = get_user_model()
    city = Region.objects.get(code="320400")
    judges = []
    for name, org_name, username, base, spread in JUDGES:
        if username:
            user = User.objects.get(username=username)
            person = Person.objects.get(user=user)
        else:
            org = Organisation.objects.get(name=org_name)
            person = core_services.person_create(actor=admin, name=name, organisation=org, title="创新创优项目评审专家")
            core_services.role_assign(
                actor=admin,
                person=person,
                role=Role.EXPERT,
                organisation=org,
                jurisdiction=city,
            )
            user = committee  # no account: the committee office enters the paper sheet
        judges.append((person, user, base, spread))
    return judges


@register_step("innovation.selection_2023", order=60)
def build(rng: random.Random, admin: Any) -> None:
    User = get_user_model()
    committee = User.objects.get(username="city.admin")
    housing_officer = User.objects.get(username="dept.housing")
    departments = {o.name: o for o in Organisation.objects.filter(kind__in=["government_department", "district_bureau"])}

    round = services.round_create(
        actor=committee,
        year=YEAR,
        title="2023年度常州市安全生产创新创优项目评选",
        submission_deadline=timezone.localdate(),
        select_count=SELECT,
    )
    services.criteria_set(actor=committee, round=round, criteria=CRITERIA)
    judges = _judges(rng, admin, committee)
    assignments = [services.judge_assign(actor=committee, round=round, person=person) for person, *_rest in judges]

    quality: dict[int, float] = {}
    for department, category, title, merit in ENTRIES:
        actor = housing_officer if department == "常州市住房和城乡建设局" else committee
        entry = services.entry_create(
            actor=actor,
            round=round,
            department=departments[department],
            category=category,
            title=title,
            summary=f"{department}：{title}。申报材料包括实施方案、制度文件和应用成效说明。",
            submit=True,
        )
        quality[entry.pk] = merit
    for department, category, title in DRAFTS:
        services.entry_create(
            actor=committee, round=round, department=departments[department], category=category, title=title, summary=title
        )

    # 2023 dates: submissions in April and May, deadline 31 May (audited updates).
    start = date(YEAR, 4, 3)
    for pk in sorted(quality):
        InnovationEntry.objects.filter(pk=pk).update(
            submitted_at=_at(start + timedelta(days=rng.randint(0, 57)), rng.randint(9, 17))
        )
    SelectionRound.objects.filter(pk=round.pk).update(submission_deadline=date(YEAR, 5, 31))
    round.refresh_from_db()
    services.round_start_judging(actor=committee, round=round)

    criteria = list(round.criteria.all())
    entries = list(InnovationEntry.objects.filter(round=round, state=EntryState.SUBMITTED).select_related("department"))
    for (person, user, base, spread), assignment in zip(judges, assignments, strict=True):
        rows = []
        for entry in entries:
            if entry.department_id == person.organisation_id:
                continue  # the own-department rule: never offered, never scored
            for criterion in criteria:
                value = base + spread * (quality[entry.pk] + rng.gauss(0, 0.45))
                rows.append(services.ScoreInput(entry.pk, criterion.pk, round_to_scale(value)))
        services.scores_record(actor=user, assignment=assignment, scores=rows)

    services.selection_make(actor=committee, round=round)
    services.selection_publish(actor=committee, round=round)
    Selection.objects.filter(round=round).update(selected_at=_at(date(YEAR, 12, 20)), published_at=_at(date(YEAR, 12, 28)))

    _library(committee, round)
    _key_project_citations(committee)


def round_to_scale(value: float) -> str:
    return f"{min(10.0, max(0.0, round(value, 1))):.1f}"


def _library(committee: Any, round: SelectionRound) -> None:
    """Link the library's entries (the library step, order 7) to the projects that produced them
    and to the hidden hazards citing them; then the selected methods and practices enter the
    library, linked to their projects. Looked up by title (never by pk)."""
    by_title = {e.title: e for e in InnovationEntry.objects.filter(round=round)}
    items = {i.title: i for i in LibraryEntry.objects.filter(title__in=LIBRARY_PROJECTS).order_by("pk")}
    for title, project in LIBRARY_PROJECTS.items():
        if title not in items:
            raise LookupError(f"demo library entry missing (the library step did not run?): {title}")
        item = items[title]
        if project in by_title:
            services.library_project_link(actor=committee, item=item, entry=by_title[project])
        keyword = HAZARD_LINKS.get(title)
        if keyword:
            for hazard in HiddenHazard.objects.filter(description__contains=keyword).order_by("pk")[:5]:
                library_services.citation_add(actor=committee, library_entry=item, record=hazard)
    named = set(LIBRARY_PROJECTS.values())
    # The selected methods and practices enter the library, linked to their projects.
    for entry in InnovationEntry.objects.filter(round=round, selected=True).select_related("department").order_by("rank"):
        if entry.title in named or entry.category == InnovationCategory.INSTITUTIONAL:
            continue
        kind = LibraryKind.WORK_METHOD if entry.category == InnovationCategory.METHOD else LibraryKind.PRACTICE
        item = library_services.library_entry_create(
            actor=committee,
            kind=kind,
            title=entry.title,
            issuing_body=entry.department.name,
            summary=entry.summary,
            effective_on=date(YEAR, 12, 28),
        )
        services.library_project_link(actor=committee, item=item, entry=entry)


def _key_project_citations(committee: Any) -> None:
    """The 2023 key projects citing library entries, both looked up by name (never by pk)."""
    if not YearPlan.objects.filter(year=YEAR).exists():
        return  # the key-projects step did not run (a partial demo): nothing to cite
    names = {name for name, _title in KEY_PROJECT_CITATIONS}
    projects = {p.name: p for p in KeyProject.objects.filter(plan__year=YEAR, name__in=names).select_related("plan")}
    items = {i.title: i for i in LibraryEntry.objects.filter(title__in={t for _n, t in KEY_PROJECT_CITATIONS}).order_by("pk")}
    missing = sorted(names - set(projects)) + sorted({t for _n, t in KEY_PROJECT_CITATIONS} - set(items))
    if missing:
        raise LookupError(f"demo key-project citations name unknown records: {missing}")
    for name, title in KEY_PROJECT_CITATIONS:
        library_services.citation_add(actor=committee, library_entry=items[title], record=projects[name])
