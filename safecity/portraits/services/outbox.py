"""Rescore a portrait soon after the records behind it change: the rescore outbox.

How a change reaches the outbox (the mechanism no write path escapes): every write of an audited
model, whatever its path (``save``/``delete``, ``QuerySet.update``, ``bulk_create``,
``bulk_update``; UI, API, admin, imports, shell), is recorded by the audit trail, which calls its
``on_recorded`` listeners in the same transaction (ADR 0002). The portraits app listens
(:func:`on_recorded`): an entry of a portrait input model (:func:`portrait_inputs`: hazards and the
registry, deep-check findings and root causes, and the models of every registered fact provider,
e.g. fire inspections) marks its enterprise's portrait of this year stale with
:func:`portraits_mark_stale`. No service has to remember to call it.

Debounce: the first change creates a :class:`RescoreRequest` due ``SAFECITY_PORTRAITS_RESCORE_DEBOUNCE_SECONDS``
later; each further change pushes the due time back as long again, never beyond
``SAFECITY_PORTRAITS_RESCORE_MAX_WAIT_SECONDS`` after the first, so a busy enterprise is still
rescored. The job ``portraits.rescore_due`` (every minute, :mod:`safecity.core.scheduling`)
claims due rows with a conditional update and rescores their enterprises set-based.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.portraits.models import RescoreRequest

# A claim older than this is taken over (its worker died mid-way).
STALE_CLAIM = timedelta(minutes=15)
# Finished rows are kept this long (what was rescored when), then pruned by the job.
KEEP_DONE = timedelta(days=30)

# (app label, model name) of the records the portrait reads; fact providers add theirs.
_INPUTS: set[tuple[str, str]] = {
    ("hazards", "hiddenhazard"),
    ("hazards", "governanceplan"),
    ("hazards", "riskobject"),
    ("hazards", "riskunit"),
    ("hazards", "riskevent"),
    ("hazards", "controlmeasure"),
    ("hazards", "checktask"),
    ("hazards", "checkrecord"),
    ("deepchecks", "finding"),
    ("deepchecks", "rootcause"),
}


def register_portrait_input(app_label: str, model_name: str) -> None:
    """Say that changes of this model change the portraits of the enterprises its rows belong to."""
    _INPUTS.add((app_label, model_name.lower()))


def portrait_inputs() -> frozenset[tuple[str, str]]:
    return frozenset(_INPUTS)


def debounce() -> timedelta:
    return timedelta(seconds=getattr(settings, "SAFECITY_PORTRAITS_RESCORE_DEBOUNCE_SECONDS", 120))


def max_wait() -> timedelta:
    return timedelta(seconds=getattr(settings, "SAFECITY_PORTRAITS_RESCORE_MAX_WAIT_SECONDS", 900))


def portraits_mark_stale(*, organisation_ids: Iterable[int], year: int | None = None, now: datetime | None = None) -> int:
    """Record that the portraits of ``year`` (default: this year) of these enterprises must be
    rescored: create their pending :class:`RescoreRequest` or push its due time back (debounce).

    Safe under concurrency: two transactions creating the same enterprise's row meet the
    one-pending-row constraint and the second insert is ignored (its change is still covered, the
    row being due after both). Returns the number of enterprises marked.
    """
    ids = sorted(set(organisation_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    year = year or timezone.localdate(now).year
    due = now + debounce()
    pending = {
        row.organisation_id: row
        for row in RescoreRequest.objects.filter(organisation_id__in=ids, year=year, claimed_at__isnull=True)
    }
    for row in pending.values():
        RescoreRequest.objects.filter(pk=row.pk, claimed_at__isnull=True).update(
            due_at=min(due, row.requested_at + max_wait()), changes=F("changes") + 1
        )
    new = [
        RescoreRequest(organisation_id=org_id, year=year, requested_at=now, due_at=due) for org_id in ids if org_id not in pending
    ]
    RescoreRequest.objects.bulk_create(new, ignore_conflicts=True)
    return len(ids)


def on_recorded(entries: list[Any]) -> None:
    """Audit listener: mark stale the portraits of the enterprises whose portrait inputs were written."""
    inputs = _INPUTS
    organisation_ids: set[int] = set()
    for entry in entries:
        content_type = entry.content_type
        if (content_type.app_label, content_type.model) not in inputs:
            continue
        organisation_id = entry.organisation_id
        if organisation_id is None:
            # Models whose scope rule has no organisation (a fire inspection): read the row's own column.
            organisation_id = (entry.after or entry.before or {}).get("organisation_id")
        if isinstance(organisation_id, int):
            organisation_ids.add(organisation_id)
    if organisation_ids:
        portraits_mark_stale(organisation_ids=organisation_ids)


def _claim(now: datetime, limit: int) -> str:
    """Claim up to ``limit`` due rows (and stale claims) for this run; returns the claim token.

    The claim is one conditional UPDATE: a row is taken only if it is still unclaimed (or its claim
    is stale) when the update runs, so two workers never rescore the same row.
    """
    claimable = Q(done_at__isnull=True) & (Q(claimed_at__isnull=True, due_at__lte=now) | Q(claimed_at__lt=now - STALE_CLAIM))
    ids = list(RescoreRequest.objects.filter(claimable).order_by("due_at").values_list("pk", flat=True)[:limit])
    token = uuid.uuid4().hex
    if ids:
        RescoreRequest.objects.filter(claimable, pk__in=ids).update(claimed_at=now, claim=token)
    return token


def portraits_rescore_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Rescore the enterprises whose rescore request is due (the job ``portraits.rescore_due``).

    Claims the due rows, rescores each year's enterprises in one set-based pass
    (:func:`portraits_rescore`), marks the rows done, and prunes old finished rows. Returns the
    number of portraits written.
    """
    from safecity.portraits.services.rescore import portraits_rescore

    now = now or timezone.now()
    token = _claim(now, limit)
    rows = list(RescoreRequest.objects.filter(claim=token, done_at__isnull=True).values_list("pk", "organisation_id", "year"))
    by_year: dict[int, set[int]] = defaultdict(set)
    for _pk, organisation_id, year in rows:
        by_year[year].add(organisation_id)
    written = 0
    for year, organisation_ids in sorted(by_year.items()):
        enterprises = Organisation.objects.filter(
            pk__in=organisation_ids, kind=OrganisationKind.ENTERPRISE, is_active=True
        ).values_list("pk", flat=True)
        with transaction.atomic():
            written += portraits_rescore(year=year, organisations=list(enterprises))
    RescoreRequest.objects.filter(claim=token, done_at__isnull=True).update(done_at=timezone.now())
    RescoreRequest.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    return written
