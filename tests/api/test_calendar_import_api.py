"""/practitioners/{id}/calendar-import/: set a URL, upload a file, see how loads went."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from tests.calendar_support import WEEKLY_MEETING
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


def test_set_a_url_then_see_its_status(world, admin, ics_server):
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    response = admin.put(path(world), {"url": url}, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["source"] == "url" and data["url"] == url and data["busy_count"] > 50
    assert data["last_success_at"] and data["last_error"] is None


def test_a_refused_url_is_a_400_naming_the_field(world, admin, settings):
    settings.CALENDAR_IMPORT = {**settings.CALENDAR_IMPORT, "allow_private": False}
    response = admin.put(path(world), {"url": "http://127.0.0.1:8000/a.ics"}, format="json")
    assert response.status_code == 400
    assert "local or private network" in response.json()["errors"]["url"][0]
    response = admin.put(path(world), {"url": "ftp://example.org/a.ics"}, format="json")
    assert "Only http and https" in response.json()["errors"]["url"][0]


def test_a_failed_refresh_is_shown_to_the_practitioner(world, ics_server):
    from screening.calendars.imports import calendar_import_refresh
    from screening.models import CalendarImport

    nurse = world.people["health"]
    url = ics_server.serve("/work.ics", WEEKLY_MEETING)
    client = client_for(nurse.user)
    client.put(path(world), {"url": url}, format="json")
    ics_server.serve("/work.ics", b"", status=500)
    calendar_import_refresh(calendar_import=CalendarImport.objects.get())
    data = client.get(path(world)).json()
    assert data["last_error"] == "The calendar address answered HTTP 500."
    assert data["last_error_at"] and data["busy_count"] > 50


def test_upload_a_file(world, admin):
    upload = SimpleUploadedFile("work.ics", WEEKLY_MEETING, content_type="text/calendar")
    response = admin.post(path(world, "upload/"), {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["file_name"] == "work.ics" and response.json()["busy_count"] > 50


def test_a_broken_upload_is_a_400_and_keeps_the_previous_import(world, admin):
    good = SimpleUploadedFile("work.ics", WEEKLY_MEETING)
    admin.post(path(world, "upload/"), {"file": good}, format="multipart")
    bad = SimpleUploadedFile("work.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:x\r\n")
    response = admin.post(path(world, "upload/"), {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert "incomplete" in response.json()["errors"]["file"][0]
    assert admin.get(path(world)).json()["busy_count"] > 50


def test_upload_needs_a_file(world, admin):
    response = admin.post(path(world, "upload/"), {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_delete_stops_importing(world, admin):
    admin.post(path(world, "upload/"), {"file": SimpleUploadedFile("a.ics", WEEKLY_MEETING)})
    assert admin.delete(path(world)).status_code == 204
    assert admin.get(path(world)).json()["busy_count"] == 0
