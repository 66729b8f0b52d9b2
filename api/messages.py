"""Text messages over HTTP: a case's texts and replies, templates, admin tasks, and the
Twilio webhooks (signature checked against PUBLIC_BASE_URL + path)."""

from __future__ import annotations

import logging

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from twilio.request_validator import RequestValidator

from api.fields import ModelSerializer, StrictBooleanField, StrictCharField
from api.permissions import METHOD_ACTIONS, RolePermission
from screening.messaging.replies import inbound_record, message_status_record
from screening.messaging.selectors import message_list_for, reply_list_for
from screening.messaging.templates import message_template_save
from screening.messaging.text import check_template
from screening.models import AdminTask, InboundMessage, Message, MessageTemplate
from screening.people.selectors import case_list_for
from screening.phone import mask_mobile
from screening.worktray.selectors import admin_task_list_for
from screening.worktray.services import admin_task_done

logger = logging.getLogger(__name__)

# --- serializers -----------------------------------------------------------------------------


class MessageSerializer(ModelSerializer):
    to = serializers.SerializerMethodField(help_text="The number, masked but for its last digits.")
    visit = serializers.IntegerField(source="visit_id", read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "visit",
            "visit_version",
            "purpose",
            "recipient",
            "to",
            "send_at",
            "status",
            "body",
            "language",
            "easy_read",
            "attempts",
            "sent_at",
            "last_error",
        ]
        read_only_fields = fields

    def get_to(self, message: Message) -> str:
        return mask_mobile(message.to)


class ReplySerializer(ModelSerializer):
    from_number = serializers.SerializerMethodField()
    visit = serializers.IntegerField(source="visit_id", read_only=True, allow_null=True)

    class Meta:
        model = InboundMessage
        fields = ["id", "visit", "from_number", "body", "kind", "received_at"]
        read_only_fields = fields

    def get_from_number(self, reply: InboundMessage) -> str:
        return mask_mobile(reply.from_number)


class MessageTemplateSerializer(ModelSerializer):
    body = StrictCharField(max_length=1000)
    easy_read = StrictBooleanField(required=False, default=False)
    encoding = serializers.SerializerMethodField()
    segments = serializers.SerializerMethodField()
    length_warning = serializers.SerializerMethodField()

    class Meta:
        model = MessageTemplate
        fields = [
            "id",
            "purpose",
            "language",
            "easy_read",
            "body",
            "encoding",
            "segments",
            "length_warning",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators: list = []  # a duplicate variant is answered in perform_create

    def _length(self, template: MessageTemplate):
        return check_template(purpose=template.purpose, body=template.body)

    def get_encoding(self, template: MessageTemplate) -> str:
        return self._length(template).encoding

    def get_segments(self, template: MessageTemplate) -> int:
        return self._length(template).segments

    def get_length_warning(self, template: MessageTemplate) -> str:
        return self._length(template).warning

    def validate(self, attrs: dict) -> dict:
        instance = self.instance
        if instance is not None:
            for name in ("purpose", "language", "easy_read"):
                if name in attrs and attrs[name] != getattr(instance, name):
                    raise serializers.ValidationError(
                        {name: ["Create a new template for another variant."]}
                    )
        return attrs


class AdminTaskSerializer(ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True, default=None)
    done_by = serializers.IntegerField(source="done_by_id", read_only=True, allow_null=True)

    class Meta:
        model = AdminTask
        fields = [
            "id",
            "kind",
            "case",
            "case_reference",
            "visit",
            "message",
            "text",
            "created_at",
            "done_at",
            "done_by",
        ]
        read_only_fields = fields


class AdminTaskFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", label="true: open tasks; false: done ones"
    )

    class Meta:
        model = AdminTask
        fields = ["open", "kind", "case"]


# --- a case's texts and replies --------------------------------------------------------------


class CaseChildListView(ListAPIView):
    """GET lists under /cases/{id}/: the case is looked up in the user's scope (404)."""

    resource = "messages"
    permission_classes = [RolePermission]
    filter_backends: list = []

    def case(self):
        return get_object_or_404(case_list_for(user=self.request.user), pk=self.kwargs["pk"])


class CaseMessagesView(CaseChildListView):
    """Texts about a case's visits: purpose, masked number, when, status, wording."""

    serializer_class = MessageSerializer

    def get_queryset(self) -> QuerySet[Message]:
        return message_list_for(user=self.request.user, case=self.case())


