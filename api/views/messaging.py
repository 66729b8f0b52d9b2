"""A case's texts and replies, message templates, and the Twilio webhooks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from twilio.request_validator import RequestValidator

from api.permissions import RolePermission
from api.serializers.messaging import (
    InboundFormSerializer,
    MessageSerializer,
    MessageTemplateSerializer,
    ReplySerializer,
    StatusFormSerializer,
    StatusQuerySerializer,
)
from screening.messaging.replies import inbound_record, message_status_record
from screening.messaging.selectors import message_list_for, reply_list_for
from screening.messaging.templates import message_template_save
from screening.models import InboundMessage, Message, MessageTemplate
from screening.people.selectors import case_list_for

logger = logging.getLogger(__name__)


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
