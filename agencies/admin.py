from django.contrib import admin

from agencies.models import Agency, Practitioner


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "default_duration_minutes", "order", "required_by_default")


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "email", "daily_session_cap", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("name", "email")
    raw_id_fields = ("user", "calendar")
    exclude = ("feed_token",)
