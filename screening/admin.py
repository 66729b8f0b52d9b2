from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import FindingsForm
from screening.assessment.findings import form_publish
from screening.messaging.templates import message_template_save
from screening.messaging.text import check_template
from screening.models import (
    AdminTask,
    AlertEmail,
    AssessmentLayout,
    Case,
    ClosureDay,
    InboundMessage,
    InviteEmail,
    Message,
    MessageTemplate,
    NumberStatus,
    OpeningHours,
    RetentionRule,
    Room,
    Session,
    UnavailableTime,
    Venue,
    Visit,
    VisitHistory,
    WorkEmail,
    YoungPerson,
)
from screening.people.cases import case_create, case_update
from screening.venues.services import room_create
from screening.worktray.services import admin_task_done


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    inlines = [OpeningHoursInline]
    list_display = ("name", "kind", "text_name", "travel_minutes", "address")
    list_filter = ("kind",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "venue", "is_active")
    exclude = ("feed_token", "calendar")

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = room_create(venue=obj.venue, name=obj.name)
        obj.pk, obj.calendar_id, obj.feed_token = (
            created.pk,
            created.calendar_id,
            created.feed_token,
        )


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")


class UnavailableInline(admin.TabularInline):
    model = UnavailableTime
    extra = 0


@admin.register(YoungPerson)
class YoungPersonAdmin(admin.ModelAdmin):
    inlines = [UnavailableInline]
    list_display = ("family_name", "given_name", "date_of_birth")
    search_fields = ("family_name", "given_name")


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "young_person",
        "order_type",
        "order_start_date",
        "visit_due_by",
        "assessment_due_by",
        "case_manager",
    )
    list_filter = ("order_type",)
    search_fields = ("reference",)
    readonly_fields = (
        "reference",
        "visit_due_by",
        "assessment_due_by",
        "findings_due_by",
        # Only the confirmed disposal (screening/governance/disposal.py) moves these.
        "retention_stage",
        "retention_changed_at",
        "retention_last_action_on",
    )
    raw_id_fields = ("young_person", "case_manager")

    def save_model(self, request, obj, form, change) -> None:
        # References and deadlines always come from the services' rules.
        if change:
            case_update(case=obj)
            return
        created = case_create(
            young_person=obj.young_person,
            order_type=obj.order_type,
            order_start_date=obj.order_start_date,
            case_manager=obj.case_manager,
        )
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The retention schedule's figures, one rule per order type (seeded by migration)."""

    list_display = (
        "order_type",
        "reduce_after_years",
        "dispose_after_years",
        "keep_until_age",
        "updated_at",
    )
    readonly_fields = ("order_type", "updated_at", "updated_by")
    fields = (
        "order_type",
        "reduce_after_years",
        "dispose_after_years",
        "keep_until_age",
        "source",
        "updated_at",
        "updated_by",
    )

    def has_add_permission(self, request) -> bool:
        return False  # one rule per order type, made by the migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a case without a rule would never be disposed of

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_at = timezone.now()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


# --- text messages ---------------------------------------------------------------------------


class MessageTemplateForm(forms.ModelForm):
    """Refuses forbidden words and unknown or missing placeholders, naming the body."""

    class Meta:
        model = MessageTemplate
        fields = ("purpose", "language", "easy_read", "body")

    def clean(self):
        data = super().clean()
        if data.get("purpose") and data.get("body") is not None:
            try:
                check_template(
                    purpose=data["purpose"],
                    body=data["body"],
                    language=data.get("language") or "en",
                )
            except ValidationError as error:
                self.add_error(None, error)  # it names the body itself
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """System administrators edit the wording; the form refuses forbidden words and unknown
    placeholders, and the list shows each text's length in parts."""

    form = MessageTemplateForm
    list_display = ("purpose", "language", "easy_read", "parts", "updated_at")
    list_filter = ("purpose", "language", "easy_read")
    readonly_fields = ("updated_at", "updated_by", "parts")

    @admin.display(description="parts (sample)")
    def parts(self, obj: MessageTemplate) -> str:
        if not obj.pk:
            return "-"
        length = check_template(
            purpose=obj.purpose, body=obj.body, language=obj.language, refuse_long=False
        )
        return f"{length.segments} ({length.encoding}) {length.warning}".strip()

    def save_model(self, request, obj, form, change) -> None:
        saved = message_template_save(
            purpose=obj.purpose,
            language=obj.language,
            easy_read=obj.easy_read,
            body=obj.body,
            by=request.user,
        )
        obj.pk, obj.updated_at, obj.updated_by = saved.pk, saved.updated_at, saved.updated_by


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: these rows change only through their services (which keep the
    history, plan the texts and invites, and audit), so not even a superuser edits or
    deletes them here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SessionInline(ReadOnlyInline):
    model = Session
    fields = ("agency", "practitioner", "start", "end", "cancelled", "attended")


