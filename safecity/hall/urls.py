from __future__ import annotations

from django.urls import path, register_converter

import safecity.core.ids  # noqa: F401  (registers the <id:...> converter)
from safecity.hall import views, views_public


class TokenConverter:
    """A verification token as ``secrets.token_urlsafe`` makes it: anything else (a NUL byte, a
    slash, junk) is a 404 before a query is tried."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "hall_token")

app_name = "hall"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("sessions/new/", views.session_new, name="session-new"),
    path("sessions/generate/", views.sessions_generate, name="sessions-generate"),
    path("sessions/<id:pk>/", views.session_detail, name="session"),
    path("sessions/<id:pk>/cancel/", views.session_cancel, name="session-cancel"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<id:pk>/", views.booking_detail, name="booking"),
    path("check-in/", views.check_in, name="check-in"),
    # public, no sign-in
    path("book/", views_public.book_sessions, name="book"),
    path("book/<id:pk>/", views_public.book_details, name="book-details"),
    path("book/verify/<hall_token:token>/", views_public.book_verify, name="book-verify"),
    path("book/done/", views_public.book_done, name="book-done"),
    path("my-booking/", views_public.my_booking, name="my-booking"),
]
