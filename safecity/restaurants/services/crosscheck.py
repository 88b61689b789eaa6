# ruff: noqa: S608  (the SQL is built from the models' table and column names and placeholders only; every value is a parameter)
"""The cross-check of the gas programme against the signed cylinder ledger (issue 15 §3): what no
other system can see, because only the ledger knows where every cylinder went.

Three findings, each found by one set-based statement over the cylinder events (aggregated per
restaurant in the database; no query per restaurant or per event):

- ``delivered_after_conversion``: a restaurant whose kitchen was accepted as converted (to piped
  gas or electric) still receives cylinders, on a day after the acceptance;
- ``other_supplier``: a restaurant on bottled LPG with a contracted supplier receives cylinders from
  another filling unit (within a recent window);
- ``too_many_cylinders``: a restaurant on bottled LPG keeps more cylinders than allowed (large
  stores are high risk, domain-rules §7a).

A fourth finding does not read the ledger and runs on its own (``detector_check_run``, daily):
``no_detector``, a restaurant on bottled LPG with no active combustible-gas detector registered for
it (the Safety Production Law: catering units that use gas install combustible-gas alarms; the
Jiangsu gas regulations: a leak protection device with an automatic shut-off valve). A detector that
stops working (fault, masked, silent for a day) raises its own hazard through its alarm's policy
(``restaurants.detectors``).

Each finding is kept as one :class:`~safecity.restaurants.models.CrossCheckFlag` per (restaurant,
kind), with the ledger entries that prove it (each verifiable on the ledger's page,
:func:`ledger_entry_url`). The first time a flag is seen, a hidden hazard is raised for the
restaurant (to be confirmed like any report); later runs add evidence to the same flag and never
raise a second hazard. A flag whose hazard is still missing is the outbox of the hazard step:
claimed under a row lock, so two runs never raise two hazards for it, and a run that stopped half
way is completed by the next one.

Findings that are no longer true (the extra cylinders went back) leave their flag as it was: the
flag is the record of what was found, and its hazard follows the hazard lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from safecity.core.sql import Names
from safecity.cylinders.choices import CylinderState, EventKind, RecipientKind
from safecity.cylinders.models import Cylinder, CylinderEvent
from safecity.restaurants.choices import FlagKind, KitchenFuel
from safecity.restaurants.models import Conversion, CrossCheckFlag, Restaurant

# The ledger entries kept on a flag: the newest ones (the count keeps the true number).
INDEX_CAP = 50
# How far back a delivery from another station counts (the supply contract may have changed before).
SUPPLIER_WINDOW_DAYS = 365
# Hidden hazards raised per run at most. Raising one goes through the hazards service (its number,
# its timeline, the audit trail, the portraits' rescore: about twenty statements, 10-15 ms); the
# first run after a large import finds hundreds of flags at once, and the check should cost about
# its three statements. Flags left without a hazard are the backlog that the hourly job
# (``crosscheck_hazards_raise``, tasks.py) drains, oldest finding first; a daily run finds a few.
HAZARD_LIMIT = 20
BACKLOG_LIMIT = 200
BATCH = 500


def ledger_entry_url(index: int) -> str:
    """The ledger's public page of one entry, where anyone verifies its signature and inclusion."""
    return reverse("ledger:entry-detail", args=[index])


@dataclass
class Finding:
    """What one statement found at one restaurant: ``count`` ledger entries, the first and last of
    them, and the newest ``INDEX_CAP`` ledger indexes (newest first)."""

    restaurant_id: int
    count: int
    first_at: datetime | None
    last_at: datetime | None
    ledger_indexes: list[int] = field(default_factory=list)


@dataclass
class CrossCheckResult:
    """Per finding kind, how many flags were new, updated (new evidence) or unchanged; the hidden
    hazards raised, and the flags still waiting for theirs (beyond this run's limit)."""

    counts: dict[str, dict[str, int]]
    hazards_raised: int = 0
    hazards_pending: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts, "hazards_raised": self.hazards_raised, "hazards_pending": self.hazards_pending}


