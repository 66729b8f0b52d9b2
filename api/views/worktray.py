"""Admin tasks: what the YOT admins must do by hand."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.worktray import AdminTaskSerializer
from screening.models import AdminTask
from screening.worktray.selectors import admin_task_list_for
from screening.worktray.services import admin_task_done


class AdminTaskFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", label="true: open tasks; false: done ones"
    )

    class Meta:
        model = AdminTask
        fields = ["open", "kind", "case"]


class AdminTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    resource = "admin_tasks"
    permission_classes = [RolePermission]
    serializer_class = AdminTaskSerializer
    filterset_class = AdminTaskFilter

    def get_queryset(self) -> QuerySet[AdminTask]:
        return admin_task_list_for(user=self.request.user)

    def required_action(self, request: Request) -> str:
        if self.action == "done":
            return "update"
        return METHOD_ACTIONS.get(request.method, "update")

    @extend_schema(request=None, responses={200: AdminTaskSerializer})
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str | None = None) -> Response:
        task = admin_task_done(task=self.get_object(), by=request.user)
        return Response(AdminTaskSerializer(task).data)