class CaseRepliesView(CaseChildListView):
    """Replies received about a case's visits, newest first."""

    serializer_class = ReplySerializer

    def get_queryset(self) -> QuerySet[InboundMessage]:
        return reply_list_for(user=self.request.user, case=self.case())


# --- templates and tasks ---------------------------------------------------------------------


class MessageTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "message_templates"
    permission_classes = [RolePermission]
    serializer_class = MessageTemplateSerializer
    filterset_fields = ["purpose", "language", "easy_read"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[MessageTemplate]:
        return MessageTemplate.objects.all()

    def perform_create(self, serializer: MessageTemplateSerializer) -> None:
        data = serializer.validated_data
        if MessageTemplate.objects.filter(
            purpose=data["purpose"], language=data["language"], easy_read=data["easy_read"]
        ).exists():
            raise serializers.ValidationError(
                {"purpose": ["This variant exists already: change it with PATCH."]}
            )
        serializer.instance = message_template_save(
            purpose=data["purpose"],
            language=data["language"],
            easy_read=data["easy_read"],
            body=data["body"],
            by=self.request.user,
        )

    def perform_update(self, serializer: MessageTemplateSerializer) -> None:
        template = serializer.instance
        serializer.instance = message_template_save(
            purpose=template.purpose,
            language=template.language,
            easy_read=template.easy_read,
            body=serializer.validated_data.get("body", template.body),
            by=self.request.user,
        )


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


# --- Twilio webhooks -------------------------------------------------------------------------


class InboundFormSerializer(serializers.Serializer):
    MessageSid = serializers.CharField(max_length=64)
    From = serializers.CharField(max_length=20)
    Body = serializers.CharField(allow_blank=True, max_length=1600, trim_whitespace=False)


class StatusFormSerializer(serializers.Serializer):
    MessageSid = serializers.CharField(max_length=64)
    MessageStatus = serializers.CharField(max_length=20)
    ErrorCode = serializers.CharField(required=False, allow_blank=True, max_length=10)


class StatusQuerySerializer(serializers.Serializer):
    m = serializers.IntegerField(required=False, min_value=1, max_value=2**62)


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signature_is_valid(request: Request) -> bool:
    """Twilio signs the exact public URL it called (scheme, host, path, query) and the
    form fields with the account's auth token."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = f"{settings.PUBLIC_BASE_URL}{request.get_full_path()}"
    return RequestValidator(token).validate(url, request._request.POST, signature)


class TwilioWebhook(APIView):
    """No session or token: the Twilio signature is the credential (403 without it)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]
    form: type[serializers.Serializer]

    def check_signature(self, request: Request) -> Response | None:
        if not signature_is_valid(request):
            logger.warning("Twilio webhook refused: bad or missing signature")
            return Response(
                {"detail": "The Twilio signature is missing or does not match.", "errors": {}},
                status=status.HTTP_403_FORBIDDEN,
            )
        return None

    def valid_form(self, request: Request) -> dict:
        data = self.form(data=request._request.POST.dict())
        data.is_valid(raise_exception=True)
        return data.validated_data


class TwilioInboundWebhook(TwilioWebhook):
    """A reply from a young person or carer."""

    form = InboundFormSerializer

    @extend_schema(
        request={"application/x-www-form-urlencoded": InboundFormSerializer},
        responses={200: OpenApiResponse(description="Empty TwiML: nothing is answered here.")},
        auth=[],
    )
    def post(self, request: Request) -> Response | HttpResponse:
        refused = self.check_signature(request)
        if refused is not None:
            return refused
        data = self.valid_form(request)
        inbound_record(provider_id=data["MessageSid"], from_number=data["From"], body=data["Body"])
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")


class TwilioStatusWebhook(TwilioWebhook):
    """A delivery report for a text we sent (`m` is our message id)."""

    form = StatusFormSerializer

    @extend_schema(
        parameters=[StatusQuerySerializer],
        request={"application/x-www-form-urlencoded": StatusFormSerializer},
        responses={204: None},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        refused = self.check_signature(request)
        if refused is not None:
            return refused
        data = self.valid_form(request)
        query = StatusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        message_status_record(
            provider_id=data["MessageSid"],
            provider_status=data["MessageStatus"],
            message_id=query.validated_data.get("m"),
            error_code=data.get("ErrorCode", ""),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