# --- the statements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sql:
    """The names and the vendor-specific pieces the statements are written with."""

    n: Names
    recipient_id: str  # the recipient organisation's id, from the signed body (an integer)
    recipient_kind: str  # the signed body's recipient kind (text)

    def addressed_to(self, organisation: str) -> str:
        """The join condition: the delivery's signed body names ``organisation`` as a restaurant
        recipient (a household never matches, whatever else its body holds). Both halves in the
        join condition: the hash join on the id, the kind checked on the rows it pairs."""
        return f"{organisation} = {self.recipient_id} AND {self.recipient_kind} = '{RecipientKind.RESTAURANT.value}'"

    @property
    def event(self) -> str:
        return self.n.table(CylinderEvent)

    def ev(self, alias: str, name: str) -> str:
        return f"{alias}.{self.n.column(CylinderEvent, name)}"

    def re(self, alias: str, name: str) -> str:
        return f"{alias}.{self.n.column(Restaurant, name)}"


def _sql() -> _Sql:
    n = Names(connection.ops.quote_name)
    data = f"e.{n.column(CylinderEvent, 'data')}"
    # The body is JSON (jsonb on PostgreSQL, text on SQLite); the two extract keys differently.
    if connection.vendor == "postgresql":
        recipient_id, kind = f"CAST(({data} ->> 'recipient_organisation_id') AS bigint)", f"({data} ->> 'recipient_kind')"
    elif connection.vendor == "sqlite":
        recipient_id = f"CAST(json_extract({data}, '$.recipient_organisation_id') AS integer)"
        kind = f"json_extract({data}, '$.recipient_kind')"
    else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
        raise NotImplementedError(f"the cross-check has no statement for {connection.vendor}")
    return _Sql(n=n, recipient_id=recipient_id, recipient_kind=kind)


def _per_restaurant(hits: str) -> str:
    """Aggregate the rows of ``hits`` (restaurant_id, occurred_at, ledger_index) per restaurant:
    count, first, last, and the newest ``INDEX_CAP`` ledger indexes as rows (window functions, which
    both databases have; ordered aggregates differ between them). ``hits`` is materialised once."""
    return f"""
        WITH hits AS ({hits}),
        counted AS (
            SELECT restaurant_id, COUNT(*) AS n, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at
            FROM hits GROUP BY restaurant_id
        ),
        ranked AS (
            SELECT restaurant_id, ledger_index,
                   ROW_NUMBER() OVER (PARTITION BY restaurant_id ORDER BY occurred_at DESC, ledger_index DESC) AS rn
            FROM hits
        )
        SELECT c.restaurant_id, c.n, c.first_at, c.last_at, k.ledger_index
        FROM counted c JOIN ranked k ON k.restaurant_id = c.restaurant_id AND k.rn <= %s
        ORDER BY c.restaurant_id, k.rn
    """


def _deliveries(s: _Sql, join: str, where: str) -> str:
    """Delivery events addressed to a restaurant of the registry, joined to it by the recipient
    organisation named in the signed body (a hash join: one pass over the events)."""
    r = s.n.table(Restaurant)
    return f"""
        SELECT r.{s.n.column(Restaurant, "id")} AS restaurant_id, {s.ev("e", "occurred_at")} AS occurred_at,
               {s.ev("e", "ledger_index")} AS ledger_index
        FROM {s.event} e
        JOIN {r} r ON {s.addressed_to(s.re("r", "organisation"))}
        {join}
        WHERE {s.ev("e", "kind")} = %s AND {where}
    """


def _after_conversion(s: _Sql) -> tuple[str, list[Any]]:
    # "A day after the acceptance" in the city's local calendar: the event's time is turned into
    # its local date (Asia/Shanghai) by the database's own conversion, then compared with the
    # acceptance date. A delivery on the acceptance day itself is not flagged (the last cylinders
    # are collected that day, or came in the morning before the acceptance).
    c = s.n.table(Conversion)
    accepted = f"c.{s.n.column(Conversion, 'accepted_on')}"
    join = f"JOIN {c} c ON c.{s.n.column(Conversion, 'restaurant')} = r.{s.n.column(Restaurant, 'id')}"
    zone = timezone.get_default_timezone_name()
    if connection.vendor == "postgresql":
        # The same test written as a range on the event's time (from the local midnight after the
        # acceptance day), looked up per converted restaurant (LATERAL) in the deliveries' (recipient,
        # time) index: the deliveries after each acceptance, not every delivery of the city. (The
        # planner, left to itself, misjudges the JSON key's spread and reads them all; OFFSET 0 keeps
        # it from flattening the lookup back into that join.)
        r, e = s.n.table(Restaurant), s.event
        hits = f"""
            SELECT r.{s.n.column(Restaurant, "id")} AS restaurant_id, e.occurred_at, e.ledger_index
            FROM {c} c JOIN {r} r ON c.{s.n.column(Conversion, "restaurant")} = r.{s.n.column(Restaurant, "id")}
            CROSS JOIN LATERAL (
                SELECT {s.ev("e", "occurred_at")} AS occurred_at, {s.ev("e", "ledger_index")} AS ledger_index
                FROM {e} e
                WHERE {s.addressed_to(s.re("r", "organisation"))} AND {s.ev("e", "kind")} = %s
                  AND {s.ev("e", "occurred_at")} >= (({accepted} + 1)::timestamp AT TIME ZONE %s)
                OFFSET 0
            ) e
            WHERE {accepted} IS NOT NULL
        """
        return _per_restaurant(hits), [EventKind.DELIVERY.value, zone]
    local_day, tz_params = connection.ops.datetime_cast_date_sql(s.ev("e", "occurred_at"), (), zone)
    where = f"{accepted} IS NOT NULL AND {local_day} > {accepted}"
    return _per_restaurant(_deliveries(s, join, where)), [EventKind.DELIVERY.value, *tz_params]


