"""Key-project API: thin serializers and views over the same selectors and services as the UI
(core error format ``{code, message, fields}``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from safecity.core.api.fields import IdField
from safecity.core.models import Organisation, Region
from safecity.keyprojects import monthly, selectors, services
from safecity.keyprojects.choices import ProjectStatus
from safecity.keyprojects.models import KeyProject, Milestone, ProgressReport, SubSystem, YearPlan
from safecity.keyprojects.services.excel import ImportRejected
from safecity.keyprojects.services.progress import may_report
from safecity.library import selectors as library_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class KeyProjectSubSystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubSystem
        fields = ["id", "code", "name", "order", "is_overall", "is_active"]


class SubSystemCreateInput(serializers.ModelSerializer):
    """A new entry of the "1+29" list: always active (``is_active`` is changed afterwards with PATCH)."""

    class Meta:
        model = SubSystem
        fields = ["code", "name", "order", "is_overall"]

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and "is_active" in data:
            raise serializers.ValidationError(
                {"is_active": [_("A new sub-system is always active; change is_active afterwards with PATCH.")]}
            )
        return super().to_internal_value(data)


class YearPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = YearPlan
        fields = ["id", "year", "title", "as_of", "behind_points", "seriously_behind_points", "reminder_days"]


class KeyProjectMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "planned_date", "weight"]


class CooperatingDepartmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class KeyProjectSerializer(serializers.ModelSerializer):
    cooperating_departments = serializers.SerializerMethodField()
    forecast_later_than_planned = serializers.SerializerMethodField()
    sub_system_name = serializers.CharField(source="sub_system.name", read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.name", read_only=True)
    districts = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()
    expected = serializers.SerializerMethodField()
    actual = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    forecast = serializers.SerializerMethodField()

    class Meta:
        model = KeyProject
        fields = ["id", "plan", "sequence", "name", "sub_system", "sub_system_name", "lead_department", "lead_department_name", "cooperating_departments", "districts", "goal", "budget", "deliverables", "start_date", "milestones", "expected", "actual", "status", "forecast", "forecast_later_than_planned"]  # fmt: skip

    def _ev(self, obj: KeyProject) -> selectors.Evaluation:
        cache = self.context.setdefault("evaluations", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.evaluate(obj, selectors.evaluation_date(obj.plan))
        return cache[obj.pk]

    @extend_schema_field(CooperatingDepartmentSerializer(many=True))
    def get_cooperating_departments(self, obj: KeyProject) -> Any:
        return [{"id": o.pk, "name": o.name} for o in obj.cooperating()]

    def get_forecast_later_than_planned(self, obj: KeyProject) -> bool:
        """On schedule, yet forecast after the last milestone's date (information only)."""
        return self._ev(obj).forecast_late

    def get_districts(self, obj: KeyProject) -> list[str]:
        return [r.code for r in obj.districts.all()]

    def get_milestones(self, obj: KeyProject) -> list[dict[str, Any]]:
        ev = self._ev(obj)
        return [
            {
                "id": m.pk,
                "name": m.name,
                "planned_date": m.planned_date,
                "weight": m.weight,
                "completion": ev.completions.get(m.pk, 0),
            }
            for m in obj.milestones.all()
        ]

    def get_expected(self, obj: KeyProject) -> float:
        return self._ev(obj).expected

    def get_actual(self, obj: KeyProject) -> float:
        return self._ev(obj).actual

    def get_status(self, obj: KeyProject) -> str:
        return self._ev(obj).status

    def get_forecast(self, obj: KeyProject) -> Any:
        return self._ev(obj).forecast


class CitedLibraryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    code = serializers.CharField()
    kind = serializers.CharField()


class KeyProjectDetailSerializer(KeyProjectSerializer):
    """One project, with the library entries (methods, regulations, standards) it cites (read-only;
    the committee office links them through ``/api/library/entries/{id}/citations/`` with
    ``{"kind": "keyprojects.keyproject", "record": <project id>}``)."""

    library_entries = serializers.SerializerMethodField()

    class Meta(KeyProjectSerializer.Meta):
        fields = [*KeyProjectSerializer.Meta.fields, "library_entries"]

    @extend_schema_field(CitedLibraryEntrySerializer(many=True))
    def get_library_entries(self, obj: KeyProject) -> Any:
        user = self.context["request"].user
        entries = library_selectors.cited_entries(user=user, record=obj)
        return CitedLibraryEntrySerializer(entries, many=True).data


