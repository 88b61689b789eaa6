"""The plant map with live positions (polled as JSON) and a truck's route playback of one day.

Thin: the forklift selectors decide who sees the plant or truck (404 outside one's reach, 403 for
those who do not see the platform), ``selectors_map`` reads positions, routes and alarms. The pages
carry their data in ``json_script`` blocks and load their code from /static/ (strict CSP)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecity.forklifts import selectors, selectors_map
from safecity.forklifts.views import guard


def _words() -> dict[str, str]:
    """The words the map scripts show (the scripts hold no text of their own)."""
    return {
        "limit": _("limit"),
        "no_entry": _("no entry"),
        "speed": _("Speed"),
        "belt": _("Seat belt"),
        "fastened": _("fastened"),
        "unfastened": _("unfastened"),
        "last_seen": _("Last seen"),
        "offline": _("offline"),
        "no_position": _("No position yet"),
        "no_device": _("No monitoring device"),
        "track": _("Route playback"),
        "alarms": _("Alarms"),
        "none": _("None"),
        "play": _("Play"),
        "pause": _("Pause"),
        "updated": _("Positions as of"),
        "update_failed": _("Could not update the positions; retrying."),
    }


@guard(selectors.sees_forklifts)
def plant_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The plant's site plan with its zones and every truck at its last known position, refreshed
    every few seconds from :func:`plant_positions`."""
    plant = selectors.plant_get(user=request.user, pk=pk)
    positions = selectors_map.plant_positions(user=request.user, plant=plant)
    return render(
        request,
        "forklifts/plant_map.html",
        {
            "plant": plant,
            "map_data": {
                **selectors.plant_map(plant=plant),
                "plan": reverse("forklifts:plant-plan", args=[plant.pk]) if plant.site_plan else "",
                "positions_url": reverse("forklifts:plant-positions", args=[plant.pk]),
                "positions": positions,
                "words": _words(),
            },
            "positions": positions,
        },
    )


@guard(selectors.sees_forklifts)
def plant_positions(request: HttpRequest, pk: int) -> JsonResponse:
    """The plant's trucks now: position, speed, seat belt, last seen, firing alarms in words."""
    plant = selectors.plant_get(user=request.user, pk=pk)
    response = JsonResponse(
        selectors_map.plant_positions(user=request.user, plant=plant), json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response


@guard(selectors.sees_forklifts)
def forklift_track(request: HttpRequest, pk: int) -> HttpResponse:
    """A truck's route over one day (``?day=YYYY-MM-DD``, default today) on its plant's map, with a
    slider to play it back and the day's alarms where they fired."""
    truck = selectors.forklift_get(user=request.user, pk=pk)
    day = selectors_map.parse_day(request.GET.get("day"))
    track = selectors_map.forklift_track(user=request.user, forklift=truck, day=day)
    return render(
        request,
        "forklifts/forklift_track.html",
        {
            "truck": truck,
            "day": day,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "track": track,
            "limit": selectors_map.TRACK_LIMIT,
            "track_data": {
                **selectors.plant_map(plant=truck.plant),
                "plan": reverse("forklifts:plant-plan", args=[truck.plant_id]) if truck.plant.site_plan else "",
                "points": track.points,
                "alarms": track.alarms,
                "utc_offset_ms": selectors_map.utc_offset_ms(day),
                "words": _words(),
            },
        },
    )
