"""The demo YOT: whole flow present, nothing double-booked, idempotent, never texts."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from agencies.models import Agency, Interpreter
from screening.messaging.send_times import in_quiet_hours
from screening.models import (
    Alert,
    AssessmentDraft,
    Case,
    DraftSection,
    Room,
    Session,
    Venue,
    Visit,
    VisitStatus,
    YoungPerson,
)
from screening.phone import normalise_uk_mobile
from tests.factories import JUDGEMENTS_GIVEN
from tests.messaging import travel

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "agencies", "screening", "schedule"}
    }


def test_seed_demo_refuses_a_real_sms_provider_and_writes_nothing(settings):
    settings.SMS_BACKEND = "twilio"
    before = table_counts()
    with pytest.raises(CommandError, match="real provider"):
        seed()
    assert table_counts() == before


def test_seed_demo_builds_the_whole_flow():
    output = seed()
    assert User.objects.filter(role=Role.PRACTITIONER, practitioner__isnull=False).count() >= 12
    assert Venue.objects.count() == 4 and Room.objects.count() == 4
    centre = Venue.objects.get(name="Mill Road youth centre")
    assert (centre.kind, centre.text_name, centre.travel_minutes) == (
        "community",
        "the youth centre on Mill Road",
        25,
    )
    assert Visit.objects.filter(room__venue=centre, status="booked").count() == 1
    # One booked visit at the young person's home, with no room; texts say "your home".
    home = Venue.objects.get(kind="home")
    (at_home,) = Visit.objects.filter(venue=home, status="booked")
    assert at_home.room is None and home.text_name == "your home"
    # The flow's 30, and 5 old cases left alone for years (the retention schedule's dry run).
    assert YoungPerson.objects.count() == 35 and Case.objects.count() == 35
    assert not Case.objects.filter(case_manager__isnull=True).exists()
    # Two interpreters, and one young person waiting for a visit who needs a Polish one.
    assert Interpreter.objects.count() == 2
    polish = Case.objects.get(young_person__interpreter_needed=True)
    assert polish.young_person.interpreter_language == "pl" and not polish.visits.exists()
    for role in Role:
        assert User.objects.filter(role=role).exists()
        assert str(role.label) in output
    assert Case.objects.filter(visits__isnull=True).count() >= 5
    assert Visit.objects.filter(status=VisitStatus.BOOKED).count() >= 5
    assert Visit.objects.filter(status=VisitStatus.COMPLETED).count() >= 5
    assert Session.objects.filter(attended=False).exclude(attendance_reason="").exists()
    # Each booked or completed visit sees all four agencies; a rebooking, the one missed.
    for visit in Visit.objects.filter(rebook_of=None):
        assert visit.sessions.count() == 4
    rebooked = Visit.objects.exclude(rebook_of=None)
    assert rebooked.exists() and all(visit.sessions.count() == 1 for visit in rebooked)
    # After the visits: findings missing, drafts being edited, in review, signed off.
    drafts = AssessmentDraft.objects.all()
    assert any(d.missing for d in drafts)
    assert any(m["reason"] == "did_not_attend" for d in drafts for m in d.missing)
    for status in ("draft", "awaiting_sign_off", "signed_off"):
        assert drafts.filter(status=status).exists(), status
    assert DraftSection.objects.filter(needs_review=True, edited=True).exists()
    assert Alert.objects.exists() and any(d.conflicts for d in drafts)
    assert any(d.restricted for d in drafts)


def test_seed_demo_never_double_books():
    seed()
    sessions = Session.objects.filter(cancelled=False)
    for s in sessions:
        overlapping = sessions.filter(
            practitioner=s.practitioner, start__lt=s.blocked_until, blocked_until__gt=s.start
        ).exclude(pk=s.pk)
        assert not overlapping.exists()
    for v in Visit.objects.exclude(status=VisitStatus.CANCELLED):
        assert (
            not Visit.objects.filter(room=v.room, start__lt=v.end, end__gt=v.start)
            .exclude(pk=v.pk)
            .exists()
        )


def test_seed_demo_stores_valid_e164_mobiles():
    seed()
    for mobile, parent in YoungPerson.objects.values_list("mobile", "parent_carer_mobile"):
        for number in filter(None, [mobile, parent]):
            assert number.startswith("+447") and normalise_uk_mobile(number) == number


def test_seed_demo_twice_changes_nothing():
    seed()
    before = table_counts()
    output = seed()
    assert "already present" in output
    assert table_counts() == before


def test_seed_demo_visits_sit_inside_the_deadline_or_give_a_reason():
    seed()
    for visit in Visit.objects.select_related("case"):
        local_day = visit.end.astimezone(dt.UTC).date()
        assert local_day <= visit.case.visit_due_by or visit.late_reason


def test_demo_case_goes_from_findings_to_signed_off_word_document_through_the_api():
    """The issue's 'done when', on the demo data: practitioners submit through the API, the
    draft merges, the case manager edits, a late amendment flags review, a manager signs
    off, and the Word export holds every section."""
    import io

    from docx import Document

    from screening.models import Session
    from tests.conftest import client_for
    from tests.factories import complete_answers

    seed()
    draft = next(
        d for d in AssessmentDraft.objects.all() if {m["reason"] for m in d.missing} == {"overdue"}
    )
    case = draft.case
    sessions = {
        s.agency.code: s
        for s in Session.objects.filter(visit__case=case, cancelled=False).select_related(
            "agency", "practitioner__user"
        )
    }
    for code in [m["agency"] for m in draft.missing]:
        session = sessions[code]
        response = client_for(session.practitioner.user).post(
            f"/api/v1/sessions/{session.pk}/findings/submit/",
            {"answers": complete_answers(code)},
            format="json",
        )
        assert response.status_code == 200, response.json()
    cm = client_for(case.case_manager)
    url = f"/api/v1/cases/{case.pk}/assessment-draft/"
    merged = cm.get(url).json()
    assert merged["missing"] == [] and len(merged["built_from"]) == 4
    assert all(s["sources"] for s in merged["sections"] if s["text"])
    cm.patch(url, {"sections": [{"key": "living_arrangements", "text": "With his aunt."}]},
             format="json")  # fmt: skip
    social = sessions["social_care"]
    client_for(social.practitioner.user).post(
        f"/api/v1/sessions/{social.pk}/findings/submit/",
        {"answers": complete_answers("social_care", missing_episodes=2)},
        format="json",
    )
    review = cm.get(url).json()
    living = next(s for s in review["sections"] if s["key"] == "living_arrangements")
    assert living["needs_review"] and living["text"] == "With his aunt."
    cm.patch(url, {"sections": [{"key": "living_arrangements", "reviewed": True}]}, format="json")
    cm.patch(url, {"judgements": JUDGEMENTS_GIVEN}, format="json")
    assert cm.post(f"{url}submit/").status_code == 200
    manager = client_for(User.objects.get(username="manager.hartwell"))
    assert manager.post(f"{url}sign-off/").json()["status"] == "signed_off"
    document = Document(io.BytesIO(manager.get(f"{url}document/").content))
    headings = {p.text for p in document.paragraphs}
    assert {s["title"] for s in review["sections"]} <= headings


def test_seed_demo_gives_one_practitioner_an_imported_weekly_meeting_that_is_respected():
    from demo.seed import CALENDAR_DEMO_USERNAME
    from screening.models import CalendarImport
    from screening.scheduling.expand import to_minutes

    seed()
    record = CalendarImport.objects.get(practitioner__user__username=CALENDAR_DEMO_USERNAME)
    assert record.source == "upload" and len(record.busy) >= 50
    # No session of theirs was booked over the meeting.
    for session in Session.objects.filter(practitioner=record.practitioner, cancelled=False):
        start, end = to_minutes(session.start), to_minutes(session.end)
        assert not any(s < end and start < e for s, e in record.busy), session


# Tuesday 1 December 2026, 06:30 in London (GMT, so 06:30 UTC): inside the quiet hours
# (21:00-08:00), when no text may be sent.
QUIET_HOURS = dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)
# The same day at 11:00, when texts go at once.
OFFICE_HOURS = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("moment", [QUIET_HOURS, OFFICE_HOURS], ids=["quiet", "office"])
def test_seed_demo_shows_texts_replies_delivery_reports_and_tasks_whatever_the_hour(moment):
    from screening.models import AdminTask, InboundMessage, Message

    with travel(moment):
        seed()
    booked = Visit.objects.filter(status=VisitStatus.BOOKED)
    assert Message.objects.filter(visit__in=booked).exists()
    assert not Message.objects.filter(visit__status=VisitStatus.COMPLETED).exists()
    statuses = set(Message.objects.values_list("status", flat=True))
    assert {"planned", "sent", "delivered", "undelivered"} <= statuses
    assert InboundMessage.objects.filter(kind="confirm").exists()
    assert AdminTask.objects.filter(kind="rearrange", done_at=None).exists()
    # Nothing went out in the quiet hours: what was sent, was sent before them.
    for sent_at in Message.objects.exclude(sent_at=None).values_list("sent_at", flat=True):
        assert not in_quiet_hours(sent_at), sent_at


def test_seed_demo_prints_one_login_per_role_and_per_agency_each_practitioner_with_findings_due():
    from screening.assessment.selectors import sessions_awaiting_findings_for

    with travel(QUIET_HOURS):
        output = seed()
        today = dt.date(2026, 12, 1)
        for role in Role:
            assert str(role.label) in output
        printed = output.split("demo login:")[1]
        for agency in Agency.objects.filter(required_by_default=True):
            line = next(line for line in printed.splitlines() if agency.name in line)
            username = line.split()[-1]
            user = User.objects.get(username=username, practitioner__agency=agency)
            due = [s.visit.case.findings_due_by for s in sessions_awaiting_findings_for(user=user)]
            assert any(day is not None and day >= today for day in due), (agency.code, due)


def test_the_timeliness_report_over_the_demo_shows_believable_shares_and_reasons():
    from screening.reports.timeliness import timeliness_for

    with travel(QUIET_HOURS):
        seed()
        report = timeliness_for(
            user=User.objects.get(username="manager.hartwell"),
            first_month=dt.date(2026, 10, 1),
            last_month=dt.date(2026, 12, 1),
        )
    stages = {stage.key: stage.total for stage in report.stages}
    for key in ("visit", "findings"):
        assert 0 < stages[key].on_time < stages[key].counted, (key, stages[key])
    findings = stages["findings"]
    assert findings.on_time > findings.late  # most findings are in on time
    kinds = {reason.kind for reason in report.reasons}
    # The demo's overdue review is late too, and says so apart from the visits.
    assert kinds == {
        "Visit after the deadline",
        "Missed session, rebooked",
        "Review still open after its due date",
    }
    assert all(reason.text for reason in report.reasons)


def test_demo_findings_carry_the_times_they_were_submitted_not_the_seeding_time():
    from screening.models import Finding

    with travel(QUIET_HOURS):
        seed()
    first = Finding.objects.filter(version=1).exclude(submitted_at=None)
    times = list(first.values_list("submitted_at", flat=True))
    assert len(set(times)) > len(times) // 2
    assert all(t < QUIET_HOURS for t in times)
    for finding in first.select_related("session"):
        assert finding.submitted_at >= finding.session.end


def test_demo_carers_have_their_own_names_and_one_young_person_is_texted_in_welsh():
    from screening.models import Message

    with travel(OFFICE_HOURS):
        seed()
    carers = [
        name.split()[0]
        for name in YoungPerson.objects.exclude(parent_carer_name="").values_list(
            "parent_carer_name", flat=True
        )
    ]
    assert len(set(carers)) == len(carers) > 3
    welsh = YoungPerson.objects.get(language="cy")
    texts = Message.objects.filter(young_person=welsh)
    assert texts.exists()
    # In Welsh (plain or easy-read, as her communication needs ask), none of it in English.
    for m in texts:
        assert m.language == "cy" and "Reply" not in m.body and "appointment" not in m.body
        assert "NEWID" in m.body or "apwyntiad" in m.body