class ProgressReportSerializer(serializers.ModelSerializer):
    reporter_name = serializers.CharField(source="reporter.name", read_only=True, default="")
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "milestone", "reported_on", "completion", "note", "reason", "reporter_name", "evidence"]

    def get_evidence(self, obj: ProgressReport) -> list[dict[str, Any]]:
        return [{"id": e.pk, "name": e.filename, "content_type": e.content_type, "size": e.size} for e in obj.evidence.all()]


class ProgressReportInput(serializers.Serializer):
    milestone = IdField()
    completion = serializers.IntegerField()
    reported_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class KeyProjectImportInput(serializers.Serializer):
    file = serializers.FileField()


def _members(request: Request) -> None:
    if not selectors.sees_key_projects(request.user):
        raise PermissionDenied


class SubSystemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """The "1+29" list; the committee office adds and edits entries."""

    serializer_class = KeyProjectSubSystemSerializer

    def get_queryset(self) -> Any:
        return selectors.subsystem_list(user=self.request.user)

    @extend_schema(request=SubSystemCreateInput, responses={201: KeyProjectSubSystemSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = SubSystemCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        sub_system = services.subsystem_create(actor=request.user, **body.validated_data)
        return Response(KeyProjectSubSystemSerializer(sub_system).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.subsystem_update(
            actor=self.request.user, sub_system=self.get_object(), **serializer.validated_data
        )


MONTH = OpenApiParameter("month", int, description="1–12; the plan's latest month when left out")
FORMAT = OpenApiParameter("output", str, enum=["xlsx", "pdf"], description="file type (DRF reserves ?format=)")


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = YearPlanSerializer
    lookup_field = "year"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _members(request)

    def get_queryset(self) -> Any:
        return selectors.plan_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.plan_create(
            actor=self.request.user, year=data.pop("year"), title=data.pop("title"), **data
        )

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True)
    def summary(self, request: Request, year: int) -> Response:
        """Projects per status and per sub-system, district and lead department (as the dashboard)."""
        plan = self.get_object()
        evaluations = selectors.plan_evaluations(plan=plan, projects=selectors.project_list(user=request.user, plan=plan))
        return Response(
            {
                "year": plan.year,
                "as_of": selectors.evaluation_date(plan),
                "counts": selectors.status_counts(evaluations),
                "by_sub_system": selectors.breakdown(evaluations, "sub_system"),
                "by_lead_department": selectors.breakdown(evaluations, "lead_department"),
                "by_district": selectors.breakdown(evaluations, "district"),
            }
        )

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True)
    def export(self, request: Request, year: int) -> HttpResponse:
        plan = self.get_object()
        projects = selectors.project_list(user=request.user, plan=plan)
        response = HttpResponse(services.plan_export_workbook(projects=projects), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="keyprojects-{plan.year}.xlsx"'
        return response

    @extend_schema(
        request={"multipart/form-data": KeyProjectImportInput}, responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT}
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_sheet(self, request: Request, year: int) -> Response:
        """Import the committee's workbook: all rows or nothing; errors by sheet, row and column."""
        plan = self.get_object()
        data = KeyProjectImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            count = services.plan_import(actor=request.user, plan=plan, content=data.validated_data["file"].read())
        except ImportRejected as rejected:
            return Response(
                {
                    "code": "import_rejected",
                    "message": _("The workbook has errors: nothing was imported."),
                    "fields": {"file": [str(r) for r in rejected.rows]},
                    "errors": [r.as_dict() for r in rejected.rows],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"imported": count})

    @extend_schema(
        parameters=[MONTH, FORMAT], responses={(200, XLSX): OpenApiTypes.BINARY, (200, "application/pdf"): OpenApiTypes.BINARY}
    )
    @action(detail=True, url_path="monthly-report")
    def monthly_report(self, request: Request, year: int) -> HttpResponse:
        plan = self.get_object()
        try:
            month = monthly.report_month(plan, request.query_params.get("month"))
        except ValueError:
            raise serializers.ValidationError({"month": [_("A month is a whole number from 1 to 12.")]}) from None
        data = monthly.monthly_report(user=request.user, plan=plan, month=month)
        if request.query_params.get("output") == "pdf":
            return HttpResponse(monthly.monthly_pdf(data), content_type="application/pdf")
        return HttpResponse(monthly.monthly_xlsx(data), content_type=XLSX)


class ProjectQuery(serializers.Serializer):
    """The filters of the project list (a malformed value is a 400 naming it)."""

    plan = serializers.IntegerField(min_value=1900, max_value=2100, required=False, help_text="year")
    sub_system = IdField(required=False)
    lead_department = IdField(required=False)
    district = serializers.CharField(required=False, max_length=12, help_text="division code")
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)


class MilestoneQuery(serializers.Serializer):
    project = IdField(required=False)


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = KeyProjectSerializer

    def get_serializer_class(self) -> Any:
        return KeyProjectDetailSerializer if self.action == "retrieve" else KeyProjectSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _members(request)

    def get_queryset(self) -> Any:
        params = _query(ProjectQuery, self.request) if self.action == "list" else {}
        plan = None
        if params.get("plan"):
            plan = selectors.plan_list(user=self.request.user).filter(year=params["plan"]).first()
            if plan is None:
                return KeyProject.objects.none()
        district = Region.objects.filter(code=params["district"]).first() if params.get("district") else None
        lead = Organisation.objects.filter(pk=params["lead_department"]).first() if params.get("lead_department") else None
        sub = params.get("sub_system")
        if (params.get("district") and district is None) or (params.get("lead_department") and lead is None):
            return KeyProject.objects.none()
        return selectors.project_list(user=self.request.user, plan=plan, sub_system=sub, lead_department=lead, district=district)

    @extend_schema(parameters=[ProjectQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        projects = list(self.get_queryset())
        wanted = _query(ProjectQuery, request).get("status")
        context = self.get_serializer_context()
        if wanted:
            evaluations = {p.pk: selectors.evaluate(p, selectors.evaluation_date(p.plan)) for p in projects}
            context["evaluations"] = evaluations
            projects = [p for p in projects if evaluations[p.pk].status == wanted]
        page = self.paginate_queryset(projects)
        serializer = KeyProjectSerializer(page if page is not None else projects, many=True, context=context)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    @extend_schema(
        request={"multipart/form-data": ProgressReportInput},
        responses={201: ProgressReportSerializer, 200: ProgressReportSerializer(many=True)},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser, JSONParser], pagination_class=None)
    def reports(self, request: Request, pk: str) -> Response:
        """The project's report history (GET) or a new progress report with evidence (POST, lead department)."""
        project = self.get_object()
        if request.method == "GET":
            return Response(ProgressReportSerializer(selectors.report_list(user=request.user, project=project), many=True).data)
        if not may_report(request.user, project):
            raise PermissionDenied
        data = ProgressReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        milestone = project.milestones.filter(pk=values.pop("milestone")).first()
        if milestone is None:
            raise serializers.ValidationError({"milestone": [_("This milestone belongs to another project.")]})
        evidence = request.FILES.getlist("evidence") or values.pop("evidence", [])
        values.pop("evidence", None)
        report = services.progress_report(actor=request.user, project=project, milestone=milestone, evidence=evidence, **values)
        report = selectors.report_list(user=request.user, project=project).get(pk=report.pk)
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class MilestoneViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = KeyProjectMilestoneSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _members(request)

    @extend_schema(parameters=[MilestoneQuery])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        projects = selectors.project_list(user=self.request.user)
        project = _query(MilestoneQuery, self.request).get("project")
        if project:
            projects = projects.filter(pk=project)
        return Milestone.objects.filter(project__in=projects.values("pk")).order_by("project", "planned_date", "id")


class ReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgressReportSerializer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        _members(request)

    def get_queryset(self) -> Any:
        return selectors.report_list(user=self.request.user)
