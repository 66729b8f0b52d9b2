"""Young people and cases."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from api.filters import WindowDateFilter
from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.booking import (
    VisitOptionsQuerySerializer,
    VisitOptionsSerializer,
    visit_options_data,
)
from api.serializers.people import CaseSerializer, YoungPersonBasicSerializer, YoungPersonSerializer
from screening.booking.options import visit_options as options_for_case
from screening.models import Case, OrderType, YoungPerson
from screening.people.cases import case_create
from screening.people.selectors import case_list_for, young_person_list_for
from screening.people.young_people import young_person_create, young_person_update

# A name search is a few words (README "Limits on input"): each word is one more filter.
SEARCH_LIMIT = 100


class YoungPersonFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label="Name contains", max_length=SEARCH_LIMIT
    )

    class Meta:
        model = YoungPerson
        fields = ["search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(given_name__icontains=word) | Q(family_name__icontains=word)
            )
        return queryset


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


class CaseFilter(django_filters.FilterSet):
    order_type = django_filters.ChoiceFilter(choices=OrderType.choices)
    visit_due_before = WindowDateFilter(field_name="visit_due_by", lookup_expr="lte")
    reference = django_filters.CharFilter(field_name="reference", lookup_expr="iexact")

    class Meta:
        model = Case
        fields = ["order_type", "case_manager", "young_person", "reference", "visit_due_before"]


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

    def perform_create(self, serializer: CaseSerializer) -> None:
        serializer.instance = case_create(**serializer.validated_data)

    def required_action(self, request: Request) -> str | tuple[str, str]:
        if self.action == "visit_options":
            return ("visit_options", "read")
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
        )
        return Response(visit_options_data(found))
