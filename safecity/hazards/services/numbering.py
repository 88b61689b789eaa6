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


def _take(year: int, count: int) -> int:
    """Reserve ``count`` numbers of ``year`` (inside the caller's transaction); return the last one."""
    if not HazardNumberSequence.objects.filter(year=year).update(last=F("last") + count):
        try:
            with transaction.atomic():
                HazardNumberSequence.objects.create(year=year, last=_highest_given(year) + count)
        except IntegrityError:  # another report opened the year first: take the next after theirs
            HazardNumberSequence.objects.filter(year=year).update(last=F("last") + count)
    return HazardNumberSequence.objects.filter(year=year).values_list("last", flat=True).get()


def hazard_number_next(*, year: int) -> str:
    """Take the next number of ``year`` (inside the caller's transaction)."""
    return hazard_number(year, _take(year, 1))


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
    by_year: dict[int, list[HiddenHazard]] = {}
    for hazard in pending:
        by_year.setdefault(number_year(hazard.discovered_at), []).append(hazard)
    for year, hazards_of_year in sorted(by_year.items()):
        last = _take(year, len(hazards_of_year))  # one block per year, in discovery order
        for offset, hazard in enumerate(hazards_of_year):
            hazard.code = hazard_number(year, last - len(hazards_of_year) + 1 + offset)
    HiddenHazard.objects.bulk_update(pending, ["code"], batch_size=1000)
    return len(pending)
