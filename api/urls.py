from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import messages, views, views_findings

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
router.register(
    r"agencies/(?P<agency_code>[a-z][a-z0-9_]*)/forms",
    views_findings.AgencyFormViewSet,
    basename="agency-form",
)
router.register("alerts", views_findings.AlertViewSet, basename="alert")
router.register("audit-log", views_findings.AuditEntryViewSet, basename="audit-entry")

draft = views_findings.AssessmentDraftViewSet
draft_urls = [
    path("", draft.as_view({"get": "retrieve", "patch": "partial_update"}), name="draft"),
    path("submit/", draft.as_view({"post": "submit"}), name="draft-submit"),
    path("sign-off/", draft.as_view({"post": "sign_off"}), name="draft-sign-off"),
    path("reopen/", draft.as_view({"post": "reopen"}), name="draft-reopen"),
    path("document/", draft.as_view({"get": "document"}), name="draft-document"),
]
router.register("message-templates", messages.MessageTemplateViewSet, basename="message-template")
router.register("admin-tasks", messages.AdminTaskViewSet, basename="admin-task")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path(
        "sessions/<int:pk>/attendance/",
        views.SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    path(
        "practitioners/<int:practitioner_pk>/calendar-import/",
        views.CalendarImportView.as_view(),
        name="calendar-import",
    ),
    path(
        "practitioners/<int:practitioner_pk>/calendar-import/upload/",
        views.CalendarImportUploadView.as_view(),
        name="calendar-import-upload",
    ),
    path(
        "sessions/<int:pk>/findings/",
        views_findings.SessionFindingsView.as_view(),
        name="session-findings",
    ),
    path(
        "sessions/<int:pk>/findings/submit/",
        views_findings.SessionFindingsSubmitView.as_view(),
        name="session-findings-submit",
    ),
    path("cases/<int:pk>/assessment-draft/", include(draft_urls)),
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
