"""Hazard numbers: ``YH-<year>-<sequence within the year>`` (e.g. YH-2023-000123), given by the service.

Unique (a database constraint on ``HiddenHazard.code``) and concurrency-safe: the next number is
taken with one conditional ``UPDATE`` on the year's :class:`HazardNumberSequence` row, which holds
that row's lock until the reporting transaction ends; a refused report rolls its number back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from safecity.hazards.models import HazardNumberSequence, HiddenHazard, hazard_number

NUMBER_RE = re.compile(r"^YH-(\d{4})-(\d{6,})$")


def number_year(discovered_at: datetime) -> int:
    """The year a hazard is numbered in: the year of its discovery, in the city's local time."""
    return timezone.localtime(discovered_at).year


def _highest_given(year: int) -> int:
    """The highest sequence already used in ``year`` (rows numbered before the counter existed)."""
    highest = 0
    for code in HiddenHazard.objects.filter(code__startswith=f"YH-{year:04d}-").values_list("code", flat=True):
        match = NUMBER_RE.match(code or "")
        if match:
            highest = max(highest, int(match.group(2)))
    return highest


def hazard_number_next(*, year: int) -> str:
    """Take the next number of ``year`` (inside the caller's transaction)."""
    if not HazardNumberSequence.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                HazardNumberSequence.objects.create(year=year, last=_highest_given(year) + 1)
        except IntegrityError:  # another report opened the year first: take the next after theirs
            HazardNumberSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = HazardNumberSequence.objects.filter(year=year).values_list("last", flat=True).get()
    return hazard_number(year, last)


@transaction.atomic
def hazard_numbers_assign(*, hazards: Iterable[HiddenHazard] | None = None) -> int:
    """Number every hazard whose code is not yet a ``YH-<year>-<sequence>`` number, in order of
    discovery within each year, after the numbers already given (rows written in bulk, outside the
    reporting service: the demo's deep-check findings, old imports). Returns how many were numbered."""
    rows = (
        list(hazards)
        if hazards is not None
        else list(HiddenHazard.objects.order_by("discovered_at", "id").only("id", "code", "discovered_at"))
    )
    pending = sorted((h for h in rows if not NUMBER_RE.match(h.code or "")), key=lambda h: (h.discovered_at, h.pk))
    for hazard in pending:
        hazard.code = hazard_number_next(year=number_year(hazard.discovered_at))
    HiddenHazard.objects.bulk_update(pending, ["code"], batch_size=1000)
    return len(pending)