class VisitHistoryInline(ReadOnlyInline):
    model = VisitHistory
    fields = ("version", "kind", "at", "by", "reason")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    """Visits are booked, moved, cancelled and attended on the pages and the API, whose
    services keep the history, withdraw and plan texts and send calendar invites; here they
    are only read."""

    inlines = [SessionInline, VisitHistoryInline]
    list_display = ("case", "room", "start", "end", "status", "version")
    list_filter = ("status",)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("purpose", "visit", "recipient", "send_at", "status", "attempts")
    list_filter = ("status", "purpose")
    raw_id_fields = ("visit", "young_person", "template", "in_reply_to")


@admin.register(InviteEmail)
class InviteEmailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "visit", "visit_version", "method", "kind", "status", "attempts")
    list_filter = ("status", "method", "kind")
    raw_id_fields = ("visit", "session", "practitioner", "interpreter")


@admin.register(AlertEmail)
class AlertEmailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("case", "recipient")


@admin.register(WorkEmail)
class WorkEmailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "case", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("case", "recipient")


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "kind", "young_person", "visit")
    list_filter = ("kind",)


@admin.register(NumberStatus)
class NumberStatusAdmin(ReadOnlyAdmin):
    list_display = ("number", "opted_out_at", "opted_in_at", "invalid_at", "note")


@admin.register(AdminTask)
class AdminTaskAdmin(admin.ModelAdmin):
    list_display = ("kind", "case", "created_at", "done_at", "done_by")
    list_filter = ("kind", ("done_at", admin.EmptyFieldListFilter))
    readonly_fields = ("kind", "case", "visit", "message", "inbound", "text", "created_at")
    exclude = ("done_at", "done_by")
    actions = ["mark_done"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Mark the selected tasks done")
    def mark_done(self, request, queryset) -> None:
        for task in queryset:
            admin_task_done(task=task, by=request.user)


# --- findings forms and the draft layout --------------------------------------------------


@admin.register(AssessmentLayout)
class AssessmentLayoutAdmin(admin.ModelAdmin):
    """The draft's section list and merge rules, shown for reference; new layouts are data
    migrations so every draft keeps the layout it was built with."""

    list_display = ("name", "version", "active")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FindingsFormAdminForm(forms.ModelForm):
    class Meta:
        model = FindingsForm
        fields = ["agency", "title", "title_cy", "questions"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            # Check as publishing would, without writing: the row is written in save_model.
            try:
                with transaction.atomic():
                    form_publish(
                        agency=data["agency"],
                        title=data["title"],
                        title_cy=data.get("title_cy") or "",
                        questions=data["questions"],
                    )
                    transaction.set_rollback(True)
            except ValidationError as error:
                raise ValidationError(
                    [f"{key}: {' '.join(messages)}" for key, messages in error.message_dict.items()]
                ) from error
        return data


@admin.register(FindingsForm)
class FindingsFormAdmin(admin.ModelAdmin):
    """Form versions are never edited (findings keep the version they were written in): a
    change is published as a new version through the same service as the API."""

    form = FindingsFormAdminForm
    list_display = ("agency", "version", "title", "published_at")
    list_filter = ("agency",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        published = form_publish(
            agency=obj.agency, title=obj.title, title_cy=obj.title_cy, questions=obj.questions
        )
        obj.pk, obj.version, obj.published_at = (
            published.pk,
            published.version,
            published.published_at,
        )
