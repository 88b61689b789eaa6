"""The experience hall's staff API (issue 17 part 2): sessions (list by dates, detail with its
bookings, create, generate a month, cancel) and bookings (list, detail, cancel, check in by the
booking code). Thin serializers over ``selectors.py`` and ``services/`` (the core error format).

Refusals: ``full`` and ``conflict`` answer 409 (checked in twice, a cancelled session, no room);
invalid input 400 with its fields; a record outside the caller's reach 404; a visible one the
caller may not change 403. The public booking flow is the pages' (``views_public.py``): it needs
the phone's code and the per-IP limit, which a page serves best.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.errors import conflict_caller
from safecity.core.api.fields import IdRelatedField
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.hall import selectors
from safecity.hall.choices import BookingState, Period
from safecity.hall.models import Booking, HallSession
from safecity.hall.services import bookings as booking_svc
from safecity.hall.services import sessions as session_svc
from safecity.hall.services.common import HallError

call = conflict_caller(HallError, {"full", "conflict"})


class HallBookingSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="booked, waiting, cancelled or attended")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    group_type = serializers.CharField(read_only=True, help_text="school, village, enterprise or community")
    group_type_display = serializers.CharField(source="get_group_type_display", read_only=True)
    session_date = serializers.DateField(source="session.date", read_only=True)
    pupils = serializers.IntegerField(read_only=True, help_text="a school class's people arrived less its guardians")

    class Meta:
        model = Booking
        fields = [
            "id", "session", "session_date", "hall", "code", "state", "state_display", "group_type", "group_type_display",
            "group_name", "people", "contact_name", "contact_phone", "booked_at", "cancelled_at", "cancel_reason",
            "checked_in_at", "arrived", "guardians", "pupils", "rating", "feedback", "feedback_at",
        ]  # fmt: skip
        read_only_fields = fields


class HallSessionSerializer(serializers.ModelSerializer):
    hall_name = serializers.CharField(source="hall.name", read_only=True)
    period = serializers.CharField(read_only=True, help_text="morning or afternoon")
    period_display = serializers.CharField(source="get_period_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text="open or cancelled")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    booked = serializers.SerializerMethodField(help_text="people booked (and visited)")
    waiting = serializers.SerializerMethodField(help_text="people on the waiting list")

    class Meta:
        model = HallSession
        fields = [
            "id", "hall", "hall_name", "date", "period", "period_display", "starts_at", "ends_at", "capacity", "guide",
            "exhibits", "state", "state_display", "cancel_reason", "booked", "waiting",
        ]  # fmt: skip
        read_only_fields = fields

    def get_booked(self, obj: HallSession) -> int:
        return int(getattr(obj, "booked", None) or 0)

    def get_waiting(self, obj: HallSession) -> int:
        return int(getattr(obj, "waiting", None) or 0)


class HallSessionDetailSerializer(HallSessionSerializer):
    bookings = serializers.SerializerMethodField()

    class Meta(HallSessionSerializer.Meta):
        fields = [*HallSessionSerializer.Meta.fields, "bookings"]
        read_only_fields = fields

    @extend_schema_field(HallBookingSerializer(many=True))
    def get_bookings(self, obj: HallSession) -> Any:
        return []  # filled by the view, from the scoped selector


class _HallInput(serializers.Serializer):
    """An input naming a hall: only an organisation the caller reaches can be named (the queryset is
    scoped per request), so an id out of reach answers the same "does not exist" as a missing one
    and its name never shows in an error."""

    hall = IdRelatedField(queryset=Organisation.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        field = self.fields["hall"]
        assert isinstance(field, IdRelatedField)
        field.queryset = scoped(Organisation, user) if user is not None else Organisation.objects.none()


class HallSessionInput(_HallInput):
    day = serializers.DateField()
    period = serializers.ChoiceField(choices=Period.choices, help_text="morning or afternoon")
    capacity = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True, default=None)
    guide = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    exhibits = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class HallGenerateInput(_HallInput):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    capacity = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True, default=None)
    guide = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    exhibits = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class HallReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class HallCheckInInput(_HallInput):
    code = serializers.CharField(max_length=12, help_text="the group's booking code")
    arrived = serializers.IntegerField(min_value=0, max_value=500, help_text="heads counted on arrival")
    guardians = serializers.IntegerField(
        min_value=0, max_value=500, required=False, allow_null=True, default=None,
        help_text="school classes: how many of the people arrived are guardians of the minors",
    )  # fmt: skip


def _staff(request: Request) -> None:
    if not selectors.is_staff(request.user):
        raise PermissionDenied


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The hall's sessions within reach with the people booked and waiting; the staff write."""

    serializer_class = HallSessionSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> Any:
        start = self.request.query_params.get("date_from") if hasattr(self.request, "query_params") else None
        end = self.request.query_params.get("date_to") if hasattr(self.request, "query_params") else None
        fields = serializers.DateField()
        try:
            start_day = fields.to_internal_value(start) if start else None
            end_day = fields.to_internal_value(end) if end else None
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"date_from": error.detail}) from None
        return selectors.session_list(user=self.request.user, start=start_day, end=end_day)

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", str, description="first day (YYYY-MM-DD)"),
            OpenApiParameter("date_to", str, description="last day (YYYY-MM-DD)"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _detail(self, request: Request, pk: int, status_code: int = 200) -> Response:
        session = selectors.session_get(user=request.user, pk=pk)
        data = dict(HallSessionSerializer(session).data)
        data["bookings"] = HallBookingSerializer(selectors.session_bookings(user=request.user, session=session), many=True).data
        return Response(data, status=status_code)

    @extend_schema(responses=HallSessionDetailSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(request, self.get_object().pk)

    @extend_schema(request=HallSessionInput, responses={201: HallSessionDetailSerializer})
    def create(self, request: Request) -> Response:
        """Open one session (a working day, a morning or an afternoon)."""
        _staff(request)
        body = HallSessionInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        session = call(session_svc.session_create, actor=request.user, **body.validated_data)
        return self._detail(request, session.pk, 201)

    @extend_schema(request=HallGenerateInput, responses={201: HallSessionSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)
    def generate(self, request: Request) -> Response:
        """A morning and an afternoon session on every working day of the month (from today on)."""
        _staff(request)
        body = HallGenerateInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        made = call(session_svc.sessions_generate_month, actor=request.user, **body.validated_data)
        rows = selectors.session_list(user=request.user).filter(pk__in=[s.pk for s in made])
        return Response(HallSessionSerializer(rows, many=True).data, status=201)

    @extend_schema(request=HallReasonInput, responses=HallSessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel the session: its bookings are cancelled and told by text message."""
        session = self.get_object()
        body = HallReasonInput(data=request.data)
        body.is_valid(raise_exception=True)
        call(session_svc.session_cancel, actor=request.user, session=session, reason=body.validated_data["reason"])
        return self._detail(request, session.pk)


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The bookings within reach; the staff cancel one or check a group in by its code."""

    serializer_class = HallBookingSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> Any:
        rows = selectors.booking_list(user=self.request.user)
        state = self.request.query_params.get("state", "") if hasattr(self.request, "query_params") else ""
        if state:
            if state not in BookingState.values:
                raise serializers.ValidationError({"state": "booked, waiting, cancelled or attended"})
            rows = rows.filter(state=state)
        return rows

    def get_object(self) -> Any:
        pk = id_or_none(self.kwargs.get("pk"))
        obj = selectors.booking_list(user=self.request.user).filter(pk=pk).first() if pk is not None else None
        if obj is None:
            raise Http404
        return obj

    @extend_schema(parameters=[OpenApiParameter("state", str, description="booked, waiting, cancelled or attended")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=HallReasonInput, responses=HallBookingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """The hall cancels the booking (with the reason, told to the group); the waiting list moves up."""
        booking = self.get_object()
        body = HallReasonInput(data=request.data)
        body.is_valid(raise_exception=True)
        call(booking_svc.booking_cancel, actor=request.user, booking=booking, reason=body.validated_data["reason"])
        return Response(HallBookingSerializer(self.get_object()).data)

    @extend_schema(request=HallCheckInInput, responses=HallBookingSerializer)
    @action(detail=False, methods=["post"], url_path="check-in", pagination_class=None)
    def check_in(self, request: Request) -> Response:
        """Check a group in by its booking code on the day: heads counted, a school class's guardians."""
        _staff(request)
        body = HallCheckInInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        booking = call(booking_svc.booking_check_in, actor=request.user, **body.validated_data)
        return Response(HallBookingSerializer(booking).data)
