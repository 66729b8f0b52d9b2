"""Management oversight over the API: a case's oversight notes (audited reads and writes)
and `/oversight/`, the lists of what needs a YOT manager."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import Pagination
from api.permissions import RolePermission
from api.serializers.oversight import OversightNoteInputSerializer, OversightNoteSerializer
from screening.oversight.selectors import (
    oversight_for,
    oversight_note_case_list_for,
    oversight_notes_of,
    oversight_notes_read,
)
from screening.oversight.services import oversight_note_add

# Rows given per list; `counts` says how many each list holds in all.
OVERSIGHT_API_LIMIT = 200


class CaseOversightNotesView(APIView):
    """`/cases/{id}/oversight-notes/`: GET the case's management oversight notes, newest
    first (YOT managers; the case's own case manager), each read audit-logged; POST adds one
    (YOT managers). Notes are never changed or removed."""

    resource = "oversight_notes"
    permission_classes = [RolePermission]

    def case(self, request: Request, pk: int):
        return get_object_or_404(oversight_note_case_list_for(user=request.user), pk=pk)

    @extend_schema(responses={200: OversightNoteSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        case = self.case(request, pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(oversight_notes_of(case=case), request, view=self)
        notes = oversight_notes_read(user=request.user, case=case, notes=page)
        return paginator.get_paginated_response(OversightNoteSerializer(notes, many=True).data)

    @extend_schema(request=OversightNoteInputSerializer, responses={201: OversightNoteSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = self.case(request, pk)
        data = OversightNoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = oversight_note_add(case=case, user=request.user, text=data.validated_data["text"])
        return Response(OversightNoteSerializer(note).data, status=201)


class OversightView(APIView):
    """`/oversight/`: what needs a YOT manager, one list per key (each row `{case,
    reference, initials, due_by, days_overdue, ...}`, most pressing first), with `counts`
    (each list's whole length; at most 200 rows are given per list). YOT managers only."""

    resource = "oversight"
    permission_classes = [RolePermission]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        sections = oversight_for(user=request.user, limit=OVERSIGHT_API_LIMIT)
        body: dict = {s.list.key: [row.as_data() for row in s.listed.rows] for s in sections}
        body["counts"] = {s.list.key: s.listed.count for s in sections}
        return Response(body)
