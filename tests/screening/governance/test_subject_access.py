"""Subject access: a YOT manager's export holds every kind of record about the young person,
nothing of anyone else, no staff contact details, and is itself audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from docx import Document

from accounts.models import Role
from screening.assessment.findings import findings_save, findings_submit
from screening.audit import audit_entry_words
from screening.booking.services import session_record_attendance
from screening.governance.declarations import DECLARATIONS
from screening.governance.subject_access import (
    NOT_EXPORTED,
    PARTS,
    SECTION_TITLES,
    export_filename,
    subject_access_export,
)
from screening.messaging.replies import inbound_record
from screening.models import AdminTask, AssessmentDraft, AuditEntry, Finding, Message
from screening.worktray.services import admin_task_create
from tests.factories import complete_answers, make_room, make_user, make_working_practitioner
from tests.messaging import YP_MOBILE, at, book, freeze, travel
from tests.messaging import texting_person as person

pytestmark = pytest.mark.django_db

OTHER_MOBILE = "+447911123457"
PRACTITIONER_PHONE = "020 7946 0991"
PRACTITIONER_EMAIL = "dana.nurse@health.example.org"


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)  # Tuesday 23 February 2027, 09:00


@pytest.fixture
def subject(clock):
    """Ffion, with a case, a visit on Tuesday 2 March 2027 at 10:00 she attended, health
    findings in two versions, a draft, her texts and a YES reply; and Zebedee, a second young
    person with his own case, visit, texts and reply."""
    practitioner = make_working_practitioner(
        agency="health",
        weekdays=(0, 1, 2, 3, 4, 5, 6),
        hours=(8, 18),
        name="Dana Nurse",
        email=PRACTITIONER_EMAIL,
        phone=PRACTITIONER_PHONE,
    )
    team = ({"health": practitioner}, make_room())
    ffion = person(given_name="Ffion", family_name="Subjectperson")
    zebedee = person(
        given_name="Zebedee", family_name="Otherchild", mobile="07911 123457", sms_consent=True
    )
    visit = book(team, person=ffion, start=at(10))
    other_visit = book(team, person=zebedee, start=at(14))
    case = visit.case
    case.case_manager = make_user(role=Role.CASE_MANAGER, first_name="Cara", last_name="Manager")
    case.save()
    Message.objects.filter(visit=visit, purpose="confirmation").update(
        status="sent", provider_id="SM1"
    )
    Message.objects.filter(visit=other_visit, purpose="confirmation").update(
        status="sent", provider_id="SM2"
    )
    inbound_record(provider_id="IN1", from_number=YP_MOBILE, body="YES")
    inbound_record(
        provider_id="IN2", from_number=OTHER_MOBILE, body="Zebedee cannot come, quarrelsome"
    )
    clock.moment = at(12)  # after both sessions started (the second one has not)
    session = visit.sessions.get()
    session_record_attendance(session=session, attended=True)
    user = practitioner.user
    findings_submit(session=session, user=user, answers=complete_answers("health"))
    findings_save(
        session=session, user=user, answers=complete_answers("health", substances=["alcohol"])
    )
    findings_submit(session=session, user=user)
    return {
        "ffion": ffion,
        "zebedee": zebedee,
        "case": case,
        "other_case": other_visit.case,
        "visit": visit,
        "practitioner": practitioner,
        "manager": make_user(role=Role.YOT_MANAGER, first_name="Morgan", last_name="Lead"),
    }


def open_export(blob: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(blob))
    files = {name: archive.read(name) for name in archive.namelist()}
    parts = {name: json.loads(content) for name, content in files.items() if name.endswith(".json")}
    doc = Document(io.BytesIO(files["subject-access.docx"]))
    words = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        words += [cell.text for row in table.rows for cell in row.cells]
    return {"files": files, "parts": parts, "doc": doc, "text": "\n".join(words)}


def everything(export: dict) -> str:
    """Every JSON file's text and the document's text, together."""
    raw = [content.decode() for name, content in export["files"].items() if name.endswith(".json")]
    return "\n".join([*raw, export["text"]])


def ids(export: dict, part: str, table: str, field: str = "id") -> set:
    return {row[field] for row in export["parts"][part][table]["rows"]}


def test_the_export_holds_every_kind_of_record_about_the_young_person(subject):
    export = open_export(
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    )
    case, visit = subject["case"], subject["visit"]
    assert ids(export, "young_person.json", "young_person") == {subject["ffion"].pk}
    assert ids(export, "cases.json", "cases", "reference") == {case.reference}
    assert ids(export, "visits.json", "visits") == {visit.pk}
    [session] = export["parts"]["visits.json"]["sessions"]["rows"]
    assert session["attended"] is True
    assert session["practitioner"] == {"practitioner": "Dana Nurse", "agency": "Health"}
    assert export["parts"]["visits.json"]["visit_history"]["rows"]
    versions = [row["version"] for row in export["parts"]["findings.json"]["findings"]["rows"]]
    assert versions == [1, 2]
    findings = export["parts"]["findings.json"]["findings"]["rows"]
    assert findings[1]["answers"]["substances"] == ["alcohol"]
    assert export["parts"]["findings.json"]["findings"]["categories"]["answers"] == (
        "special category, criminal offence"
    )
    draft = AssessmentDraft.objects.get(case=case)
    assert ids(export, "assessments.json", "assessments") == {draft.pk}
    assert export["parts"]["assessments.json"]["sections"]["rows"]
    texts = Message.objects.filter(visit=visit)
    assert ids(export, "texts.json", "texts") == set(texts.values_list("pk", flat=True))
    assert [r["body"] for r in export["parts"]["texts.json"]["replies"]["rows"]] == ["YES"]
    audited = {
        (row["object_type"], row["action"])
        for row in export["parts"]["audit.json"]["audit_entries"]["rows"]
    }
    assert ("finding", "submit") in audited
    assert ("youngperson", "export") in audited


def test_nothing_of_another_young_person_is_in_the_zip_or_the_document(subject):
    export = open_export(
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    )
    other = subject["zebedee"]
    text = everything(export)
    for identifier in (
        other.given_name,
        other.family_name,
        other.mobile,
        subject["other_case"].reference,
        "quarrelsome",
    ):
        assert identifier not in text
    other_visit = subject["other_case"].visits.get()
    other_texts = set(Message.objects.filter(visit=other_visit).values_list("pk", flat=True))
    assert not ids(export, "texts.json", "texts") & other_texts
    assert other_visit.pk not in ids(export, "visits.json", "visits")


def test_staff_contact_details_are_left_out_but_names_and_agencies_stay(subject):
    export = open_export(
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    )
    practitioner = subject["practitioner"]
    text = everything(export)
    for contact in (
        practitioner.email,
        practitioner.phone,
        PRACTITIONER_PHONE,
        practitioner.user.email,
        practitioner.user.username,
        subject["case"].case_manager.email,
        subject["case"].case_manager.username,
        subject["manager"].username,
        "@",
    ):
        assert contact and contact not in text, contact
    assert "Dana Nurse" in text
    assert "Cara Manager" in text


def test_the_export_is_audited_naming_who_and_which_young_person_never_the_content(subject):
    with travel(at(15)):  # the audit entry's time comes from the real clock
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.user, entry.object_type, entry.object_id) == (
        subject["manager"],
        "youngperson",
        subject["ffion"].pk,
    )
    assert entry.detail == "subject access"
    assert audit_entry_words(entry, agency_names={}) == (
        f"Exported everything held about young person {subject['ffion'].pk} (subject access)"
    )
    assert abs(entry.at - at(15)) < dt.timedelta(minutes=1)


def test_only_a_yot_manager_may_export(subject):
    for role in (Role.YOT_ADMIN, Role.CASE_MANAGER, Role.PRACTITIONER, Role.SYSTEM_ADMIN):
        with pytest.raises(PermissionDenied):
            subject_access_export(young_person=subject["ffion"], user=make_user(role=role))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_document_opens_and_names_the_young_person_and_each_section(subject):
    export = open_export(
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    )
    headings = [p.text for p in export["doc"].paragraphs if p.style.name.startswith("Heading")]
    title = [p.text for p in export["doc"].paragraphs if p.style.name == "Title"]
    assert title == ["Everything held about Ffion Subjectperson"]
    for section in SECTION_TITLES:
        assert section in headings
    assert "Born 17 May 2011" in export["text"]
    # Stored codes are written as people say them.
    assert "Referral order" in export["text"]
    assert "referral_order" not in export["text"]
    first, second = Finding.objects.filter(session__visit=subject["visit"]).order_by("version")
    assert [h for h in headings if h.startswith("Finding ")] == [
        f"Finding {first.pk}, version 1",
        f"Finding {second.pk}, version 2",
    ]


def test_the_command_writes_the_zip_and_audits_it(subject, tmp_path):
    out = tmp_path / "export.zip"
    call_command("subject_access", str(subject["ffion"].pk), "--out", str(out))
    export = open_export(out.read_bytes())
    assert ids(export, "young_person.json", "young_person") == {subject["ffion"].pk}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.username, entry.object_id) == ("system", subject["ffion"].pk)


def test_the_file_name_carries_the_record_number_and_day_never_the_name(subject):
    name = export_filename(subject["ffion"])
    assert name == f"subject-access-{subject['ffion'].pk}-2027-03-02.zip"


def test_tasks_about_staff_emails_are_left_out_and_tasks_about_the_young_person_kept(subject):
    case, visit = subject["case"], subject["visit"]
    manager = case.case_manager
    kept = admin_task_create(
        kind=AdminTask.Kind.UNDELIVERED, visit=visit, text="Phone Ffion: a text was not delivered."
    )
    admin_task_create(
        kind=AdminTask.Kind.WORK_EMAIL_FAILED,
        case=case,
        text=f"The email to Cara Manager could not be sent to {manager.email} after 5 tries.",
    )
    admin_task_create(
        kind=AdminTask.Kind.INVITE_FAILED,
        visit=visit,
        text=f"The invite could not be emailed to {PRACTITIONER_EMAIL} after 5 tries.",
    )
    export = open_export(
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    )
    assert ids(export, "admin_tasks.json", "admin_tasks") == {kept.pk}
    text = everything(export)
    assert manager.email not in text
    assert PRACTITIONER_EMAIL not in text


def test_a_field_not_declared_stops_the_export_naming_it_and_nothing_is_audited(
    subject, monkeypatch
):
    from screening.governance import declarations

    table = declarations.DECLARATIONS["screening.Message"]
    fields = {k: v for k, v in table.fields.items() if k != "body"}
    monkeypatch.setitem(
        declarations.DECLARATIONS, "screening.Message", dataclasses.replace(table, fields=fields)
    )
    with pytest.raises(ValidationError, match=r"screening\.Message\.body is not declared"):
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_command_refuses_a_user_who_is_not_a_yot_manager(subject, tmp_path):
    admin = make_user(role=Role.YOT_ADMIN)
    out = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="Only a YOT manager"):
        call_command(
            "subject_access", str(subject["ffion"].pk), "--out", str(out), "--by", admin.username
        )
    assert not out.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_every_declared_table_is_exported_or_left_out_with_a_reason():
    exported = {model._meta.label for part in PARTS for _, model in part.tables}
    assert not exported & set(NOT_EXPORTED)
    assert set(DECLARATIONS) - exported - set(NOT_EXPORTED) == set()
    assert set(NOT_EXPORTED) <= set(DECLARATIONS)


def test_changes_in_the_administration_pages_to_their_record_are_exported(subject):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(subject["ffion"])
    for young_person in (subject["ffion"], subject["zebedee"]):
        LogEntry.objects.log_actions(
            user_id=subject["manager"].pk,
            queryset=[young_person],
            action_flag=CHANGE,
            change_message="Changed communication needs.",
            single_object=True,
        )
    export = open_export(
        subject_access_export(young_person=subject["ffion"], user=subject["manager"])
    )
    [row] = export["parts"]["audit.json"]["administration_history"]["rows"]
    assert (row["content_type"], row["object_id"]) == (kind.pk, str(subject["ffion"].pk))
    assert row["user"] == {"staff": "Morgan Lead"}
    assert "Zebedee" not in everything(export)
