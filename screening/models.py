"""Young people, cases, venues and rooms, visits and sessions."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from agencies.models import Agency, Practitioner


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ClosureDay(models.Model):
    """A day the YOT is closed besides weekends and bank holidays (not a working day)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y} {self.reason}".strip()


class Venue(models.Model):
    name = models.CharField(max_length=150, unique=True)
    address = models.TextField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One weekday's opening hours of a venue, in the YOT's local time."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["venue", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="opening_weekday_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="opening_opens_before_closes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue}: {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    calendar = models.OneToOneField(
        "schedule.Calendar", on_delete=models.PROTECT, related_name="room"
    )
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True)

    class Meta:
        ordering = ["venue__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="room_name_per_venue")
        ]

    def __str__(self) -> str:
        return f"{self.venue.name}, {self.name}"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh"


class YoungPerson(models.Model):
    """A young person; mobile numbers are stored in E.164, texted only with consent."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    mobile = models.CharField(max_length=16, blank=True)
    sms_consent = models.BooleanField(default=False)
    parent_carer_name = models.CharField(max_length=150, blank=True)
    parent_carer_mobile = models.CharField(max_length=16, blank=True)
    parent_carer_sms_consent = models.BooleanField(default=False)
    communication_needs = models.TextField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name_plural = "young people"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def initials(self) -> str:
        return f"{self.given_name[:1]}{self.family_name[:1]}".upper()

    def clean(self) -> None:
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and not 10 <= age_on(self.date_of_birth, today) <= 25:
            errors["date_of_birth"] = [
                "Date of birth must make the young person 10 to 25 years old."
            ]
        if self.sms_consent and not self.mobile:
            errors["sms_consent"] = ["Consent to texts needs a mobile number."]
        if self.parent_carer_sms_consent and not self.parent_carer_mobile:
            errors["parent_carer_sms_consent"] = ["Consent to texts needs a mobile number."]
        if errors:
            raise ValidationError(errors)


class UnavailableTime(models.Model):
    """A usual weekly time the young person cannot attend, such as school hours."""

    young_person = models.ForeignKey(
        YoungPerson, on_delete=models.CASCADE, related_name="unavailable"
    )
    weekdays = models.JSONField(help_text="Weekday numbers, 0 = Monday.")
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["young_person", "start_time", "id"]

    def __str__(self) -> str:
        return f"{self.weekdays} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class OrderType(models.TextChoices):
    REFERRAL_ORDER = "referral_order", "Referral order"
    YOUTH_REHABILITATION_ORDER = "youth_rehabilitation_order", "Youth rehabilitation order"
    DETENTION_AND_TRAINING_ORDER = "detention_and_training_order", "Detention and training order"
    YOUTH_CONDITIONAL_CAUTION = "youth_conditional_caution", "Youth conditional caution"
    OTHER = "other", "Other"


class CaseReferenceCounter(models.Model):
    """The last case number given out in a year; its row lock serialises new references."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    """One order for one young person, with deadlines computed in working days."""

    reference = models.CharField(max_length=20, unique=True)
    young_person = models.ForeignKey(YoungPerson, on_delete=models.PROTECT, related_name="cases")
    order_type = models.CharField(max_length=40, choices=OrderType.choices)
    order_start_date = models.DateField()
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_cases",
    )
    visit_due_by = models.DateField()
    assessment_due_by = models.DateField()
    findings_due_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-order_start_date", "-id"]
        indexes = [
            models.Index(fields=["case_manager"]),
            models.Index(fields=["visit_due_by"]),
            # The timeliness report counts assessments by due date.
            models.Index(fields=["assessment_due_by"], name="case_assessment_due_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class VisitStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Visit(models.Model):
    """The one screening visit: sessions back to back in one room."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="visits")
    status = models.CharField(
        max_length=10, choices=VisitStatus.choices, default=VisitStatus.BOOKED
    )
    version = models.PositiveIntegerField(default=1)
    start = models.DateTimeField()
    end = models.DateTimeField()
    cancel_reason = models.TextField(blank=True)
    late_reason = models.TextField(
        blank=True, help_text="Why the visit is after the case's deadline, for timeliness reports."
    )
    rebook_of = models.ForeignKey(
        "Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rebooked_by",
        help_text="The missed session this one-session visit replaces.",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the young person (or carer) replies YES for this version of the visit.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["room", "start"]),
            models.Index(fields=["case", "status"]),
            # Lists by time (the dashboard's week, the API's default order) walk this one.
            models.Index(fields=["start", "id"], name="visit_start_idx"),
            # A case's first visit, for the timeliness report.
            models.Index(fields=["case", "start"], name="visit_case_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="visit_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} visit {self.start:%Y-%m-%d %H:%M}"

    def is_live(self) -> bool:
        return self.status != VisitStatus.CANCELLED

    def is_changeable(self) -> bool:
        """Only a booked visit that has not started may be rescheduled or cancelled."""
        return self.status == VisitStatus.BOOKED and self.start > timezone.now()


