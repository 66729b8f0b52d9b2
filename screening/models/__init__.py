"""The screening app's models, one module per context; every name is re-exported here, so
Django finds them under the app label `screening` and old migrations' paths still resolve
(`screening.models.new_feed_token`)."""

from screening.models.assessment import (
    JUDGEMENTS,
    VICTIM_SAFETY,
    Alert,
    AlertEmail,
    AlertEmailStatus,
    AssessmentDraft,
    AssessmentKind,
    AssessmentLayout,
    AssessmentVersion,
    DraftEvent,
    DraftSection,
    DraftStatus,
    Finding,
    FindingStatus,
    PlanAction,
    PlanActionStatus,
    WorkEmail,
)
from screening.models.audit import AuditEntry
from screening.models.booking import LIVE_VISIT, Session, Visit, VisitHistory, VisitStatus
from screening.models.calendars import CalendarImport, InviteEmail, InviteStatus
from screening.models.messaging import (
    InboundMessage,
    Message,
    MessagePurpose,
    MessageStatus,
    MessageTemplate,
    NumberStatus,
    RecipientKind,
)
from screening.models.people import (
    Case,
    CaseReferenceCounter,
    Language,
    OrderType,
    UnavailableTime,
    YoungPerson,
    age_on,
)
from screening.models.planner import PlannerRun
from screening.models.venues import ClosureDay, OpeningHours, Room, Venue, new_feed_token
from screening.models.worktray import AdminTask

__all__ = [
    "JUDGEMENTS",
    "LIVE_VISIT",
    "VICTIM_SAFETY",
    "AdminTask",
    "Alert",
    "AlertEmail",
    "AlertEmailStatus",
    "AssessmentDraft",
    "AssessmentKind",
    "AssessmentLayout",
    "AssessmentVersion",
    "AuditEntry",
    "CalendarImport",
    "Case",
    "CaseReferenceCounter",
    "ClosureDay",
    "DraftEvent",
    "DraftSection",
    "DraftStatus",
    "Finding",
    "FindingStatus",
    "InboundMessage",
    "InviteEmail",
    "InviteStatus",
    "Language",
    "Message",
    "MessagePurpose",
    "MessageStatus",
    "MessageTemplate",
    "NumberStatus",
    "OpeningHours",
    "OrderType",
    "PlanAction",
    "PlanActionStatus",
    "PlannerRun",
    "RecipientKind",
    "Room",
    "Session",
    "UnavailableTime",
    "Venue",
    "Visit",
    "VisitHistory",
    "VisitStatus",
    "WorkEmail",
    "YoungPerson",
    "age_on",
    "new_feed_token",
]
