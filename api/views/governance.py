"""The retention schedule over HTTP (YOT managers only): the dry run, the disposal lists, and
a YOT manager's approval of one. The same services as the "Records due for disposal" page."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import Conflict
from api.permissions import RolePermission
from api.serializers.governance import DisposalBatchSerializer, DueCaseSerializer
from screening.governance.disposal import (
    DisposalRefused,
    disposal_batch_confirm,
    disposal_batch_propose,
)
from screening.governance.retention import retention_due
from screening.models import DisposalBatch


class DisposalBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Lists of cases due for reduction or disposal, newest first."""

    resource = "retention"
    permission_classes = [RolePermission]
    serializer_class = DisposalBatchSerializer

    def get_queryset(self) -> QuerySet[DisposalBatch]:
        return DisposalBatch.objects.prefetch_related("items__case")

    def required_action(self, request: Request) -> str:
        return "read" if request.method == "GET" else "update"

    @extend_schema(responses={200: DueCaseSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="dry-run")
    def dry_run(self, request: Request) -> Response:
        """What is due today; changes nothing."""
        return Response(DueCaseSerializer(retention_due(), many=True).data)

    @extend_schema(request=None, responses={201: DisposalBatchSerializer, 204: None})
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        """Put today's list up for approval (204: nothing is due)."""
        batch = disposal_batch_propose(by=request.user)
        if batch is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DisposalBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DisposalBatchSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """A YOT manager's approval: carries the list out (409: no longer waiting)."""
        batch = self.get_object()
        try:
            disposal_batch_confirm(batch=batch, by=request.user)
        except DisposalRefused as error:
            raise Conflict(" ".join(error.messages)) from error
        batch.refresh_from_db()
        return Response(DisposalBatchSerializer(self.get_queryset().get(pk=batch.pk)).data)
