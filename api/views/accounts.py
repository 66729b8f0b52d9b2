"""API tokens and users."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.selectors import (
    account_events_for,
    privilege_requests_for,
    users_with_pending_change,
)
from accounts.services import (
    privilege_request_approve,
    privilege_request_refuse,
    user_create,
    user_update,
)
from accounts.two_factor import (
    check_code,
    has_confirmed_device,
    setup_code_issue,
    two_factor_required,
    two_factor_reset,
)
from api.exceptions import Conflict
from api.permissions import RolePermission
from api.serializers.accounts import (
    AccountEventSerializer,
    PrivilegeRequestSerializer,
    RefuseSerializer,
    SetupCodeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from api.throttles import ClientScopedRateThrottle


class TokenView(APIView):
    """Exchange a username and password for an API token that expires."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "auth"

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401 with a challenge, not DRF's 403 for views
        # without authentication classes.
        return "Token"

    @extend_schema(
        request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, auth=[]
    )
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain HttpRequest, so django-axes counts failures and sees a lockout.
        http_request = request._request
        user = authenticate(
            http_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            raise Throttled(detail="Too many failed attempts: signing in is paused for a while.")
        if getattr(http_request, "password_sign_in_off", False):
            raise PermissionDenied(
                "Passwords are turned off for this login while organisation sign-in is on: "
                "only system administrators' break-glass logins get a token with a password."
            )
        if user is None or not user.is_active:
            raise AuthenticationFailed("Username or password is not right.")
        checked = two_factor_required(user=user)
        if checked:
            if not has_confirmed_device(user=user):
                raise ValidationError(
                    {"otp": ["Set up an authenticator app by signing in to the website first."]}
                )
            check_code(user=user, code=data.validated_data.get("otp", ""))
        token, key = ApiToken.issue(user=user, two_factor=checked)
        return Response({"token": key, "expires": token.expires})


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Logins. A change that would let a login read findings waits in `pending_change` for
    a YOT manager's approval (`/privilege-changes/`); nobody changes their own role."""

    resource = "users"
    permission_classes = [RolePermission]
    serializer_class = UserSerializer
    filterset_fields = ["role", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return users_with_pending_change().order_by("username")

    def perform_create(self, serializer: UserSerializer) -> None:
        serializer.instance = user_create(**serializer.validated_data, by=self.request.user)

    def perform_update(self, serializer: UserSerializer) -> None:
        user = user_update(
            user=serializer.instance, **serializer.validated_data, by=self.request.user
        )
        user.__dict__.pop("pending", None)  # prefetched before the change: read it afresh
        serializer.instance = user

    def _setup_code_answer(self, row, code: str) -> Response:
        return Response({"setup_code": code, "expires": row.expires})

    @extend_schema(request=None, responses={200: SetupCodeSerializer})
    @action(detail=True, methods=["post"], url_path="two-factor-setup-code")
    def two_factor_setup_code(self, request: Request, pk: str) -> Response:
        """Issue a one-time code for the user's first authenticator app."""
        user = self.get_object()
        if has_confirmed_device(user=user):
            raise Conflict("This login already has an authenticator app: reset two-factor.")
        return self._setup_code_answer(*setup_code_issue(user=user, by=request.user))

    @extend_schema(request=None, responses={200: SetupCodeSerializer})
    @action(detail=True, methods=["post"], url_path="two-factor-reset")
    def two_factor_reset(self, request: Request, pk: str) -> Response:
        """Remove the user's authenticator apps and tokens; answer a setup code for a new app."""
        user = self.get_object()
        return self._setup_code_answer(*two_factor_reset(user=user, by=request.user))


class PrivilegeRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Changes that would let a login read findings, approved or refused by a YOT manager
    other than the person who asked."""

    resource = "privilege_requests"
    permission_classes = [RolePermission]
    serializer_class = PrivilegeRequestSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet:
        return privilege_requests_for(user=self.request.user)

    def required_action(self, request: Request) -> str:
        return "read" if request.method in {"GET", "HEAD", "OPTIONS"} else "update"

    @extend_schema(request=None, responses={200: PrivilegeRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        decided = privilege_request_approve(request=self.get_object(), by=request.user)
        return Response(PrivilegeRequestSerializer(decided).data)

    @extend_schema(request=RefuseSerializer, responses={200: PrivilegeRequestSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        data = RefuseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = privilege_request_refuse(
            request=self.get_object(), by=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(PrivilegeRequestSerializer(decided).data)


class AccountEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The trail of every privilege change, for YOT managers."""

    resource = "account_events"
    permission_classes = [RolePermission]
    serializer_class = AccountEventSerializer
    filterset_fields = ["kind", "user"]

    def get_queryset(self) -> QuerySet:
        return account_events_for(user=self.request.user)
