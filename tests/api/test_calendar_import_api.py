"""/practitioners/{id}/calendar-import/: set a URL, upload a file (both answered 202 and
loaded by the background worker), see how loads went."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from screening.calendars.loading import calendar_imports_load_requested
from tests.calendar_support import EVERY_MINUTE, MINUTELY, WEEKLY_MEETING
from tests.conftest import client_for
from tests.factories import make_user


@pytest.fixture
def admin(db):
    return client_for(make_user(role=Role.YOT_ADMIN))


def path(world, suffix=""):
    return f"/api/v1/practitioners/{world.people['health'].pk}/calendar-import/{suffix}"


def test_nothing_imported_yet(world, admin):
    data = admin.get(path(world)).json()
    assert data["url"] is None and data["busy_count"] == 0 and data["last_error"] is None
    assert data["status"] is None and data["requested"] is None


def test_set_a_url_is_accepted_then_loaded_in_the_background(world, admin, ics_server):
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    response = admin.put(path(world), {"url": url}, format="json")
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "pending" and data["busy_count"] == 0 and data["error"] is None
    assert data["requested"]["source"] == "url" and data["requested"]["url"] == url
    assert data["source"] is None and data["loaded_at"] is None

    calendar_imports_load_requested()
    data = admin.get(path(world)).json()
    assert data["status"] == "ok" and data["requested"] is None
    assert data["source"] == "url" and data["url"] == url and data["busy_count"] > 50
    assert data["last_success_at"] and data["loaded_at"] == data["last_success_at"]
    assert data["last_error"] is None and data["error"] is None


def test_a_refused_url_is_a_400_naming_the_field(world, admin, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": False}
    response = admin.put(path(world), {"url": "http://127.0.0.1:8000/a.ics"}, format="json")
    assert response.status_code == 400
    assert "local or private network" in response.json()["errors"]["url"][0]
    response = admin.put(path(world), {"url": "ftp://example.org/a.ics"}, format="json")
    assert "Only http and https" in response.json()["errors"]["url"][0]


def test_a_failed_refresh_is_shown_to_the_practitioner(world, ics_server):
    from screening.calendars.loading import calendar_import_refresh
    from screening.models import CalendarImport

    nurse = world.people["health"]
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    client = client_for(nurse.user)
    client.put(path(world), {"url": url}, format="json")
    calendar_imports_load_requested()
    ics_server.serve("/work.ics", b"", status=500)
    calendar_import_refresh(calendar_import=CalendarImport.objects.get())
    data = client.get(path(world)).json()
    assert data["last_error"] == "The calendar address answered HTTP 500."
    assert data["last_error_at"] and data["busy_count"] > 50
    assert data["status"] == "failed" and data["error"] == data["last_error"]


def test_upload_a_file(world, admin):
    upload = SimpleUploadedFile("work.ics", WEEKLY_MEETING, content_type="text/calendar")
    response = admin.post(path(world, "upload/"), {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"
    assert response.json()["requested"]["file_name"] == "work.ics"
    calendar_imports_load_requested()
    data = admin.get(path(world)).json()
    assert data["file_name"] == "work.ics" and data["busy_count"] > 50 and data["status"] == "ok"


def test_a_minutely_calendar_is_answered_at_once_and_fails_naming_the_rule(world, admin):
    good = SimpleUploadedFile("work.ics", WEEKLY_MEETING)
    admin.post(path(world, "upload/"), {"file": good}, format="multipart")
    calendar_imports_load_requested()
    response = admin.post(
        path(world, "upload/"), {"file": SimpleUploadedFile("tick.ics", MINUTELY)}
    )
    assert response.status_code == 202
    calendar_imports_load_requested()
    data = admin.get(path(world)).json()
    assert data["status"] == "failed"
    assert data["error"] == EVERY_MINUTE
    assert data["requested"]["file_name"] == "tick.ics"
    # The busy times imported before still count.
    assert data["file_name"] == "work.ics" and data["busy_count"] > 50


def test_a_broken_upload_fails_in_the_background_and_keeps_the_previous_import(world, admin):
    good = SimpleUploadedFile("work.ics", WEEKLY_MEETING)
    admin.post(path(world, "upload/"), {"file": good}, format="multipart")
    calendar_imports_load_requested()
    bad = SimpleUploadedFile("work.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:x\r\n")
    response = admin.post(path(world, "upload/"), {"file": bad}, format="multipart")
    assert response.status_code == 202
    calendar_imports_load_requested()
    data = admin.get(path(world)).json()
    assert data["status"] == "failed" and "incomplete" in data["error"]
    assert data["busy_count"] > 50


def test_a_file_that_is_plainly_not_a_calendar_is_a_400_naming_the_field(world, admin):
    bad = SimpleUploadedFile("work.ics", b"<html>Sign in</html>")
    response = admin.post(path(world, "upload/"), {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert "not an iCalendar file" in response.json()["errors"]["file"][0]


def test_upload_needs_a_file(world, admin):
    response = admin.post(path(world, "upload/"), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_delete_stops_importing(world, admin):
    admin.post(path(world, "upload/"), {"file": SimpleUploadedFile("a.ics", WEEKLY_MEETING)})
    calendar_imports_load_requested()
    assert admin.delete(path(world)).status_code == 204
    assert admin.get(path(world)).json()["busy_count"] == 0
