"""API tokens and users."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiToken, User
from accounts.services import user_create, user_update
from accounts.two_factor import check_code, has_confirmed_device, two_factor_required
from api.permissions import RolePermission
from api.serializers.accounts import TokenRequestSerializer, TokenResponseSerializer, UserSerializer
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
        if user is None or not user.is_active:
            raise AuthenticationFailed("Username or password is not right.")
        if two_factor_required(user=user):
            if not has_confirmed_device(user=user):
                raise ValidationError(
                    {"otp": ["Set up an authenticator app by signing in to the website first."]}
                )
            check_code(user=user, code=data.validated_data.get("otp", ""))
        token, key = ApiToken.issue(user=user)
        return Response({"token": key, "expires": token.expires})


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    resource = "users"
    permission_classes = [RolePermission]
    serializer_class = UserSerializer
    filterset_fields = ["role", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return User.objects.order_by("username")

    def perform_create(self, serializer: UserSerializer) -> None:
        serializer.instance = user_create(**serializer.validated_data)

    def perform_update(self, serializer: UserSerializer) -> None:
        serializer.instance = user_update(user=serializer.instance, **serializer.validated_data)
