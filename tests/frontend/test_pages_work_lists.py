"""Texts per case, the admins' tasks, dashboard additions, calendar settings and the
timeliness report through Django's test client: access per role, errors, CSV, numbers and
query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from screening.booking.services import SessionRequest, visit_book
from screening.calendars.loading import calendar_imports_load_requested
from screening.messaging.replies import inbound_record
from screening.models import AdminTask, CalendarImport, Message, Visit
from screening.worktray.services import admin_task_create
from tests import factories
from tests.calendar_support import MINUTELY, WEEKLY_MEETING
from tests.frontend.test_pages import ROLES, browser_for
from tests.messaging import YP_MOBILE, Clock, at, book, freeze, make_team, texting_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(monkeypatch):
    """A booked visit with its planned texts, a task about one of them, and a user per role
    (the case manager manages this case; the practitioner runs its session)."""
    freeze(monkeypatch)
    team = make_team()
    manager = factories.make_user(role=Role.CASE_MANAGER)
    visit = book(team)
    visit.case.case_manager = manager
    visit.case.save()
    message = Message.objects.filter(visit=visit).order_by("send_at").first()
    task = admin_task_create(
        kind=AdminTask.Kind.UNDELIVERED,
        text="Phone the young person about the visit",
        visit=visit,
        message=message,
    )
    users = {
        Role.YOT_ADMIN: factories.make_user(role=Role.YOT_ADMIN),
        Role.CASE_MANAGER: manager,
        Role.YOT_MANAGER: factories.make_user(role=Role.YOT_MANAGER),
        Role.PRACTITIONER: team[0]["health"].user,
        Role.SYSTEM_ADMIN: factories.make_user(role=Role.SYSTEM_ADMIN),
    }
    return {"visit": visit, "case": visit.case, "task": task, "users": users, "team": team}


ACCESS = [
    ("/cases/{case}/messages/", [200, 200, 200, 403, 403]),
    ("/tasks/", [200, 403, 200, 403, 403]),
    ("/reports/timeliness/", [200, 403, 200, 403, 403]),
    ("/reports/timeliness.csv", [200, 403, 200, 403, 403]),
    ("/my/calendar/", [403, 403, 403, 200, 403]),
    ("/practitioners/{practitioner}/calendar/", [200, 403, 403, 302, 403]),
]


@pytest.mark.parametrize(("path", "expected"), ACCESS, ids=[a[0] for a in ACCESS])
def test_new_pages_answer_each_role_as_the_access_table_says(texts, path, expected):
    url = path.format(case=texts["case"].pk, practitioner=texts["team"][0]["health"].pk)
    got = [browser_for(texts["users"][role]).get(url).status_code for role in ROLES]
    assert got == expected


def test_case_messages_are_404_outside_the_users_scope(texts):
    other_manager = factories.make_user(role=Role.CASE_MANAGER)
    assert browser_for(other_manager).get(f"/cases/{texts['case'].pk}/messages/").status_code == 404
    admin = browser_for(texts["users"][Role.YOT_ADMIN])
    assert admin.get("/cases/999999/messages/").status_code == 404


def test_case_messages_show_purpose_masked_number_status_tag_text_and_replies(texts):
    inbound_record(provider_id="SM-reply-1", from_number=YP_MOBILE, body="yes thanks")
    page = browser_for(texts["users"][Role.YOT_ADMIN]).get(f"/cases/{texts['case'].pk}/messages/")
    html = page.content.decode()
    assert "Confirmation" in html and "Reminder the day before" in html
    assert "+44•••••••456" in html and "7400123456" not in html
    assert '<strong class="govuk-tag govuk-tag--blue">Planned</strong>' in html
    assert "Tuesday 2 March" in html  # the text itself
    assert "yes thanks" in html and "Confirms" in html
    assert "Phone the young person about the visit" in html and "Mark as done" in html


def test_case_page_links_to_its_texts_for_roles_that_read_them(texts):
    url = f"/cases/{texts['case'].pk}/"
    link = f"/cases/{texts['case'].pk}/messages/"
    assert link in browser_for(texts["users"][Role.YOT_ADMIN]).get(url).content.decode()
    assert link not in browser_for(texts["users"][Role.PRACTITIONER]).get(url).content.decode()


def test_an_admin_marks_a_task_done_and_it_moves_to_the_done_list(texts):
    admin = texts["users"][Role.YOT_ADMIN]
    client = browser_for(admin)
    assert "Phone the young person" in client.get("/tasks/").content.decode()
    response = client.post(f"/tasks/{texts['task'].pk}/done/", {"next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    texts["task"].refresh_from_db()
    assert texts["task"].done_by == admin and texts["task"].done_at is not None
    assert "No open tasks." in client.get("/tasks/").content.decode()
    assert "Phone the young person" in client.get("/tasks/?show=done").content.decode()


def test_marking_done_is_post_only_admin_only_and_never_redirects_off_site(texts):
    task = texts["task"]
    manager = browser_for(texts["users"][Role.YOT_MANAGER])
    assert manager.post(f"/tasks/{task.pk}/done/").status_code == 403
    admin = browser_for(texts["users"][Role.YOT_ADMIN])
    assert admin.get(f"/tasks/{task.pk}/done/").status_code == 405
    response = admin.post(f"/tasks/{task.pk}/done/", {"next": "//evil.example/"})
    assert response["Location"] == "/tasks/"
    assert admin.post("/tasks/999999/done/").status_code == 404


def test_tasks_list_open_ones_first_newest_first(texts):
    older = texts["task"]
    newer = admin_task_create(
        kind=AdminTask.Kind.REARRANGE, text="Asked to rearrange", visit=texts["visit"]
    )
    AdminTask.objects.filter(pk=newer.pk).update(created_at=older.created_at + dt.timedelta(1))
    html = browser_for(texts["users"][Role.YOT_ADMIN]).get("/tasks/").content.decode()
    assert html.index("Asked to rearrange") < html.index("Phone the young person")


def test_dashboard_lists_open_tasks_linking_to_the_case_texts(texts):
    html = browser_for(texts["users"][Role.YOT_ADMIN]).get("/dashboard/").content.decode()
    assert "Failed texts and replies needing a phone call" in html
    assert f"/cases/{texts['case'].pk}/messages/" in html
    assert "Phone the young person about the visit" in html
    cm_html = browser_for(texts["users"][Role.CASE_MANAGER]).get("/dashboard/").content.decode()
    assert "Failed texts and replies needing a phone call" not in cm_html


def test_dashboard_unconfirmed_visits_leave_out_confirmed_ones(texts):
    client = browser_for(texts["users"][Role.YOT_ADMIN])
    reference = texts["case"].reference

    def unconfirmed() -> str:
        html = client.get("/dashboard/").content.decode()
        return html[html.index('id="unconfirmed"') : html.index('id="phone"')]

    assert reference in unconfirmed()
    Visit.objects.filter(pk=texts["visit"].pk).update(confirmed_at=texts["visit"].created_at)
    assert reference not in unconfirmed()


def _more_tasks(visit, n: int) -> None:
    for i in range(n):
        admin_task_create(kind=AdminTask.Kind.REPLY, text=f"Reply {i}", visit=visit)


def _more_texts(team, n: int) -> None:
    for i in range(n):
        book(team, person=texting_person(mobile=f"07400 1235{i:02d}"), start=at(12 + i))


@pytest.mark.parametrize(
    "path", ["/tasks/", "/dashboard/", "/cases/{case}/messages/", "/reports/timeliness/"]
)
def test_list_pages_query_count_does_not_grow_with_rows(texts, path, django_assert_max_num_queries):
    client = browser_for(texts["users"][Role.YOT_ADMIN])
    url = path.format(case=texts["case"].pk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_tasks(texts["visit"], 8)
    _more_texts(texts["team"], 3)
    for i in range(5):
        inbound_record(provider_id=f"SM-more-{i}", from_number=YP_MOBILE, body="ok")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- calendar settings -------------------------------------------------------------------------


def test_practitioner_gets_a_new_feed_link_and_the_old_one_stops_working(texts):
    nurse = texts["team"][0]["health"]
    client = browser_for(nurse.user)
    page = client.get("/my/calendar/").content.decode()
    assert nurse.feed_token in page and "stops the old one working" in page
    old = f"/calendars/practitioners/{nurse.pk}.ics?token={nurse.feed_token}"
    assert Client().get(old).status_code == 200
    response = client.post("/my/calendar/", {"action": "rotate"})
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert nurse.feed_token in client.get("/my/calendar/").content.decode()


def test_calendar_address_errors_are_summarised_and_keep_what_was_typed(texts, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": False}
    client = browser_for(texts["team"][0]["health"].user)
    page = client.post("/my/calendar/", {"action": "url", "url": "http://127.0.0.1:9/a.ics"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_url"' in html
    assert "local or private network" in html
    assert 'value="http://127.0.0.1:9/a.ics"' in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: " in html
    empty = client.post("/my/calendar/", {"action": "url", "url": ""}).content.decode()
    assert "Enter the address of the calendar" in empty
    assert not CalendarImport.objects.exists()


def test_calendar_address_is_loaded_and_its_status_shown(texts, ics_server):
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    client = browser_for(texts["team"][0]["health"].user)
    assert client.post("/my/calendar/", {"action": "url", "url": url}).status_code == 302
    html = client.get("/my/calendar/").content.decode()
    assert "Waiting to be loaded" in html and f"The address {url} is loaded" in html
    assert "No calendar is imported yet" in html
    calendar_imports_load_requested()
    record = CalendarImport.objects.get()
    assert record.url == url and record.busy_count > 50
    html = client.get("/my/calendar/").content.decode()
    assert f'<dd class="govuk-summary-list__value">{record.busy_count}</dd>' in html
    assert '<dd class="govuk-summary-list__value">Loaded</dd>' in html
    assert "Waiting to be loaded" not in html
    assert client.post("/my/calendar/", {"action": "remove"}).status_code == 302
    assert not CalendarImport.objects.exists()


def test_a_calendar_that_repeats_every_minute_shows_why_it_was_not_loaded(texts):
    nurse = texts["team"][0]["health"]
    client = browser_for(nurse.user)
    good = SimpleUploadedFile("work.ics", WEEKLY_MEETING, content_type="text/calendar")
    client.post("/my/calendar/", {"action": "upload", "file": good})
    calendar_imports_load_requested()
    tick = SimpleUploadedFile("tick.ics", MINUTELY, content_type="text/calendar")
    assert client.post("/my/calendar/", {"action": "upload", "file": tick}).status_code == 302
    calendar_imports_load_requested()
    html = client.get("/my/calendar/").content.decode()
    assert "Could not be loaded" in html and "The file tick.ics could not be loaded" in html
    assert "repeats every minute (RRULE FREQ=MINUTELY)" in html
    assert "The busy times loaded before still count." in html
    assert "Uploaded file work.ics" in html


def test_an_admin_uploads_a_file_for_a_practitioner_and_a_broken_one_is_refused(texts, settings):
    nurse = texts["team"][0]["health"]
    client = browser_for(texts["users"][Role.YOT_ADMIN])
    url = f"/practitioners/{nurse.pk}/calendar/"
    good = SimpleUploadedFile("work.ics", WEEKLY_MEETING, content_type="text/calendar")
    assert client.post(url, {"action": "upload", "file": good}).status_code == 302
    assert CalendarImport.objects.get(practitioner=nurse).requested_file_name == "work.ics"
    calendar_imports_load_requested()
    assert CalendarImport.objects.get(practitioner=nurse).file_name == "work.ics"
    broken = SimpleUploadedFile("broken.ics", b"not a calendar", content_type="text/calendar")
    html = client.post(url, {"action": "upload", "file": broken}).content.decode()
    assert "govuk-error-summary" in html and 'href="#id_file"' in html
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "max_bytes": 100}
    big = SimpleUploadedFile("big.ics", WEEKLY_MEETING, content_type="text/calendar")
    html = client.post(url, {"action": "upload", "file": big}).content.decode()
    assert "govuk-error-summary" in html
    missing = client.post(url, {"action": "upload"}).content.decode()
    assert "Choose an .ics file to upload" in missing
    assert CalendarImport.objects.get(practitioner=nurse).file_name == "work.ics"


def test_a_practitioner_cannot_open_another_practitioners_calendar_settings(texts):
    other = factories.make_practitioner(agency="education")
    client = browser_for(texts["team"][0]["health"].user)
    assert client.get(f"/practitioners/{other.pk}/calendar/").status_code == 404
    assert (
        client.post(f"/practitioners/{other.pk}/calendar/", {"action": "rotate"}).status_code == 404
    )


# --- timeliness report ------------------------------------------------------------------------


def test_timeliness_period_errors_are_summarised_and_keep_the_choice(texts):
    client = browser_for(texts["users"][Role.YOT_MANAGER])
    html = client.get("/reports/timeliness/?start=2027-02&end=2026-12").content.decode()
    assert "govuk-error-summary" in html
    assert "The last month must be the same as or after the first" in html
    assert '<option value="2027-02" selected>' in html
    bad = client.get("/reports/timeliness/?start=1999-01&end=2027-01").content.decode()
    assert "Choose a month" in bad
    assert client.get("/reports/timeliness.csv?start=2027-02&end=2026-12").status_code == 400


def test_timeliness_page_has_accessible_charts_with_tables(texts):
    html = browser_for(texts["users"][Role.YOT_MANAGER]).get("/reports/timeliness/").content
    html = html.decode()
    assert html.count('role="img"') == 3  # one per stage; no findings were due, so no agencies
    assert "No findings were due in this period." in html
    assert 'aria-labelledby="chart-visit-title chart-visit-desc"' in html
    assert '<title id="chart-visit-title">' in html
    assert html.count('<table class="govuk-table">') >= 3


def test_csv_cells_that_look_like_formulas_are_quoted():
    from frontend.reports import safe_cell

    assert [safe_cell(v) for v in ["=SUM(A1)", "+1", "-2", "@x", "plain", 3]] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "plain",
        "3",
    ]


def test_csv_cells_hiding_a_formula_behind_spaces_or_full_width_forms_are_quoted():
    from frontend.reports import safe_cell

    hidden = [
        " =SUM(A1)",  # leading space
        "\n=1+1",  # newline
        "\u00a0+1",  # no-break space
        "\uff1dHYPERLINK(1)",  # full-width equals sign
        "\uff0b1",  # full-width plus
        "\uff0d2",  # full-width hyphen-minus
        "\uff20x",  # full-width commercial at
        "\u3000\uff1d1",  # ideographic space, then a full-width equals sign
        "\u200b=1",  # zero-width space (a format character)
        "\x00=1",  # a control character
    ]
    assert [safe_cell(v) for v in hidden] == ["'" + v for v in hidden]
    assert safe_cell(" plain text") == " plain text"


def test_timeliness_csv_has_a_header_the_numbers_and_escaped_reasons(texts, monkeypatch):
    case = factories.make_case(order_start_date=dt.date(2027, 1, 4))
    # A visit after its deadline, with a reason that looks like a formula and has a comma.
    team, room = texts["team"]
    monkeypatch.setattr(timezone, "now", Clock(at(9, day=dt.date(2027, 1, 26))))
    visit_book(
        case=case,
        room=room,
        sessions=[
            SessionRequest(
                agency=Agency.objects.get(code="health"),
                practitioner=team["health"],
                start=at(11, day=dt.date(2027, 1, 27)),
            )
        ],
        late_reason='=HYPERLINK("x"), then "quoted"',
    )
    monkeypatch.setattr(timezone, "now", Clock(at(9, day=dt.date(2027, 2, 23))))
    response = browser_for(texts["users"][Role.YOT_MANAGER]).get(
        "/reports/timeliness.csv?start=2027-01&end=2027-01"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "timeliness-2027-01-to-2027-01.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "section",
        "stage",
        "month or agency",
        "on time",
        "late",
        "counted",
        "per cent on time",
    ]
    assert ["total", "Screening visit", "whole period", "0", "1", "1", "0"] in rows
    assert ["by month", "Screening visit", "2027-01", "0", "1", "1", "0"] in rows
    reasons = [r for r in rows if len(r) == 4 and r[1] == case.reference]
    assert reasons == [
        [
            '\'=HYPERLINK("x"), then "quoted"',
            case.reference,
            "Visit after the deadline",
            "2027-01-27",
        ]
    ]
