from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from api.views import calendars
from frontend.language import language_set

urlpatterns = [
    # One sign-in for pages and administration, with lockout and two-factor.
    path("admin/login/", RedirectView.as_view(url="/sign-in/", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # The language switcher posts to /i18n/setlang/ (Django's set_language view, which
    # frontend/language.py wraps to keep a signed-in person's choice on their login).
    path("i18n/setlang/", language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "calendars/practitioners/<int:practitioner_id>.ics",
        calendars.practitioner_calendar,
        name="practitioner-calendar",
    ),
    path(
        "calendars/interpreters/<int:interpreter_id>.ics",
        calendars.interpreter_calendar,
        name="interpreter-calendar",
    ),
    path("calendars/rooms/<int:room_id>.ics", calendars.room_calendar, name="room-calendar"),
    path("", include("frontend.urls")),
]

handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"
