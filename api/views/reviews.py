"""`/cases/{id}/new-information/` and `/cases/{id}/reviews/`: thin views over
screening/assessment/reviews.py (writes) and review_selectors.py (scoped, audited reads)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import RolePermission
from api.serializers.reviews import (
    NewInformationInputSerializer,
    NewInformationSerializer,
    ReviewLateReasonSerializer,
    ReviewSerializer,
)
from screening.assessment import reviews as review_services
from screening.assessment.review_selectors import (
    new_information_case_list_for,
    new_information_for,
    new_information_read,
    review_case_list_for,
    reviews_for,
    reviews_read,
)
from screening.models import Case


class CaseNewInformationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The case's significant new information, newest received first (a practitioner reads
    what they recorded), each read audit-logged; recording it opens or joins the case's
    review and, for kinds that touch risk, alerts the case manager and managers today."""

    resource = "new_information"
    permission_classes = [RolePermission]
    serializer_class = NewInformationSerializer
    filter_backends: list = []

    def case(self) -> Case:
        cases = new_information_case_list_for(user=self.request.user)
        return get_object_or_404(cases, pk=self.kwargs["case_pk"])

    def get_queryset(self):
        return new_information_for(user=self.request.user, case=self.case())

    def list(self, request: Request, case_pk: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        items = new_information_read(user=request.user, items=page)
        return self.get_paginated_response(NewInformationSerializer(items, many=True).data)

    @extend_schema(request=NewInformationInputSerializer, responses={201: NewInformationSerializer})
    def create(self, request: Request, case_pk: str) -> Response:
        case = self.case()
        data = NewInformationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = review_services.new_information_record(
            case=case, user=request.user, **data.validated_data
        )
        return Response(NewInformationSerializer(item).data, status=201)


class CaseReviewViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The case's reviews, the open one first, each read audit-logged; POST starts a review
    now (the open one, or a new requested one) from the last signed-off assessment."""

    resource = "reviews"
    permission_classes = [RolePermission]
    serializer_class = ReviewSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def case(self) -> Case:
        return get_object_or_404(
            review_case_list_for(user=self.request.user), pk=self.kwargs["case_pk"]
        )

    def get_queryset(self):
        return reviews_for(case=self.case())

    def list(self, request: Request, case_pk: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        reviews = reviews_read(user=request.user, reviews=page)
        return self.get_paginated_response(ReviewSerializer(reviews, many=True).data)

    @extend_schema(request=None, responses={201: ReviewSerializer})
    def create(self, request: Request, case_pk: str) -> Response:
        case = self.case()
        if request.data:
            return Response(
                {
                    "detail": "Starting a review takes no fields.",
                    "errors": {name: ["Unknown field."] for name in request.data},
                },
                status=400,
            )
        review = review_services.review_start(case=case, user=request.user)
        review = reviews_for(case=case).get(pk=review.pk)
        return Response(ReviewSerializer(review).data, status=201)

    @extend_schema(request=ReviewLateReasonSerializer, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"], url_path="late-reason")
    def late_reason(self, request: Request, case_pk: str, pk: str | None = None) -> Response:
        """Why a review signed off after its due date (or open past it) is late, for the
        timeliness report; 400 naming `late_reason` for a review that is not late."""
        review = get_object_or_404(self.get_queryset(), pk=pk)
        data = ReviewLateReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review_services.review_late_reason_record(
            review=review, late_reason=data.validated_data["late_reason"], user=request.user
        )
        review = reviews_for(case=review.case).get(pk=review.pk)
        return Response(ReviewSerializer(review).data)
