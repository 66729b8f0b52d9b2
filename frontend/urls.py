from django.urls import path

from frontend import (
    auth_views,
    booking,
    calendars,
    messages_pages,
    practitioners,
    print_views,
    records,
    reports,
    views,
)

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.sign_in, name="sign_in"),
    path("sign-in/code/", auth_views.sign_in_code, name="sign_in_code"),
    path("sign-in/set-up-authenticator/", auth_views.two_factor_setup, name="two_factor_setup"),
    path("sign-out/", auth_views.sign_out, name="sign_out"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("young-people/", records.young_person_list, name="young_people"),
    path("young-people/new/", records.young_person_new, name="young_person_new"),
    path("young-people/<int:pk>/", records.young_person_detail, name="young_person"),
    path("young-people/<int:pk>/edit/", records.young_person_edit, name="young_person_edit"),
    path("young-people/<int:person_pk>/cases/new/", records.case_new, name="case_new"),
    path("cases/", records.case_list, name="cases"),
    path("cases/<int:pk>/", records.case_detail, name="case"),
    path("cases/<int:pk>/edit/", records.case_edit, name="case_edit"),
    path("cases/<int:pk>/book/", booking.book, name="book"),
    path("visits/<int:pk>/", booking.visit_detail, name="visit"),
    path("visits/<int:pk>/reschedule/", booking.visit_reschedule, name="visit_reschedule"),
    path("visits/<int:pk>/cancel/", booking.visit_cancel, name="visit_cancel"),
    path("sessions/<int:pk>/attendance/", booking.session_attendance, name="attendance"),
    path("sessions/<int:pk>/rebook/", booking.session_rebook, name="rebook"),
    path("my/", practitioners.my_home, name="my_home"),
    path("practitioners/", practitioners.practitioner_list, name="practitioners"),
    path("practitioners/<int:pk>/", practitioners.availability, name="availability"),
    path("practitioners/<int:pk>/patterns/new/", practitioners.pattern_new, name="pattern_new"),
    path(
        "practitioners/<int:pk>/patterns/<int:item>/remove/",
        practitioners.pattern_delete,
        name="pattern_delete",
    ),
    path("practitioners/<int:pk>/leave/new/", practitioners.leave_new, name="leave_new"),
    path(
        "practitioners/<int:pk>/leave/<int:item>/remove/",
        practitioners.leave_delete,
        name="leave_delete",
    ),
    path(
        "cases/<int:pk>/assessment-draft/print/",
        print_views.assessment_draft_print,
        name="draft_print",
    ),
    # Texts, tasks, calendar settings and the timeliness report.
    path("cases/<int:pk>/messages/", messages_pages.case_messages, name="case_messages"),
    path("tasks/", messages_pages.task_list, name="tasks"),
    path("tasks/<int:pk>/done/", messages_pages.task_done, name="task_done"),
    path("my/calendar/", calendars.my_calendar, name="my_calendar"),
    path(
        "practitioners/<int:pk>/calendar/",
        calendars.practitioner_calendar,
        name="practitioner_calendar",
    ),
    path("reports/timeliness/", reports.timeliness, name="timeliness"),
    path("reports/timeliness.csv", reports.timeliness_csv, name="timeliness_csv"),
]
