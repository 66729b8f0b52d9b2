"""Findings forms, findings, the assessment draft, alerts and the audit log: thin views over
screening's selectors (need to know, audit-logged reads) and services."""

from __future__ import annotations

import django_filters
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from agencies.models import Agency, FindingsForm
from api.filters import WindowIsoDateTimeFilter
from api.permissions import METHOD_ACTIONS, RolePermission
from api.serializers.assessment import (
    AlertSerializer,
    AssessmentVersionSerializer,
    AuditEntrySerializer,
    DraftEditSerializer,
    DraftSerializer,
    FindingsInputSerializer,
    FindingsQuerySerializer,
    FindingsSerializer,
    FindingsSubmitSerializer,
    FormPublishSerializer,
    FormSerializer,
    PlanActionCreateSerializer,
    PlanActionSerializer,
    PlanActionUpdateSerializer,
    ReopenSerializer,
    SignOffSerializer,
    findings_data,
)
from screening.assessment import drafts as draft_services
from screening.assessment import findings as findings_services
from screening.assessment import plans as plan_services
from screening.assessment.export import draft_document
from screening.assessment.selectors import (
    alert_list_for,
    assessment_versions_read,
    communication_needs_for_session,
    draft_case_list_for,
    draft_flags_for,
    findings_answers_visible,
    findings_read_for,
    findings_sessions_for,
    plan_actions_for,
    plan_actions_read,
    plan_case_list_for,
)
from screening.audit import audit_entries_for, audit_finding, audit_record
from screening.models import (
    Alert,
    AssessmentDraft,
    AuditEntry,
    Case,
    Finding,
    FindingStatus,
    PlanAction,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- forms -------------------------------------------------------------------------------


class AgencyFormViewSet(viewsets.GenericViewSet):
    """An agency's findings form versions; the current one is the newest."""

    resource = "findings_forms"
    permission_classes = [RolePermission]
    serializer_class = FormSerializer
    pagination_class = None
    filter_backends: list = []
    lookup_field = "version"
    lookup_value_regex = r"\d+"

    def agency(self) -> Agency:
        return get_object_or_404(Agency, code=self.kwargs["agency_code"])

    def get_queryset(self):
        return FindingsForm.objects.filter(agency=self.agency()).select_related("agency")

    @extend_schema(responses={200: FormSerializer(many=True)})
    def list(self, request: Request, agency_code: str) -> Response:
        return Response(FormSerializer(self.get_queryset(), many=True).data)

    @extend_schema(responses={200: FormSerializer})
    def retrieve(self, request: Request, agency_code: str, version: str) -> Response:
        return Response(
            FormSerializer(get_object_or_404(self.get_queryset(), version=version)).data
        )

    @extend_schema(responses={200: FormSerializer})
    @action(detail=False, methods=["get"])
    def current(self, request: Request, agency_code: str) -> Response:
        form = self.get_queryset().order_by("-version").first()
        if form is None:
            return Response({"detail": "This agency has no findings form yet.", "errors": {}}, 404)
        return Response(FormSerializer(form).data)

    @extend_schema(request=FormPublishSerializer, responses={201: FormSerializer})
    def create(self, request: Request, agency_code: str) -> Response:
        data = FormPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = findings_services.form_publish(agency=self.agency(), **data.validated_data)
        return Response(FormSerializer(form).data, status=201)


# --- findings -----------------------------------------------------------------------------


class _SessionFindingsBase(APIView):
    """What the findings endpoints share: the session in scope and the answer's shape."""

    resource = "findings"
    permission_classes = [RolePermission]

    def session(self, request: Request, pk: int):
        return get_object_or_404(findings_sessions_for(user=request.user), pk=pk)

    def respond(self, request: Request, session, finding: Finding | None) -> Response:
        versions = list(session.findings.exclude(status=FindingStatus.DRAFT).order_by("version"))
        if finding is None:
            form = findings_services.form_current(agency=session.agency)
            answers, withheld = {}, False
            due_by = findings_services.findings_due_for(session=session)
        else:
            form = finding.form
            answers, withheld = findings_answers_visible(user=request.user, finding=finding)
            due_by = finding.due_by
        data = findings_data(
            session=session,
            finding=finding,
            form=form,
            answers=answers,
            withheld=withheld,
            due_by=due_by,
            versions=versions,
            communication_needs=communication_needs_for_session(session=session),
        )
        return Response(FindingsSerializer(data).data)


class SessionFindingsView(_SessionFindingsBase):
    """A session's findings: read (need to know, audit-logged) and save the working copy.
    `?version=` reads an earlier submitted version."""

    @extend_schema(
        parameters=[FindingsQuerySerializer],
        responses={200: FindingsSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        session = self.session(request, pk)
        query = FindingsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        version = query.validated_data.get("version")
        if version is not None:
            finding = get_object_or_404(
                session.findings.exclude(status=FindingStatus.DRAFT), version=version
            )
            audit_finding(user=request.user, action=AuditEntry.Action.READ, finding=finding)
        else:
            finding = findings_read_for(user=request.user, session=session)
        return self.respond(request, session, finding)

    @extend_schema(request=FindingsInputSerializer, responses={200: FindingsSerializer})
    def put(self, request: Request, pk: int) -> Response:
        session = self.session(request, pk)
        data = FindingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = findings_services.findings_save(
            session=session, answers=data.validated_data["answers"], user=request.user
        )
        return self.respond(request, session, finding)


class SessionFindingsSubmitView(_SessionFindingsBase):
    """Submit the findings: POST only (GET and PUT answer 405; a PUT here must never start
    an amendment)."""

    def required_action(self, request: Request) -> str:
        return "create"

    @extend_schema(request=FindingsSubmitSerializer, responses={200: FindingsSerializer})
    def post(self, request: Request, pk: int) -> Response:
        session = self.session(request, pk)
        data = FindingsSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = findings_services.findings_submit(
            session=session, user=request.user, answers=data.validated_data.get("answers")
        )
        return self.respond(request, session, finding)


# --- assessment draft ---------------------------------------------------------------------


class DocxRenderer(BaseRenderer):
    media_type = DOCX
    format = "docx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class AssessmentDraftViewSet(viewsets.GenericViewSet):
    """The case's assessment draft (`/cases/{id}/assessment-draft/`)."""

    resource = "assessment_drafts"
    permission_classes = [RolePermission]
    serializer_class = DraftSerializer
    pagination_class = None
    filter_backends: list = []

    ACTIONS = {
        "submit": ("draft_submit", "create"),
        "sign_off": ("draft_sign_off", "create"),
        "reopen": ("draft_reopen", "create"),
        "document": ("assessment_drafts", "read"),
    }

    def required_action(self, request: Request):
        return self.ACTIONS.get(self.action) or METHOD_ACTIONS.get(request.method, "update")

    def case(self) -> Case:
        return get_object_or_404(draft_case_list_for(user=self.request.user), pk=self.kwargs["pk"])

    def draft(self, *, read: bool) -> AssessmentDraft:
        case = self.case()
        if read:
            return draft_services.draft_read(case=case, user=self.request.user)
        return draft_services.draft_of(case=case)

    def handle_exception(self, exc: Exception) -> Response:
        # A case gets its draft from its first submitted findings; before that there is
        # nothing to read or change (and a read never creates one).
        if isinstance(exc, draft_services.DraftNotStarted):
            return Response({"detail": str(exc), "errors": {}}, status=404)
        return super().handle_exception(exc)

    def respond(self, draft: AssessmentDraft, *, missing: list | None = None) -> Response:
        """The draft as stored now, with the missing agencies as of now (never stored by a
        read: `missing` when the read has worked them out already)."""
        draft = (
            AssessmentDraft.objects.select_related(
                "case", "layout", "signed_off_by", "submitted_by"
            )
            .prefetch_related("sections", "events__by")
            .get(pk=draft.pk)
        )
        draft.missing = (
            missing if missing is not None else draft_services.draft_missing_now(draft=draft)
        )
        # Flags as this reader may see them (never saved: this instance is for the answer).
        shown = draft_flags_for(user=self.request.user, draft=draft)
        draft.flags, draft.suggested_ratings = shown.flags, shown.suggested_ratings
        draft.flags_withheld = shown.withheld
        return Response(DraftSerializer(draft).data)

    @extend_schema(responses={200: DraftSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        draft = self.draft(read=True)
        return self.respond(draft, missing=draft.missing)

    @extend_schema(request=DraftEditSerializer, responses={200: DraftSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        draft = self.draft(read=False)
        data = DraftEditSerializer(
            data=request.data, context={"section_limit": len(draft.layout.sections)}
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        draft = draft_services.draft_edit(
            draft=draft,
            user=request.user,
            sections=values.get("sections"),
            plan=values.get("plan"),
            plan_reviewed=values.get("plan_reviewed", False),
            judgements=values.get("judgements"),
            changes_summary=values.get("changes_summary"),
        )
        return self.respond(draft)

    @extend_schema(request=None, responses={200: DraftSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self.respond(
            draft_services.draft_submit(draft=self.draft(read=False), user=request.user)
        )

    @extend_schema(request=SignOffSerializer, responses={200: DraftSerializer})
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str) -> Response:
        data = SignOffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = draft_services.draft_sign_off(
            draft=self.draft(read=False),
            user=request.user,
            changes_summary=data.validated_data.get("changes_summary"),
        )
        return self.respond(draft)

    @extend_schema(request=ReopenSerializer, responses={200: DraftSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draft = draft_services.draft_reopen(
            draft=self.draft(read=False), user=request.user, reason=data.validated_data["reason"]
        )
        return self.respond(draft)

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, DocxRenderer])
    def document(self, request: Request, pk: str) -> HttpResponse:
        draft = self.draft(read=False)
        audit_record(
            user=request.user,
            action=AuditEntry.Action.EXPORT,
            obj=draft,
            case=draft.case,
            detail="Word document",
        )
        response = HttpResponse(draft_document(draft=draft, user=request.user), content_type=DOCX)
        filename = f"assessment-draft-{draft.case.reference}.docx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- judgements over time and plan actions -----------------------------------------------


class CaseAssessmentsView(APIView):
    """`/cases/{id}/assessments/`: the signed-off versions, oldest first, with their
    judgements (how they changed over time); each read audit-logged."""

    resource = "assessment_drafts"
    permission_classes = [RolePermission]

    @extend_schema(responses={200: AssessmentVersionSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(draft_case_list_for(user=request.user), pk=pk)
        versions = assessment_versions_read(case=case, user=request.user)
        return Response(AssessmentVersionSerializer(versions, many=True).data)


def _agency_or_error(code: str | None) -> Agency | None:
    if code is None:
        return None
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise serializers.ValidationError({"owner_agency": ["No agency has this code."]})
    return agency


def _user_or_error(pk: int | None) -> User | None:
    if pk is None:
        return None
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise serializers.ValidationError({"owner": ["No active user has this id."]})
    return person


class CasePlanActionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """`/cases/{id}/plan-actions/`: the case's plan actions the user may see (a
    practitioner, their agency's; victim safety actions, the case manager and managers
    only), each read audit-logged; the case manager and managers add actions; `/{aid}/`
    PATCH records status and note (owners) or moves the due date or owner (staff)."""

    resource = "plan_actions"
    permission_classes = [RolePermission]
    serializer_class = PlanActionSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def case(self) -> Case:
        return get_object_or_404(
            plan_case_list_for(user=self.request.user), pk=self.kwargs["case_pk"]
        )

    def get_queryset(self):
        return plan_actions_for(user=self.request.user).filter(case=self.case())

    def list(self, request: Request, case_pk: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        actions = plan_actions_read(user=request.user, actions=page)
        return self.get_paginated_response(PlanActionSerializer(actions, many=True).data)

    @extend_schema(request=PlanActionCreateSerializer, responses={201: PlanActionSerializer})
    def create(self, request: Request, case_pk: str) -> Response:
        case = self.case()
        data = PlanActionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        made = plan_services.plan_action_create(
            case=case,
            user=request.user,
            action=values["action"],
            category=values["category"],
            due_date=values["due_date"],
            owner_agency=_agency_or_error(values.get("owner_agency")),
            owner=_user_or_error(values.get("owner")),
        )
        return Response(PlanActionSerializer(made).data, status=201)

    @extend_schema(request=PlanActionUpdateSerializer, responses={200: PlanActionSerializer})
    def partial_update(self, request: Request, case_pk: str, pk: str) -> Response:
        action = get_object_or_404(self.get_queryset(), pk=pk)
        data = PlanActionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "owner" in values:
            values["owner"] = _user_or_error(values["owner"])
        action = plan_services.plan_action_update(action=action, user=request.user, **values)
        action = plan_actions_for(user=request.user).filter(pk=action.pk).first() or action
        return Response(PlanActionSerializer(action).data)


class PlanActionFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(field_name="overdue_now")

    class Meta:
        model = PlanAction
        fields = ["status", "category", "case"]


class PlanActionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """`/plan-actions/`: every plan action the user may see across cases (an owner's own
    work list; `?overdue=true` for those past their due date), each read audit-logged."""

    resource = "plan_actions"
    permission_classes = [RolePermission]
    serializer_class = PlanActionSerializer
    filterset_class = PlanActionFilter

    def get_queryset(self):
        return plan_actions_for(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        actions = plan_actions_read(user=request.user, actions=page)
        return self.get_paginated_response(PlanActionSerializer(actions, many=True).data)


# --- alerts and audit ---------------------------------------------------------------------


class AlertViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own alerts (urgent findings), newest first."""

    resource = "alerts"
    permission_classes = [RolePermission]
    serializer_class = AlertSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return alert_list_for(user=self.request.user)

    def required_action(self, request: Request) -> str:
        return "update" if self.action == "read" else "read"

    @extend_schema(request=None, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        alert: Alert = get_object_or_404(self.get_queryset(), pk=pk)
        alert = draft_services.alert_mark_read(alert=alert, user=request.user)
        return Response(AlertSerializer(alert).data)


class AuditFilter(django_filters.FilterSet):
    since = WindowIsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = WindowIsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["case", "user", "action", "object_type"]


class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit log of findings and drafts, for YOT managers."""

    resource = "audit_log"
    permission_classes = [RolePermission]
    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter

    def get_queryset(self):
        return audit_entries_for(user=self.request.user)
