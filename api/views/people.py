"""Young people and cases."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from agencies.models import Agency
from api.filters import WindowDateFilter
from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.booking import (
    BringForwardSerializer,
    VisitOptionsQuerySerializer,
    VisitOptionsSerializer,
    bring_forward_data,
    visit_options_data,
)
from api.serializers.people import (
    CaseDetailSerializer,
    CaseSerializer,
    YoungPersonBasicSerializer,
    YoungPersonSerializer,
)
from screening.booking.bring_forward import offer_for
from screening.booking.options import visit_options as options_for_case
from screening.booking.services import check_review, visit_deadline
from screening.governance.subject_access import export_filename, subject_access_export
from screening.models import Case, OrderType, YoungPerson
from screening.people.cases import case_create
from screening.people.selectors import (
    CaseStatus,
    case_list_for,
    cases_filtered,
    cases_matching,
    young_people_matching,
    young_person_list_for,
)
from screening.people.young_people import young_person_create, young_person_update

# A name search is a few words (README "Limits on input"): each word is one more filter.
SEARCH_LIMIT = 100


class YoungPersonFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label="Name words, a case reference and a date of birth in any GOV.UK form "
        "(4/1/2011, 4 January 2011, 2011-01-04), day first",
        max_length=SEARCH_LIMIT,
    )
    date_of_birth = WindowDateFilter(field_name="date_of_birth")

    class Meta:
        model = YoungPerson
        fields = ["search", "date_of_birth"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return young_people_matching(queryset, value, field=name)


ZIP = "application/zip"


class ZipRenderer(BaseRenderer):
    media_type = ZIP
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class YoungPersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "young_people"
    permission_classes = [RolePermission]
    filterset_class = YoungPersonFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[YoungPerson]:
        return young_person_list_for(user=self.request.user)

    def get_serializer_class(self) -> type:
        if getattr(self.request.user, "role", None) == Role.PRACTITIONER:
            return YoungPersonBasicSerializer
        return YoungPersonSerializer

    def perform_create(self, serializer: YoungPersonSerializer) -> None:
        serializer.instance = young_person_create(**serializer.validated_data)

    def perform_update(self, serializer: YoungPersonSerializer) -> None:
        serializer.instance = young_person_update(
            young_person=serializer.instance, **serializer.validated_data
        )

    def required_action(self, request: Request) -> str | tuple[str, str]:
        if self.action == "subject_access":
            return ("subject_access", "read")
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(responses={(200, ZIP): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path="subject-access",
        renderer_classes=[JSONRenderer, ZipRenderer],
        filterset_class=None,
        pagination_class=None,
    )
    def subject_access(self, request: Request, pk: str | None = None) -> HttpResponse:
        """Everything held about the young person (README "Subject access"): a zip of JSON
        files and a Word document; YOT managers only; the export is audited."""
        person = self.get_object()
        response = HttpResponse(
            subject_access_export(young_person=person, user=request.user), content_type=ZIP
        )
        response["Content-Disposition"] = f'attachment; filename="{export_filename(person)}"'
        response["Cache-Control"] = "private, no-store"
        return response


def _agency_choices() -> list[tuple[str, str]]:
    return list(Agency.objects.order_by("order").values_list("code", "name"))


class CaseFilter(django_filters.FilterSet):
    order_type = django_filters.ChoiceFilter(choices=OrderType.choices)
    visit_due_before = WindowDateFilter(field_name="visit_due_by", lookup_expr="lte")
    reference = django_filters.CharFilter(field_name="reference", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(
        choices=CaseStatus.choices,
        method="filter_status",
        label="Where the case is: its draft's status once findings came (findings_received "
        "for roles that do not read drafts), else its visit's",
    )
    agency = django_filters.ChoiceFilter(
        choices=_agency_choices,
        method="filter_agency",
        label="Has a session for this agency (code) in a booked or completed visit",
    )
    assessment_due_after = WindowDateFilter(field_name="assessment_due_by", lookup_expr="gte")
    assessment_due_before = WindowDateFilter(field_name="assessment_due_by", lookup_expr="lte")
    search = django_filters.CharFilter(
        method="filter_search",
        label="The young person's name words or date of birth (any GOV.UK form), or the reference",
        max_length=SEARCH_LIMIT,
    )

    class Meta:
        model = Case
        fields = [
            "order_type",
            "case_manager",
            "young_person",
            "reference",
            "visit_due_before",
            "status",
            "agency",
            "assessment_due_after",
            "assessment_due_before",
            "search",
        ]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return cases_filtered(queryset, user=self.request.user, status=value)

    def filter_agency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return cases_filtered(queryset, user=self.request.user, agency=value)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return cases_matching(queryset, value, field=name)


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "cases"
    permission_classes = [RolePermission]
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return case_list_for(user=self.request.user)

    def get_serializer_class(self):
        # Only one case's answer names its open review (an audited read), never the list's.
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def perform_create(self, serializer: CaseSerializer) -> None:
        serializer.instance = case_create(**serializer.validated_data)

    def required_action(self, request: Request) -> str | tuple[str, str]:
        if self.action == "visit_options":
            return ("visit_options", "read")
        if self.action == "bring_forward":
            return ("bring_forward", "read")
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(
        parameters=[VisitOptionsQuerySerializer], responses={200: VisitOptionsSerializer}
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="visit-options",
        filterset_class=None,
        pagination_class=None,
    )
    def visit_options(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        query = VisitOptionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        review = None
        if "review" in q:
            review = case.reviews.filter(pk=q["review"]).first()
            if review is None:
                raise ValidationError({"review": ["This review is not the case's."]})
            check_review(case=case, review=review)
        found = options_for_case(
            case=case,
            agencies=q.get("agencies"),
            durations=q.get("durations"),
            order=q["order"],
            min_gap=q.get("min_gap"),
            max_gap=q.get("max_gap"),
            not_before=q.get("not_before"),
            respect_unavailable=q["respect_unavailable"] == "true",
            count=q["count"],
            spread=q["spread"] == "true",
            deadline=visit_deadline(case=case, review=review)[0],
            venues=q.get("venues"),
        )
        return Response(visit_options_data(found))

    @extend_schema(responses={200: BringForwardSerializer})
    @action(
        detail=True,
        methods=["get"],
        url_path="bring-forward",
        filterset_class=None,
        pagination_class=None,
    )
    def bring_forward(self, request: Request, pk: str | None = None) -> Response:
        """Earlier options freed by cancellations, for a case waiting for a visit or booked
        after its deadline (empty otherwise)."""
        case = self.get_object()
        return Response(bring_forward_data(case, offer_for(case=case)))
