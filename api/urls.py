from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import messages, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("users", views.UserViewSet, basename="user")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("practitioners", views.PractitionerViewSet, basename="practitioner")
router.register(
    r"practitioners/(?P<practitioner_pk>\d+)/working-patterns",
    views.WorkingPatternViewSet,
    basename="working-pattern",
)
router.register(
    r"practitioners/(?P<practitioner_pk>\d+)/leave", views.LeaveViewSet, basename="leave"
)
router.register("venues", views.VenueViewSet, basename="venue")
router.register("rooms", views.RoomViewSet, basename="room")
router.register("young-people", views.YoungPersonViewSet, basename="young-person")
router.register("cases", views.CaseViewSet, basename="case")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("message-templates", messages.MessageTemplateViewSet, basename="message-template")
router.register("admin-tasks", messages.AdminTaskViewSet, basename="admin-task")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path(
        "sessions/<int:pk>/attendance/",
        views.SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    path("cases/<int:pk>/messages/", messages.CaseMessagesView.as_view(), name="case-messages"),
    path("cases/<int:pk>/replies/", messages.CaseRepliesView.as_view(), name="case-replies"),
    path(
        "webhooks/twilio/inbound/",
        messages.TwilioInboundWebhook.as_view(),
        name="twilio-inbound-webhook",
    ),
    path(
        "webhooks/twilio/status/",
        messages.TwilioStatusWebhook.as_view(),
        name="twilio-status-webhook",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
