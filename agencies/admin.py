from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from agencies.models import Agency, Interpreter, Practitioner
from agencies.services import (
    check_practitioner_user,
    interpreter_create,
    interpreter_update,
    practitioner_create,
    practitioner_update,
)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "default_duration_minutes", "order", "required_by_default")


class PractitionerAdminForm(forms.ModelForm):
    """Checks the login as the services do: the practitioner role, one record per login."""

    class Meta:
        model = Practitioner
        fields = (
            "user",
            "agency",
            "name",
            "email",
            "phone",
            "daily_session_cap",
            "buffer_minutes",
            "is_active",
        )

    def clean(self):
        data = super().clean()
        if "user" in data:
            try:
                check_practitioner_user(user=data["user"], practitioner=self.instance)
            except ValidationError as error:
                self.add_error("user", error.message_dict["user"])
        return data


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    form = PractitionerAdminForm
    list_display = ("name", "agency", "email", "daily_session_cap", "is_active")
    list_filter = ("agency", "is_active")
    search_fields = ("name", "email")
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            practitioner_update(
                practitioner=obj, **{f: form.cleaned_data[f] for f in form.changed_data}
            )
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


@admin.register(Interpreter)
class InterpreterAdmin(admin.ModelAdmin):
    """The pool of interpreters; writes go through the services (their own calendar)."""

    fields = ("name", "languages", "email", "invite_language", "is_active")
    list_display = ("name", "languages", "email", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "email")

    def save_model(self, request, obj, form, change) -> None:
        if change:
            interpreter_update(
                interpreter=obj, **{f: form.cleaned_data[f] for f in form.changed_data}
            )
            return
        created = interpreter_create(**{f: form.cleaned_data[f] for f in self.fields})
        obj.pk, obj.calendar_id, obj.feed_token = (
            created.pk,
            created.calendar_id,
            created.feed_token,
        )
