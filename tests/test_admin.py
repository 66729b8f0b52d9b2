"""Records created in the administration pages follow the same rules as the services."""

import pytest

from accounts.models import Role
from agencies.models import Agency, Practitioner
from screening.models import Case, Room
from tests.factories import make_user, make_venue, make_young_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = make_user(role=Role.SYSTEM_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_practitioner_added_in_admin_gets_its_own_calendar(admin_client):
    response = admin_client.post(
        "/admin/agencies/practitioner/add/",
        {
            "agency": Agency.objects.get(code="health").pk,
            "name": "Rosa Admin",
            "email": "rosa@agency.example.org",
            "daily_session_cap": 6,
            "buffer_minutes": 10,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    practitioner = Practitioner.objects.get(name="Rosa Admin")
    assert practitioner.calendar_id and practitioner.feed_token


def test_room_added_in_admin_gets_its_own_calendar(admin_client):
    venue = make_venue()
    response = admin_client.post(
        "/admin/screening/room/add/", {"venue": venue.pk, "name": "Quiet room", "is_active": "on"}
    )
    assert response.status_code == 302
    assert Room.objects.get(name="Quiet room").calendar_id


def test_case_added_in_admin_gets_reference_and_deadlines(admin_client):
    person = make_young_person()
    response = admin_client.post(
        "/admin/screening/case/add/",
        {
            "young_person": person.pk,
            "order_type": "other",
            "order_start_date": "2027-03-01",
            "created_at_0": "2027-03-01",
            "created_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content
    case = Case.objects.get(young_person=person)
    assert case.reference.startswith("YJ-") and str(case.visit_due_by) == "2027-03-08"
    response = admin_client.post(
        f"/admin/screening/case/{case.pk}/change/",
        {
            "young_person": person.pk,
            "order_type": "other",
            "order_start_date": "2027-03-08",
            "created_at_0": "2027-03-01",
            "created_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert str(case.visit_due_by) == "2027-03-15"


def test_admin_pages_open(admin_client):
    for url in [
        "/admin/",
        "/admin/schedule/event/",
        "/admin/schedule/calendar/",
        "/admin/screening/visit/",
        "/admin/agencies/practitioner/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_role_decides_what_the_admin_shows(client):
    yot_admin = make_user(role=Role.YOT_ADMIN)
    client.force_login(yot_admin)
    assert client.get("/admin/agencies/practitioner/").status_code == 200
    assert client.get("/admin/screening/visit/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    system_admin = make_user(role=Role.SYSTEM_ADMIN)
    client.force_login(system_admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/screening/youngperson/").status_code == 403


def test_roles_without_admin_work_are_not_staff(client):
    for role in (Role.CASE_MANAGER, Role.YOT_MANAGER, Role.PRACTITIONER):
        user = make_user(role=role)
        assert not user.is_staff
        client.force_login(user)
        assert client.get("/admin/").status_code == 302  # to the admin login


def test_changing_a_role_in_the_admin_moves_the_group(admin_client):
    # (A role that reads findings waits for a YOT manager: tests/accounts/test_privilege_changes.)
    user = make_user(role=Role.SYSTEM_ADMIN)
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "email": user.email,
            "role": Role.YOT_ADMIN,
            "is_active": "on",
            "date_joined_0": "2027-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Role: YOT admin"]


def test_findings_form_published_in_admin_is_a_new_checked_version(admin_client):
    from agencies.models import FindingsForm

    health = Agency.objects.get(code="health")
    bad = admin_client.post(
        "/admin/agencies/findingsform/add/",
        {"agency": health.pk, "title": "Health v2", "questions": '[{"key": "x"}]'},
    )
    assert bad.status_code == 200 and b"questions.0" in bad.content
    good = admin_client.post(
        "/admin/agencies/findingsform/add/",
        {
            "agency": health.pk,
            "title": "Health v2",
            "questions": '[{"key": "gp", "label": "GP registered", "type": "yes_no_unknown",'
            ' "draft": {"sections": ["physical_health"]}}]',
        },
    )
    assert good.status_code == 302
    assert list(FindingsForm.objects.filter(agency=health).values_list("version", flat=True)) == [
        2,
        1,
    ]
    assert admin_client.get("/admin/agencies/findingsform/").status_code == 200


def test_message_template_edited_in_admin_is_checked_naming_the_body(admin_client):
    from screening.models import MessageTemplate

    template = MessageTemplate.objects.get(purpose="confirmation", language="en", easy_read=False)
    url = f"/admin/screening/messagetemplate/{template.pk}/change/"
    fields = {"purpose": "confirmation", "language": "en"}
    wording = "Your YOT visit is on {date} at {time}, {place}"
    refused = admin_client.post(url, {**fields, "body": wording})
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert "never mention: yot" in " ".join(errors["body"])
    assert MessageTemplate.objects.get(pk=template.pk).body == template.body
    body = "Youth Support: see you {date} at {time}, {place}. Reply YES to confirm."
    saved = admin_client.post(url, {**fields, "body": body})
    assert saved.status_code == 302, saved.content
    assert MessageTemplate.objects.get(pk=template.pk).body == body


# --- visits and their records change only through the services --------------------------------


def visit_change_post(visit) -> dict[str, object]:
    """The admin's change form for `visit` as a browser would post it, status set to
    cancelled (times as the admin shows them, in the YOT's zone)."""
    from django.utils import timezone as tz

    def split(moment, name: str) -> dict[str, str]:
        local = tz.localtime(moment)
        return {f"{name}_0": f"{local:%Y-%m-%d}", f"{name}_1": f"{local:%H:%M:%S}"}

    sessions = list(visit.sessions.order_by("id"))
    data: dict[str, object] = {
        "case": visit.case_id,
        "room": visit.room_id,
        "status": "cancelled",
        "version": visit.version,
        **split(visit.start, "start"),
        **split(visit.end, "end"),
        "cancel_reason": "Cancelled in the admin",
        "late_reason": visit.late_reason,
        "rebook_of": "",
        "booked_by": "",
        **split(visit.created_at, "created_at"),
        "confirmed_at_0": "",
        "confirmed_at_1": "",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(len(sessions)),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for n, s in enumerate(sessions):
        data.update(
            {
                f"sessions-{n}-id": s.pk,
                f"sessions-{n}-visit": visit.pk,
                f"sessions-{n}-agency": s.agency_id,
                f"sessions-{n}-practitioner": s.practitioner_id,
                **split(s.start, f"sessions-{n}-start"),
                **split(s.end, f"sessions-{n}-end"),
                f"sessions-{n}-buffer_minutes": s.buffer_minutes,
                f"sessions-{n}-attended": "unknown",
                f"sessions-{n}-attendance_reason": "",
                f"sessions-{n}-attendance_recorded_at_0": "",
                f"sessions-{n}-attendance_recorded_at_1": "",
            }
        )
    return data


@pytest.fixture
def booked_visit(monkeypatch):
    from tests.messaging import book, freeze, make_team

    freeze(monkeypatch)
    return book(make_team())


def test_yot_admin_posting_a_cancelled_status_in_the_admin_is_refused_and_changes_nothing(
    client, booked_visit
):
    from screening.models import Message

    visit = booked_visit
    texts = set(Message.objects.filter(visit=visit).values_list("pk", "status"))
    client.force_login(make_user(role=Role.YOT_ADMIN))
    url = f"/admin/screening/visit/{visit.pk}/change/"
    assert client.get(url).status_code == 200  # they may still read it
    response = client.post(url, visit_change_post(visit))
    assert response.status_code == 403
    visit.refresh_from_db()
    assert (visit.status, visit.version, visit.cancel_reason) == ("booked", 1, "")
    assert list(visit.history.values_list("kind", flat=True)) == ["booked"]
    assert not visit.sessions.filter(cancelled=True).exists()
    assert set(Message.objects.filter(visit=visit).values_list("pk", "status")) == texts


def test_even_a_superuser_cannot_change_or_delete_a_visit_in_the_admin(booked_visit, admin_client):
    visit = booked_visit
    url = f"/admin/screening/visit/{visit.pk}/"
    assert admin_client.post(f"{url}change/", visit_change_post(visit)).status_code == 403
    assert admin_client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/screening/visit/add/").status_code == 403
    visit.refresh_from_db()
    assert visit.status == "booked" and visit.sessions.count() == 1


def test_booking_texts_and_findings_records_are_read_only_in_the_admin(rf):
    """Visits, sessions, visit history, texts, invites, alert and work emails, findings and
    drafts (and their generated parts): none can be added, changed or deleted in the
    admin, whoever asks; the booking, text and findings services are the only writers."""
    from django.contrib import admin

    from screening import models as m

    superuser = make_user(role=Role.SYSTEM_ADMIN)
    superuser.is_staff = superuser.is_superuser = True
    request = rf.get("/admin/")
    request.user = superuser
    guarded = [
        m.Visit,
        m.Session,
        m.VisitHistory,
        m.Message,
        m.InboundMessage,
        m.InviteEmail,
        m.AlertEmail,
        m.WorkEmail,
        m.Finding,
        m.AssessmentDraft,
        m.DraftSection,
        m.DraftEvent,
    ]
    writable = []
    for model in guarded:
        model_admin = admin.site._registry.get(model)
        admins = [model_admin] if model_admin else []
        for registered in admin.site._registry.values():
            admins += [
                inline(registered.model, admin.site)
                for inline in registered.inlines
                if inline.model is model
            ]
        for a in admins:
            if (
                a.has_add_permission(request, *([None] if hasattr(a, "parent_model") else []))
                or a.has_change_permission(request)
                or a.has_delete_permission(request)
            ):
                writable.append(f"{model.__name__} ({type(a).__name__})")
    assert writable == []


def test_the_scheduler_internal_tables_are_hidden_from_yot_admins(client):
    yot_admin = make_user(role=Role.YOT_ADMIN)
    client.force_login(yot_admin)
    index = client.get("/admin/")
    assert index.status_code == 200
    apps = {app["app_label"] for app in index.context["app_list"]}
    assert "screening" in apps and "schedule" not in apps
    for model in ["calendar", "event", "rule", "occurrence", "calendarrelation", "eventrelation"]:
        assert client.get(f"/admin/schedule/{model}/").status_code == 403, model
    system_admin = make_user(role=Role.SYSTEM_ADMIN)
    client.force_login(system_admin)
    assert "schedule" in {app["app_label"] for app in client.get("/admin/").context["app_list"]}
    assert client.get("/admin/schedule/event/").status_code == 200


def test_practitioner_login_set_in_the_admin_must_have_the_practitioner_role(admin_client):
    from tests.factories import make_practitioner

    practitioner = make_practitioner(agency="health", with_login=False, name="Ines Okafor")
    manager = make_user(role=Role.CASE_MANAGER)
    response = admin_client.post(
        f"/admin/agencies/practitioner/{practitioner.pk}/change/",
        {
            "agency": practitioner.agency_id,
            "user": manager.pk,
            "name": practitioner.name,
            "email": practitioner.email,
            "phone": "",
            "daily_session_cap": 6,
            "buffer_minutes": 10,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["user"] == ["This login does not have the practitioner role."]
    practitioner.refresh_from_db()
    assert practitioner.user is None
