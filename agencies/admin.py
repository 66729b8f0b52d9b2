from django.contrib import admin

from agencies.models import Agency, Practitioner
from agencies.services import practitioner_create


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "default_duration_minutes", "order", "required_by_default")


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "email", "daily_session_cap", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)
    exclude = ("feed_token", "calendar")

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # New practitioners get their own availability calendar from the service.
        created = practitioner_create(
            **{f: form.cleaned_data[f] for f in form.cleaned_data if f != "is_active"}
        )
        obj.pk, obj.calendar_id, obj.feed_token = (
            created.pk,
            created.calendar_id,
            created.feed_token,
        )