class Session(models.Model):
    """One agency's part of a visit, with one practitioner."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sessions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sessions")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="sessions"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    buffer_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(0), MaxValueValidator(120)]
    )
    # The practitioner is held until `blocked_until` (end plus buffer); the database
    # refuses two live sessions of one practitioner whose held ranges overlap.
    blocked_until = models.DateTimeField(editable=False)
    cancelled = models.BooleanField(default=False)
    attended = models.BooleanField(null=True, blank=True)
    attendance_reason = models.TextField(blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["practitioner", "start"]),
            # Missed sessions to rebook, by start: only the few the young person missed.
            models.Index(
                fields=["start", "id"],
                condition=models.Q(attended=False),
                name="session_missed_idx",
            ),
            # Sessions by date with what the timeliness report needs, from the index alone.
            models.Index(
                fields=["start", "attended", "cancelled", "agency", "visit"],
                name="session_start_report_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="session_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.start:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        self.hold()
        super().save(*args, **kwargs)

    def hold(self) -> None:
        """Set the range the practitioner is held for: the session plus their buffer."""
        self.blocked_until = self.end + dt.timedelta(minutes=self.buffer_minutes)


class VisitHistory(models.Model):
    """Every change to a visit, kept: what it was before, who changed it, when and why."""

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"
        ATTENDANCE = "attendance", "Attendance recorded"
        COMPLETED = "completed", "Completed"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="history")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict, help_text="The visit and sessions after the change.")

    class Meta:
        ordering = ["visit", "at", "id"]
        verbose_name_plural = "visit history"

    def __str__(self) -> str:
        return f"{self.visit_id} v{self.version} {self.kind}"


# --- findings, assessment drafts, audit and alerts -------------------------------------


class FindingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AMENDED = "amended", "Amended"


class Finding(models.Model):
    """One version of an agency's findings for a session. Submitted versions are never
    changed: an amendment is a new row; at most one working copy (draft) per session."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="findings")
    form = models.ForeignKey("agencies.FindingsForm", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=FindingStatus.choices)
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_by = models.DateField(help_text="Two working days after the visit, by default.")

    class Meta:
        ordering = ["session", "version", "id"]
        # "Has this session a submitted version?" answered from the index alone (the backlog
        # of findings on the dashboard asks it of every attended session).
        # The timeliness report counts findings by due date from the second alone.
        indexes = [
            models.Index(fields=["session", "status"], name="finding_session_status_idx"),
            models.Index(
                fields=["due_by", "session", "submitted_at"], name="finding_due_report_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="one_finding_per_version"),
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(status="draft"),
                name="one_working_copy_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"findings {self.session_id} v{self.version} {self.status}"

    @property
    def restricted(self) -> bool:
        return self.answers.get("restricted") == "yes"

    def is_late(self) -> bool:
        """Submitted after its due date (or not yet submitted and past it)."""
        if self.submitted_at is not None:
            return timezone.localdate(self.submitted_at) > self.due_by
        return timezone.localdate() > self.due_by


class AssessmentLayout(models.Model):
    """The draft's sections and the rules that merge findings into them, as data."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    sections = models.JSONField()
    mapping = models.JSONField(
        default=dict, blank=True, help_text='Overrides: {"agency.question": ["section", ...]}.'
    )
    conflicts = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_layout"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def as_data(self) -> dict:
        return {"sections": self.sections, "mapping": self.mapping, "conflicts": self.conflicts}


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off"


class AssessmentDraft(models.Model):
    """The case's initial assessment draft: merged findings plus the case manager's edits."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="assessment_draft")
    layout = models.ForeignKey(AssessmentLayout, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    built_from = models.JSONField(default=list, help_text="The finding versions merged.")
    flags = models.JSONField(default=list)
    suggested_ratings = models.JSONField(default=dict)
    conflicts = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    restricted = models.JSONField(default=list)
    generated_plan = models.JSONField(default=dict)
    plan = models.JSONField(default=dict)
    plan_edited = models.BooleanField(default=False)
    plan_needs_review = models.BooleanField(default=False)
    merged_at = models.DateTimeField(null=True, blank=True)
    new_findings_since_sign_off = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"draft for {self.case.reference}"

    def is_locked(self) -> bool:
        return self.status == DraftStatus.SIGNED_OFF


class DraftSection(models.Model):
    """One section: the text the merge generated and the case manager's text, kept apart
    so a new merge never overwrites what the case manager wrote."""

    draft = models.ForeignKey(AssessmentDraft, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    generated_text = models.TextField(blank=True)
    pieces = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    edited = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    needs_review = models.BooleanField(default=False)
    review_changes = models.JSONField(default=list, help_text="What the findings changed.")
    suggested_text = models.TextField(blank=True, help_text="The newly merged text to review.")

    class Meta:
        ordering = ["draft", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "key"], name="one_section_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class DraftEvent(models.Model):
    """Every step of a draft's oversight: merged, edited, submitted, signed off, reopened."""

    class Kind(models.TextChoices):
        MERGED = "merged", "Findings merged"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted for sign-off"
        SIGNED_OFF = "signed_off", "Signed off"
        REOPENED = "reopened", "Reopened"

    draft = models.ForeignKey(AssessmentDraft, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["draft", "at", "id"]
        # A draft's first sign-off, for the timeliness report.
        indexes = [models.Index(fields=["draft", "kind", "at"], name="draftevent_kind_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """Who read or wrote which findings or draft, and when (need to know, rule 6)."""

    class Action(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"
        SUBMIT = "submit", "Submit"
        EXPORT = "export", "Export"
        SIGN_OFF = "sign_off", "Sign off"
        REOPEN = "reopen", "Reopen"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, help_text="Kept if the account goes.")
    role = models.CharField(max_length=20)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=30)
    object_id = models.PositiveIntegerField()
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"


class Alert(models.Model):
    """A same-day notice to a person (urgent findings); shown on their pages and emailed."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=120, help_text="What raised it, so it is raised once.")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "case", "key"], name="one_alert_per_cause"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class CalendarImport(models.Model):
    """Busy times imported from a practitioner's own calendar (a URL or an uploaded file).

    Only the busy intervals are kept, never the events' titles or details: `busy` is a
    list of [start, end) pairs in whole UTC minutes since the epoch (the scheduling
    engine's unit), expanded between `busy_from` and `busy_until`. A failed refresh keeps
    the last good intervals and records the error and its time.
    """

    class Source(models.TextChoices):
        URL = "url", "Calendar address"
        UPLOAD = "upload", "Uploaded file"

    practitioner = models.OneToOneField(
        Practitioner, on_delete=models.CASCADE, related_name="calendar_import"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    url = models.CharField(max_length=2000, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    busy = models.JSONField(default=list, blank=True)
    busy_from = models.DateTimeField(null=True, blank=True)
    busy_until = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "last_fetched_at"])]

    def __str__(self) -> str:
        return f"{self.practitioner} ({self.get_source_display().lower()})"

    @property
    def busy_count(self) -> int:
        return len(self.busy)


# --- Text messages: templates, the outbox, replies, numbers and admin tasks -----------------


class MessagePurpose(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation"
    DAY_BEFORE = "day_before", "Reminder the day before"
    MORNING = "morning", "Reminder on the morning"
    RESCHEDULED = "rescheduled", "Rescheduled notice"
    CANCELLED = "cancelled", "Cancellation notice"
    HELP = "help", "Answer to HELP"
    INTRODUCTION = "introduction", "Introduction (first text to a number)"


class MessageTemplate(models.Model):
    """The wording of one purpose in one language, standard or easy read; checked on save."""

    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    easy_read = models.BooleanField(default=False)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["purpose", "language", "easy_read"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language", "easy_read"], name="one_template_per_variant"
            )
        ]

    def __str__(self) -> str:
        variant = " easy read" if self.easy_read else ""
        return f"{self.get_purpose_display()} ({self.language}{variant})"

    def clean(self) -> None:
        from screening.message_text import check_template

        check_template(purpose=self.purpose, body=self.body)


class RecipientKind(models.TextChoices):
    YOUNG_PERSON = "young_person", "Young person"
    PARENT_CARER = "parent_carer", "Parent or carer"


class MessageStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Undelivered"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    OUTCOME_UNKNOWN = "outcome_unknown", "Outcome unknown"


class Message(models.Model):
    """One text in the outbox: planned, claimed, sent at most once per (visit version,
    purpose, number), and followed up to delivery."""

    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    visit_version = models.PositiveIntegerField(null=True, blank=True)
    young_person = models.ForeignKey(
        YoungPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    purpose = models.CharField(max_length=20, choices=MessagePurpose.choices)
    recipient = models.CharField(
        max_length=20, choices=RecipientKind.choices, default=RecipientKind.YOUNG_PERSON
    )
    to = models.CharField(max_length=16, help_text="E.164")
    body = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    easy_read = models.BooleanField(default=False)
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    send_at = models.DateTimeField(help_text="When it was planned to go, outside quiet hours.")
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.PLANNED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    reconcile_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        help_text="Planned: when it may next be sent. Outcome unknown: when to reconcile next."
    )
    claim_owner = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=20, blank=True)
    last_error = models.TextField(blank=True)
    in_reply_to = models.OneToOneField(
        "InboundMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="answer"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["send_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["to", "created_at"]),
            models.Index(fields=["provider_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "visit_version", "purpose", "to"], name="message_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to[-3:]} ({self.status})"


class NumberStatus(models.Model):
    """What we know about one number: opted out (STOP) or in (START), or not textable."""

    number = models.CharField(max_length=16, primary_key=True, help_text="E.164")
    opted_out_at = models.DateTimeField(null=True, blank=True)
    opted_in_at = models.DateTimeField(null=True, blank=True)
    invalid_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "number statuses"

    def __str__(self) -> str:
        return self.number[-3:]

    def may_text(self) -> bool:
        return self.opted_out_at is None and self.invalid_at is None


class InboundMessage(models.Model):
    """A reply received, linked to the young person and visit by its number."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "Confirms"
        CHANGE = "change", "Asks to rearrange"
        OPT_OUT = "opt_out", "Opts out"
        OPT_IN = "opt_in", "Opts back in"
        HELP = "help", "Asks for help"
        OTHER = "other", "Other"

    provider_id = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=16)
    body = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    young_person = models.ForeignKey(
        YoungPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    visit_version = models.PositiveIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["from_number", "received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} from {self.from_number[-3:]}"


class AdminTask(models.Model):
    """Something a YOT admin must do by hand, usually phone the young person."""

    class Kind(models.TextChoices):
        UNDELIVERED = "undelivered", "Text not delivered: phone"
        FAILED = "failed", "Text could not be sent: phone"
        OPTED_OUT = "opted_out", "Number opted out of texts: phone"
        INVALID_NUMBER = "invalid_number", "Number cannot receive texts: check it"
        OUTCOME_UNKNOWN = "outcome_unknown", "Not known whether a text was sent: check"
        REARRANGE = "rearrange", "Asked to rearrange the visit"
        REPLY = "reply", "Reply to read"
        INVITE_FAILED = "invite_failed", "Calendar invite could not be emailed: tell them"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="admin_tasks"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="admin_tasks"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="admin_tasks"
    )
    inbound = models.ForeignKey(
        InboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="admin_tasks"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["done_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'done' if self.done_at else 'open'})"


# --- calendar invite outbox ---------------------------------------------------------------


class InviteStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SUPERSEDED = "superseded", "Superseded"


class InviteEmail(models.Model):
    """One calendar invite email in the outbox: one practitioner, one session, one visit
    change. Planned inside the booking transaction, sent later by the background worker
    from the rows as they are then (docs/decisions/0005-calendars.md)."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST", "Request (add or update)"
        CANCEL = "CANCEL", "Cancel (remove)"

    class Kind(models.TextChoices):
        BOOKED = "booked", "Screening session"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="invites")
    visit_version = models.PositiveIntegerField()
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invites")
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The recipient; their email address is read when the invite is sent.",
    )
    method = models.CharField(max_length=7, choices=Method.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=InviteStatus.choices, default=InviteStatus.PLANNED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_owner = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="invite_due"),
            models.Index(fields=["status", "claimed_at"], name="invite_lease"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "visit_version", "practitioner"], name="invite_planned_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} v{self.visit_version} session {self.session_id} ({self.status})"
