from django.contrib import admin

from screening.models import (
    Case,
    ClosureDay,
    OpeningHours,
    Room,
    Session,
    UnavailableTime,
    Venue,
    Visit,
    YoungPerson,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    inlines = [OpeningHoursInline]
    list_display = ("name", "address")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "venue", "is_active")
    raw_id_fields = ("calendar",)
    exclude = ("feed_token",)


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
    readonly_fields = ("visit_due_by", "assessment_due_by", "findings_due_by")
    raw_id_fields = ("young_person", "case_manager")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    raw_id_fields = ("practitioner",)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    inlines = [SessionInline]
    list_display = ("case", "room", "start", "end", "status", "version")
    list_filter = ("status",)