def _other_supplier(s: _Sql, since: datetime) -> tuple[str, list[Any]]:
    where = (
        f"{s.re('r', 'fuel')} = %s AND {s.re('r', 'supplier')} IS NOT NULL"
        f" AND {s.ev('e', 'organisation')} <> {s.re('r', 'supplier')} AND {s.ev('e', 'occurred_at')} >= %s"
    )
    params = [EventKind.DELIVERY.value, KitchenFuel.BOTTLED_LPG.value]
    return _per_restaurant(_deliveries(s, "", where)), [*params, connection.ops.adapt_datetimefield_value(since)]


def _too_many(s: _Sql) -> tuple[str, list[Any]]:
    """Cylinders on site by the ledger: cylinders whose latest event is a delivery to the restaurant
    (delivered, not returned). The cylinder's ``state`` and ``last_event_at`` are written in the
    same transaction as its latest event (``record_event``, the bulk import), so they find that
    event through the (cylinder, occurred_at) index without reading every event; the event itself
    (its kind, its signed recipient, no later entry at the same instant) is what is counted.

    Every restaurant on bottled LPG is a candidate: on site is the larger of the recorded figure
    and the ledger's count (the record may be stale, and the ledger does not see cylinders bought
    outside the registry), so a restaurant over the limit by its record alone is found too."""
    cy = s.n.table(Cylinder)
    cid, state, last = (f"cy.{s.n.column(Cylinder, name)}" for name in ("id", "state", "last_event_at"))
    held = f"""
        SELECT r.{s.n.column(Restaurant, "id")} AS restaurant_id, {s.ev("e", "occurred_at")} AS occurred_at,
               {s.ev("e", "ledger_index")} AS ledger_index
        FROM {cy} cy
        JOIN {s.event} e ON {s.ev("e", "cylinder")} = {cid} AND {s.ev("e", "occurred_at")} = {last}
        JOIN {s.n.table(Restaurant)} r ON {s.addressed_to(s.re("r", "organisation"))}
        WHERE {state} = %s AND {s.ev("e", "kind")} = %s AND {s.re("r", "fuel")} = %s
          AND NOT EXISTS (
              SELECT 1 FROM {s.event} later
              WHERE {s.ev("later", "cylinder")} = {cid} AND {s.ev("later", "occurred_at")} = {last}
                AND {s.ev("later", "ledger_index")} > {s.ev("e", "ledger_index")}
          )
    """
    on_site, allowed, fuel = (s.re("r", name) for name in ("cylinders_on_site", "cylinders_allowed", "fuel"))
    sql = f"""
        WITH held AS ({held}),
        counted AS (
            SELECT restaurant_id, COUNT(*) AS n, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at
            FROM held GROUP BY restaurant_id
        ),
        ranked AS (
            SELECT restaurant_id, ledger_index,
                   ROW_NUMBER() OVER (PARTITION BY restaurant_id ORDER BY occurred_at DESC, ledger_index DESC) AS rn
            FROM held
        )
        SELECT r.{s.n.column(Restaurant, "id")}, COALESCE(c.n, 0), c.first_at, c.last_at, k.ledger_index
        FROM {s.n.table(Restaurant)} r
        LEFT JOIN counted c ON c.restaurant_id = r.{s.n.column(Restaurant, "id")}
        LEFT JOIN ranked k ON k.restaurant_id = r.{s.n.column(Restaurant, "id")} AND k.rn <= %s
        WHERE {fuel} = %s AND (COALESCE(c.n, 0) > {allowed} OR {on_site} > {allowed})
        ORDER BY r.{s.n.column(Restaurant, "id")}, k.rn
    """
    params = [
        CylinderState.DELIVERED.value,
        EventKind.DELIVERY.value,
        KitchenFuel.BOTTLED_LPG.value,
    ]
    return sql, [*params, INDEX_CAP, KitchenFuel.BOTTLED_LPG.value]


