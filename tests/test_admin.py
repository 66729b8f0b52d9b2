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
    assert client.get("/admin/schedule/event/").status_code == 200
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
    user = make_user(role=Role.YOT_ADMIN)
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "username": user.username,
            "email": user.email,
            "role": Role.CASE_MANAGER,
            "is_active": "on",
            "date_joined_0": "2027-01-01",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()


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
