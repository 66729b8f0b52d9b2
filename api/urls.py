from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api.permissions import SignedInUnlessDebug
from api.views import (
    accounts,
    agencies,
    assessment,
    booking,
    calendars,
    governance,
    messaging,
    oversight,
    people,
    reviews,
    venues,
    worktray,
)
from api.views.docs import api_docs

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("users", accounts.UserViewSet, basename="user")
router.register("privilege-changes", accounts.PrivilegeRequestViewSet, basename="privilege-change")
router.register("account-events", accounts.AccountEventViewSet, basename="account-event")
router.register("agencies", agencies.AgencyViewSet, basename="agency")
router.register("practitioners", agencies.PractitionerViewSet, basename="practitioner")
router.register(
    r"practitioners/(?P<practitioner_pk>\d+)/working-patterns",
    agencies.WorkingPatternViewSet,
    basename="working-pattern",
)
router.register(
    r"practitioners/(?P<practitioner_pk>\d+)/leave", agencies.LeaveViewSet, basename="leave"
)
router.register("interpreters", agencies.InterpreterViewSet, basename="interpreter")
router.register(
    r"interpreters/(?P<interpreter_pk>\d+)/working-patterns",
    agencies.InterpreterWorkingPatternViewSet,
    basename="interpreter-working-pattern",
)
router.register(
    r"interpreters/(?P<interpreter_pk>\d+)/leave",
    agencies.InterpreterLeaveViewSet,
    basename="interpreter-leave",
)
router.register("venues", venues.VenueViewSet, basename="venue")
router.register("rooms", venues.RoomViewSet, basename="room")
router.register("young-people", people.YoungPersonViewSet, basename="young-person")
router.register("cases", people.CaseViewSet, basename="case")
router.register("visits", booking.VisitViewSet, basename="visit")
router.register(
    r"agencies/(?P<agency_code>[a-z][a-z0-9_]*)/forms",
    assessment.AgencyFormViewSet,
    basename="agency-form",
)
router.register("alerts", assessment.AlertViewSet, basename="alert")
router.register("plan-actions", assessment.PlanActionViewSet, basename="plan-action")
router.register(
    r"cases/(?P<case_pk>\d+)/plan-actions",
    assessment.CasePlanActionViewSet,
    basename="case-plan-action",
)
router.register(
    r"cases/(?P<case_pk>\d+)/new-information",
    reviews.CaseNewInformationViewSet,
    basename="case-new-information",
)
router.register(
    r"cases/(?P<case_pk>\d+)/reviews", reviews.CaseReviewViewSet, basename="case-review"
)
router.register("audit-log", assessment.AuditEntryViewSet, basename="audit-entry")

draft = assessment.AssessmentDraftViewSet
draft_urls = [
    path("", draft.as_view({"get": "retrieve", "patch": "partial_update"}), name="draft"),
    path("submit/", draft.as_view({"post": "submit"}), name="draft-submit"),
    path("sign-off/", draft.as_view({"post": "sign_off"}), name="draft-sign-off"),
    path("reopen/", draft.as_view({"post": "reopen"}), name="draft-reopen"),
    path("document/", draft.as_view({"get": "document"}), name="draft-document"),
]
router.register("message-templates", messaging.MessageTemplateViewSet, basename="message-template")
router.register("admin-tasks", worktray.AdminTaskViewSet, basename="admin-task")
router.register("disposal-batches", governance.DisposalBatchViewSet, basename="disposal-batch")

urlpatterns = [
    path("auth/token/", accounts.TokenView.as_view(), name="api-token"),
    path("visits/<int:pk>/history/", booking.VisitHistoryView.as_view(), name="visit-history"),
    path("sessions/<int:pk>/rebook/", booking.SessionRebookView.as_view(), name="session-rebook"),
    path(
        "sessions/<int:pk>/attendance/",
        booking.SessionAttendanceView.as_view(),
        name="session-attendance",
    ),
    path(
        "practitioners/<int:practitioner_pk>/calendar-import/",
        calendars.CalendarImportView.as_view(),
        name="calendar-import",
    ),
    path(
        "practitioners/<int:practitioner_pk>/calendar-import/upload/",
        calendars.CalendarImportUploadView.as_view(),
        name="calendar-import-upload",
    ),
    path(
        "sessions/<int:pk>/findings/",
        assessment.SessionFindingsView.as_view(),
        name="session-findings",
    ),
    path(
        "sessions/<int:pk>/findings/submit/",
        assessment.SessionFindingsSubmitView.as_view(),
        name="session-findings-submit",
    ),
    path("cases/<int:pk>/assessment-draft/", include(draft_urls)),
    path(
        "cases/<int:pk>/assessments/",
        assessment.CaseAssessmentsView.as_view(),
        name="case-assessments",
    ),
    path(
        "cases/<int:pk>/oversight-notes/",
        oversight.CaseOversightNotesView.as_view(),
        name="case-oversight-notes",
    ),
    path("oversight/", oversight.OversightView.as_view(), name="oversight"),
    path("cases/<int:pk>/messages/", messaging.CaseMessagesView.as_view(), name="case-messages"),
    path("cases/<int:pk>/replies/", messaging.CaseRepliesView.as_view(), name="case-replies"),
    path(
        "webhooks/twilio/inbound/",
        messaging.TwilioInboundWebhook.as_view(),
        name="twilio-inbound-webhook",
    ),
    path(
        "webhooks/twilio/status/",
        messaging.TwilioStatusWebhook.as_view(),
        name="twilio-status-webhook",
    ),
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[SignedInUnlessDebug]),
        name="api-schema",
    ),
    path("docs/", api_docs, name="api-docs"),
    path("", include(router.urls)),
]
