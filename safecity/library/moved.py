"""The library's former addresses under ``/innovation/library/`` and ``/api/innovation/library/``,
kept working as permanent redirects to the library's own (301 for reads; 308 for writes, so a
client re-sends the same method and body). Included by the innovation app, which owned them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt


def _redirect(target: str, request: HttpRequest, extra_query: str = "") -> HttpResponse:
    query = "&".join(q for q in (extra_query, request.GET.urlencode()) if q)
    response = HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        response.status_code = 308
    return response


# A redirect changes nothing; the address it points to checks the CSRF token or the API token of
# the re-sent request itself.
@csrf_exempt
def ui_list(request: HttpRequest) -> HttpResponse:
    return _redirect(reverse("library:library"), request)


@csrf_exempt
def ui_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _redirect(reverse("library:library-detail", args=[pk]), request)


@csrf_exempt
def api_list(request: HttpRequest) -> HttpResponse:
    return _redirect(reverse("library-entry-list"), request)


@csrf_exempt
def api_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _redirect(reverse("library-entry-detail", args=[pk]), request)


@csrf_exempt
def api_hazards(request: HttpRequest, pk: int) -> HttpResponse:
    return _redirect(reverse("library-entry-citations", args=[pk]), request, "kind=hazards.hiddenhazard")


@csrf_exempt
def api_key_projects(request: HttpRequest, pk: int) -> HttpResponse:
    return _redirect(reverse("library-entry-citations", args=[pk]), request, "kind=keyprojects.keyproject")


ui_patterns = [
    path("library/", ui_list),
    path("library/<int:pk>/", ui_detail),
]

api_patterns = [
    path("library/", api_list),
    path("library/<int:pk>/", api_detail),
    path("library/<int:pk>/hazards/", api_hazards),
    path("library/<int:pk>/key-projects/", api_key_projects),
]