def _aware(value: Any) -> datetime | None:
    """A timestamp as the database returns it to a raw cursor (aware on PostgreSQL, text in UTC on
    SQLite) as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
        assert value is not None
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _findings(sql: str, params: list[Any]) -> dict[int, Finding]:
    """Run one statement; fold its rows (at most ``INDEX_CAP`` per restaurant) into findings."""
    found: dict[int, Finding] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # The statements are answered in milliseconds to a second; PostgreSQL's JIT, set off by
            # the cost estimates of a per-restaurant lookup, would spend a quarter second compiling.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        for restaurant_id, count, first_at, last_at, index in cursor.fetchall():
            finding = found.get(restaurant_id)
            if finding is None:
                finding = found[restaurant_id] = Finding(restaurant_id, int(count), _aware(first_at), _aware(last_at))
            if index is not None:
                finding.ledger_indexes.append(int(index))
    return found


def findings_delivered_after_conversion() -> dict[int, Finding]:
    """Restaurants accepted as converted that received cylinders on a later day."""
    sql, params = _after_conversion(_sql())
    return _findings(sql, [*params, INDEX_CAP])


def findings_other_supplier(*, since: datetime) -> dict[int, Finding]:
    """Restaurants on bottled LPG supplied by a filling unit other than their contracted one since ``since``."""
    sql, params = _other_supplier(_sql(), since)
    return _findings(sql, [*params, INDEX_CAP])


def findings_too_many_cylinders() -> dict[int, Finding]:
    """Restaurants on bottled LPG with more cylinders on site (recorded or by the ledger) than allowed."""
    sql, params = _too_many(_sql())
    return _findings(sql, params)


def findings_no_detector(now: datetime) -> dict[int, Finding]:
    """Restaurants on bottled LPG without an active gas detector mounted on them (one statement)."""
    from django.contrib.contenttypes.models import ContentType

    from safecity.telemetry.choices import DeviceKind, DeviceStatus
    from safecity.telemetry.models import Device

    fitted = Device.objects.filter(
        kind=DeviceKind.GAS_DETECTOR,
        status=DeviceStatus.ACTIVE,
        mounted_type=ContentType.objects.get_for_model(Restaurant),
    ).values("mounted_id")
    missing = Restaurant.objects.filter(fuel=KitchenFuel.BOTTLED_LPG).exclude(pk__in=fitted).values_list("pk", flat=True)
    return {pk: Finding(pk, 0, now, now) for pk in missing}


# --- the flags ---------------------------------------------------------------------------------


def _restaurants(ids: Iterable[int]) -> dict[int, Restaurant]:
    """The restaurants with what the audit trail reads of a flag (name, region, organisation)."""
    wanted = sorted(ids)
    found: dict[int, Restaurant] = {}
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start : start + 2000]
        found.update((r.pk, r) for r in Restaurant.objects.filter(pk__in=chunk).select_related("organisation__region"))
    return found


def _flags_record(kind: str, findings: dict[int, Finding], now: datetime) -> dict[str, int]:
    """Create the new flags of ``kind`` and add the new evidence to the existing ones, in bulk (both
    paths are audited by the models' queryset). First seen never moves later and last seen never
    earlier, so a sliding window or a returned cylinder does not rewrite what was found."""
    existing = {
        flag.restaurant_id: flag
        for flag in CrossCheckFlag.objects.filter(kind=kind).select_related("restaurant__organisation__region")
    }
    restaurants = _restaurants(set(findings) - set(existing))
    new: list[CrossCheckFlag] = []
    changed: list[CrossCheckFlag] = []
    unchanged = 0
    for restaurant_id, finding in findings.items():
        flag = existing.get(restaurant_id)
        if flag is None:
            new.append(
                CrossCheckFlag(
                    restaurant=restaurants[restaurant_id],
                    kind=kind,
                    first_at=finding.first_at or now,
                    last_at=finding.last_at or now,
                    count=finding.count,
                    ledger_indexes=finding.ledger_indexes,
                )
            )
            continue
        first_at = min(flag.first_at, finding.first_at) if finding.first_at else flag.first_at
        last_at = max(flag.last_at, finding.last_at) if finding.last_at else flag.last_at
        if (first_at, last_at, finding.count, finding.ledger_indexes) == (
            flag.first_at,
            flag.last_at,
            flag.count,
            flag.ledger_indexes,
        ):
            unchanged += 1
            continue
        flag.first_at, flag.last_at, flag.count, flag.ledger_indexes = first_at, last_at, finding.count, finding.ledger_indexes
        flag.updated_at = now
        changed.append(flag)
    CrossCheckFlag.objects.bulk_create(new, batch_size=BATCH)
    CrossCheckFlag.objects.bulk_update(
        changed, ["first_at", "last_at", "count", "ledger_indexes", "updated_at"], batch_size=BATCH
    )
    return {"new": len(new), "updated": len(changed), "unchanged": unchanged}


# --- the hidden hazards --------------------------------------------------------------------------


def _day(at: datetime) -> str:
    return timezone.localtime(at).date().isoformat()


def hazard_description(flag: CrossCheckFlag) -> str:
    """What the hazard says, in plain words with the figures (in the active language)."""
    restaurant = flag.restaurant
    figures = {
        "restaurant": restaurant.organisation.name,
        "count": flag.count,
        "first": _day(flag.first_at),
        "last": _day(flag.last_at),
    }
    if flag.kind == FlagKind.DELIVERED_AFTER_CONVERSION:
        conversion = getattr(restaurant, "conversion", None)
        accepted = conversion.accepted_on.isoformat() if conversion and conversion.accepted_on else "?"
        return _(
            "%(restaurant)s: its kitchen was accepted as converted on %(accepted)s, yet the cylinder ledger records"
            " %(count)d cylinder deliveries to it after that day, from %(first)s to %(last)s."
        ) % {**figures, "accepted": accepted}
    if flag.kind == FlagKind.OTHER_SUPPLIER:
        supplier = restaurant.supplier.name if restaurant.supplier else "?"
        return _(
            "%(restaurant)s: the cylinder ledger records %(count)d cylinder deliveries from filling units other than"
            " its contracted supplier %(supplier)s, from %(first)s to %(last)s."
        ) % {**figures, "supplier": supplier}
    if flag.kind == FlagKind.NO_DETECTOR:
        return (
            _(
                "%(restaurant)s cooks with bottled LPG but has no combustible-gas detector with an automatic shut-off"
                " valve registered on the platform (found on %(first)s)."
            )
            % figures
        )
    on_site = max(flag.count, restaurant.cylinders_on_site)
    text = _(
        "%(restaurant)s: %(on_site)d LPG cylinders on site, %(allowed)d allowed (recorded on site: %(recorded)d;"
        " delivered and not returned by the cylinder ledger: %(count)d)."
    ) % {**figures, "on_site": on_site, "allowed": restaurant.cylinders_allowed, "recorded": restaurant.cylinders_on_site}
    if flag.ledger_indexes:
        text += " " + _("Delivered from %(first)s to %(last)s.") % figures
    return text


def hazard_comment(flag: CrossCheckFlag, *, limit: int = 500) -> str:
    """The timeline comment: what raised the hazard and the ledger entries that prove it (newest
    first, as many as fit), with the page where anyone verifies one."""
    indexes = list(flag.ledger_indexes)
    if flag.kind == FlagKind.NO_DETECTOR:
        return _("Raised by the platform's daily check of the restaurants' gas detectors.")
    if not indexes:
        return _("Raised by the cross-check against the signed cylinder ledger: %(finding)s (by the recorded figures).") % {
            "finding": flag.get_kind_display()
        }
    for shown in range(len(indexes), 0, -1):
        more = flag.count - shown
        text = _(
            "Raised by the cross-check against the signed cylinder ledger: %(finding)s. Ledger entries, newest first:"
            " %(indexes)s%(more)s. Verify each on the ledger, e.g. %(url)s"
        ) % {
            "finding": flag.get_kind_display(),
            "indexes": ", ".join(str(i) for i in indexes[:shown]),
            "more": (" " + _("and %(n)d more") % {"n": more}) if more > 0 else "",
            "url": ledger_entry_url(indexes[0]),
        }
        if len(text) <= limit:
            return text
    return text[:limit]


def _hazard_raise(flag_id: int, now: datetime) -> bool:
    """Raise the hidden hazard of one flag, unless another run did (the flag row is locked)."""
    from safecity.hazards.choices import HazardSource, HazardType
    from safecity.hazards.services import hazard_report_by_platform

    with transaction.atomic():
        flag = (
            CrossCheckFlag.objects.select_for_update(of=("self",))
            .select_related("restaurant__organisation__region", "restaurant__supplier", "restaurant__conversion")
            .filter(pk=flag_id, hazard__isnull=True)
            .first()
        )
        if flag is None:
            return False
        # Stored in the platform's language (a hazard is read by the enterprise and the district),
        # whoever's request happened to run the check.
        with translation.override(settings.LANGUAGE_CODE):
            description, comment = hazard_description(flag), hazard_comment(flag)
        flag.hazard = hazard_report_by_platform(
            organisation=flag.restaurant.organisation,
            description=description,
            # Safety management: each finding is a lapse in how the kitchen's gas is managed (a
            # converted kitchen still buying cylinders, cylinders outside the supply contract, a
            # store above the allowed number), found in records, not a defect of equipment seen
            # on site. Source "other": none of the check kinds of the national list is a
            # comparison of records (the monitoring platform's hazards use it too).
            hazard_type=HazardType.EQUIPMENT if flag.kind == FlagKind.NO_DETECTOR else HazardType.SAFETY,
            source=HazardSource.OTHER,
            discovered_at=now,
            comment=comment,
        )
        flag.save(update_fields=["hazard", "updated_at"])
    return True


def crosscheck_hazards_raise(*, limit: int = BACKLOG_LIMIT, now: datetime | None = None) -> tuple[int, int]:
    """Raise the hidden hazards of flags that have none yet (new ones, or the backlog a run left
    beyond its limit), oldest finding first, at most ``limit``; each in its own transaction with the
    flag locked, so two workers never raise two for one flag. Returns (raised, still waiting).

    Who: the platform itself (the cross-check and its hourly job)."""
    now = now or timezone.now()
    waiting = list(CrossCheckFlag.objects.filter(hazard__isnull=True).order_by("first_at", "id").values_list("id", flat=True))
    raised = sum(1 for flag_id in waiting[:limit] if _hazard_raise(flag_id, now))
    return raised, len(waiting) - min(len(waiting), limit)


# --- the run -------------------------------------------------------------------------------------


def crosscheck_run(
    *, now: datetime | None = None, window_days: int = SUPPLIER_WINDOW_DAYS, hazard_limit: int = HAZARD_LIMIT
) -> CrossCheckResult:
    """Cross-check every restaurant against the cylinder ledger; record the flags and raise the
    hidden hazards of new ones (issue 15 §3).

    Who: the platform itself (the scheduled job; no user, so no scope: it reads every restaurant
    and writes through the audited models). ``window_days``: how far back deliveries from another
    station count. ``hazard_limit``: hidden hazards raised in this run at most (the rest by the hourly
    job or the next run, oldest finding first). Each kind is found and recorded in its own transaction.
    """
    now = now or timezone.now()
    finders: dict[str, Callable[[], dict[int, Finding]]] = {
        FlagKind.DELIVERED_AFTER_CONVERSION: findings_delivered_after_conversion,
        FlagKind.OTHER_SUPPLIER: lambda: findings_other_supplier(since=now - timedelta(days=window_days)),
        FlagKind.TOO_MANY_CYLINDERS: findings_too_many_cylinders,
    }
    counts: dict[str, dict[str, int]] = {}
    for kind, find in finders.items():
        with transaction.atomic():
            counts[str(kind)] = _flags_record(kind, find(), now)
    raised, pending = crosscheck_hazards_raise(limit=hazard_limit, now=now)
    return CrossCheckResult(counts=counts, hazards_raised=raised, hazards_pending=pending)


def detector_check_run(*, now: datetime | None = None, hazard_limit: int = HAZARD_LIMIT) -> CrossCheckResult:
    """Flag the restaurants on bottled LPG without an active gas detector and raise the hidden
    hazards of new flags (issue 15 §4: "a restaurant on cylinders without a working detector is a
    hidden hazard"). Who: the platform itself (the daily job)."""
    now = now or timezone.now()
    with transaction.atomic():
        counts = {str(FlagKind.NO_DETECTOR): _flags_record(FlagKind.NO_DETECTOR, findings_no_detector(now), now)}
    raised, pending = crosscheck_hazards_raise(limit=hazard_limit, now=now)
    return CrossCheckResult(counts=counts, hazards_raised=raised, hazards_pending=pending)
