"""Subject access (UK GDPR Art 15): everything held about one young person, as a zip of JSON
files and one readable Word document, with third parties left out.

What is exported is decided from the declarations (screening/governance/declarations.py):
every field of each of the young person's tables goes out with its category (personal,
special category, criminal offence) beside it, and a field that is not declared stops the
export rather than leaving unseen. Third parties are left out by construction:

- only rows about this young person are selected (their record, their cases and what hangs
  off those), so nothing of another young person can be reached;
- a link to staff (a login, a practitioner) is written as the name only, with the
  practitioner's agency: staff names and agencies are part of the record, their emails,
  phone numbers, usernames and calendar addresses are not;
- a link to configuration (a room, an agency, a form) is written as its name or number.

Free text written by staff or by the young person (findings, the plan, replies) goes out as
written: the YOT manager reads the document before releasing it, as for any request.

The export is itself audited (who, when, which young person), never its content.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from docx import Document

from accounts.models import Role, User
from agencies.local_time import date_words
from agencies.models import Agency, FindingsForm, Interpreter, Practitioner
from screening.access import can
from screening.audit import audit_record
from screening.governance.declarations import DECLARATIONS, NONE
from screening.models import (
    AdminTask,
    Alert,
    AssessmentDraft,
    AssessmentVersion,
    AuditEntry,
    Case,
    DraftEvent,
    DraftSection,
    Finding,
    InboundMessage,
    Message,
    NewInformation,
    NumberStatus,
    OversightNote,
    ParentCarerUnavailableTime,
    PlanAction,
    ReplyLink,
    Review,
    Room,
    Session,
    UnavailableTime,
    Visit,
    VisitHistory,
    YoungPerson,
)

AUDIT_DETAIL = "subject access"
MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Part:
    """One JSON file of the export: a section title, and the tables it holds."""

    file: str
    title: str
    tables: tuple[tuple[str, type[models.Model]], ...]


PARTS = (
    Part(
        "young_person.json",
        "The young person's record",
        (
            ("young_person", YoungPerson),
            ("unavailable_times", UnavailableTime),
            ("parent_carer_unavailable_times", ParentCarerUnavailableTime),
        ),
    ),
    Part("cases.json", "Cases", (("cases", Case),)),
    Part(
        "visits.json",
        "Visits and sessions",
        (("visits", Visit), ("sessions", Session), ("visit_history", VisitHistory)),
    ),
    Part("findings.json", "Findings, every version", (("findings", Finding),)),
    Part(
        "assessments.json",
        "Assessment drafts and signed-off assessments",
        (
            ("assessments", AssessmentDraft),
            ("sections", DraftSection),
            ("events", DraftEvent),
            ("signed_off_versions", AssessmentVersion),
        ),
    ),
    Part("plan_actions.json", "Plan actions", (("plan_actions", PlanAction),)),
    Part(
        "oversight_notes.json",
        "Management oversight notes",
        (("oversight_notes", OversightNote),),
    ),
    Part(
        "reviews.json",
        "Reviews and new information",
        (("reviews", Review), ("new_information", NewInformation)),
    ),
    Part(
        "texts.json",
        "Texts and replies",
        (
            ("texts", Message),
            ("replies", InboundMessage),
            ("reply_links", ReplyLink),
            ("number_status", NumberStatus),
        ),
    ),
    Part("alerts.json", "Urgent alerts", (("alerts", Alert),)),
    Part("admin_tasks.json", "Tasks for the YOT admins", (("admin_tasks", AdminTask),)),
    Part(
        "audit.json",
        "Audit entries about them",
        (("audit_entries", AuditEntry), ("administration_history", LogEntry)),
    ),
)

_STAFF = (
    "About staff (logins, their sign-ins, tokens and two-factor devices), not the young person."
)
_CONFIGURATION = "Configuration: says nothing about any young person."
_STAFF_EMAIL = (
    "Emails to staff waiting or sent: about the member of staff (the row says only that there "
    "is an alert, a work list item or an invite); the alert, task or session itself is exported."
)
# Every other declared table, and why it is not part of a subject access export
# (tests/screening/governance/test_subject_access.py fails while a declared table is in
# neither PARTS nor here, so a new table about young people cannot be forgotten).
NOT_EXPORTED: dict[str, str] = {
    **dict.fromkeys(
        (
            "accounts.User",
            "accounts.User_groups",
            "accounts.User_user_permissions",
            "accounts.ApiToken",
            "accounts.AccountEvent",
            "accounts.PrivilegeRequest",
            "accounts.TwoFactorSetupCode",
            "agencies.Practitioner",
            "agencies.Interpreter",
            "screening.CalendarImport",
            "screening.PlannerRun",
            "sessions.Session",
            "axes.AccessAttempt",
            "axes.AccessAttemptExpiration",
            "axes.AccessFailureLog",
            "axes.AccessLog",
            "otp_totp.TOTPDevice",
        ),
        _STAFF,
    ),
    **dict.fromkeys(
        (
            "schedule.Calendar",
            "schedule.CalendarRelation",
            "schedule.Rule",
            "schedule.Event",
            "schedule.EventRelation",
            "schedule.Occurrence",
        ),
        "Practitioners', interpreters' and rooms' availability: about staff, not the young person.",
    ),
    **dict.fromkeys(
        ("screening.FreedSlot", "screening.FreedSlot_practitioners"),
        "Time a cancellation gave back to rooms and practitioners, for other cases: the "
        "visit it came from is exported with the visits.",
    ),
    **dict.fromkeys(
        (
            "agencies.Agency",
            "agencies.FindingsForm",
            "screening.CaseReferenceCounter",
            "screening.ClosureDay",
            "screening.Venue",
            "screening.OpeningHours",
            "screening.Room",
            "screening.AssessmentLayout",
            "screening.MessageTemplate",
            "screening.RetentionRule",
            "auth.Permission",
            "auth.Group",
            "auth.Group_permissions",
            "contenttypes.ContentType",
        ),
        _CONFIGURATION,
    ),
    **dict.fromkeys(
        ("screening.AlertEmail", "screening.WorkEmail", "screening.InviteEmail"), _STAFF_EMAIL
    ),
    **dict.fromkeys(
        ("screening.DisposalBatch", "screening.DisposalItem"),
        "The record of disposal under the retention schedule: which cases were reduced or "
        "disposed of, when and who approved it; the case's own retention stage is exported "
        "with the case.",
    ),
}
SECTION_TITLES = tuple(part.title for part in PARTS)

# Fields that would name a third party or reach a member of staff's contact details: a
# login's username is the staff member's own identifier, not part of the young person's
# record (their name is given instead).
LEFT_OUT = {"screening.AuditEntry": {"username"}}
# Tasks about a member of staff's email that could not be sent (an invite, an alert, a work
# list email): linked to the case, but about the staff member, and they quote their address.
STAFF_TASKS = (
    AdminTask.Kind.INVITE_FAILED,
    AdminTask.Kind.ALERT_EMAIL_FAILED,
    AdminTask.Kind.WORK_EMAIL_FAILED,
)


def _staff_name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or (
        str(Role(user.role).label) if user.role in Role.values else "Staff"
    )


def _link(value: models.Model | None) -> object:
    """A linked row as the export writes it: staff by name (and agency), configuration by name,
    the young person's own rows by number."""
    if value is None:
        return None
    if isinstance(value, User):
        return {"staff": _staff_name(value)}
    if isinstance(value, Practitioner):
        return {"practitioner": value.name, "agency": value.agency.name}
    if isinstance(value, Interpreter):
        return {"interpreter": value.name}
    if isinstance(value, Agency):
        return value.name
    if isinstance(value, Room):
        return f"{value.venue.name}, {value.name}"
    if isinstance(value, FindingsForm):
        return f"{value.title}, version {value.version}"
    return value.pk


def _categories(label: str) -> dict[str, str]:
    table = DECLARATIONS[label]
    out = {}
    for name, declared in table.fields.items():
        if isinstance(declared, str):
            out[name] = declared
        else:
            category = declared[0]
            out[name] = ", ".join(category) if isinstance(category, tuple) else category
    return out


def _row(obj: models.Model) -> dict[str, object]:
    """One row: every declared field, links written as `_link` says."""
    label = obj._meta.label
    declared = DECLARATIONS[label].fields
    left_out = LEFT_OUT.get(label, set())
    row: dict[str, object] = {}
    for field in obj._meta.concrete_fields:
        if field.name not in declared:
            raise ValidationError(
                f"{label}.{field.name} is not declared in screening/governance/declarations.py: "
                "declare what it holds before it can be exported."
            )
        if field.name in left_out:
            continue
        if field.is_relation:
            row[field.name] = _link(getattr(obj, field.name))
        else:
            row[field.name] = field.value_from_object(obj)
    return row


def _rows_of(young_person: YoungPerson) -> dict[str, Iterable[models.Model]]:
    """Every row about this young person, and only theirs."""
    cases = Case.objects.filter(young_person=young_person)
    visits = Visit.objects.filter(case__in=cases)
    sessions = Session.objects.filter(visit__in=visits)
    drafts = AssessmentDraft.objects.filter(case__in=cases)
    texts = Message.objects.filter(Q(young_person=young_person) | Q(visit__in=visits))
    replies = InboundMessage.objects.filter(Q(young_person=young_person) | Q(visit__in=visits))
    numbers = {n for n in (young_person.mobile, young_person.parent_carer_mobile) if n}
    findings = Finding.objects.filter(session__in=sessions)
    own_objects = (
        Q(object_type="youngperson", object_id=young_person.pk)
        | Q(object_type="finding", object_id__in=findings.values("pk"))
        | Q(object_type="assessmentdraft", object_id__in=drafts.values("pk"))
    )
    return {
        "young_person": [young_person],
        "unavailable_times": UnavailableTime.objects.filter(young_person=young_person),
        "parent_carer_unavailable_times": ParentCarerUnavailableTime.objects.filter(
            young_person=young_person
        ),
        "cases": cases.select_related("case_manager").order_by("pk"),
        "visits": visits.select_related("room__venue", "venue", "booked_by").order_by("pk"),
        "sessions": sessions.select_related("agency", "practitioner__agency").order_by("pk"),
        "visit_history": VisitHistory.objects.filter(visit__in=visits)
        .select_related("by")
        .order_by("pk"),
        "findings": findings.select_related("session__agency", "form", "updated_by").order_by(
            "session_id", "version", "pk"
        ),
        "assessments": drafts.select_related("submitted_by", "signed_off_by").order_by("pk"),
        "sections": DraftSection.objects.filter(draft__in=drafts)
        .select_related("edited_by")
        .order_by("draft_id", "position", "pk"),
        "events": DraftEvent.objects.filter(draft__in=drafts).select_related("by").order_by("pk"),
        "signed_off_versions": AssessmentVersion.objects.filter(case__in=cases)
        .select_related("submitted_by", "signed_off_by")
        .order_by("case_id", "version"),
        "reviews": Review.objects.filter(case__in=cases)
        .select_related("created_by", "started_by", "signed_off_by")
        .order_by("case_id", "pk"),
        "new_information": NewInformation.objects.filter(case__in=cases)
        .select_related("recorded_by")
        .order_by("case_id", "pk"),
        "plan_actions": PlanAction.objects.filter(case__in=cases)
        .select_related("owner_agency", "owner", "created_by", "updated_by")
        .order_by("case_id", "pk"),
        "oversight_notes": OversightNote.objects.filter(case__in=cases)
        .select_related("author")
        .order_by("case_id", "created_at", "pk"),
        "texts": texts.order_by("pk"),
        "reply_links": ReplyLink.objects.filter(visit__in=visits).order_by("pk"),
        "replies": replies.order_by("pk"),
        "number_status": NumberStatus.objects.filter(number__in=numbers).order_by("number"),
        "alerts": Alert.objects.filter(case__in=cases).select_related("recipient").order_by("pk"),
        "admin_tasks": AdminTask.objects.filter(
            Q(case__in=cases) | Q(message__in=texts) | Q(inbound__in=replies)
        )
        .exclude(kind__in=STAFF_TASKS)
        .select_related("done_by")
        .order_by("pk"),
        "audit_entries": AuditEntry.objects.filter(Q(case__in=cases) | own_objects)
        .select_related("user")
        .order_by("at", "pk"),
        "administration_history": _administration_history(young_person, cases, visits),
    }


def _administration_history(
    young_person: YoungPerson, cases: QuerySet[Case], visits: QuerySet[Visit]
) -> QuerySet[LogEntry]:
    """Changes made in the administration pages to their record, cases and visits."""
    kinds = ContentType.objects.get_for_models(YoungPerson, Case, Visit)
    about = Q(content_type=kinds[YoungPerson], object_id=str(young_person.pk))
    about |= Q(
        content_type=kinds[Case],
        object_id__in=[str(pk) for pk in cases.values_list("pk", flat=True)],
    )
    about |= Q(
        content_type=kinds[Visit],
        object_id__in=[str(pk) for pk in visits.values_list("pk", flat=True)],
    )
    return LogEntry.objects.filter(about).select_related("user").order_by("action_time", "pk")


def _json(value: object) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def subject_access_export(*, young_person: YoungPerson, user: User | None) -> bytes:
    """The zip of everything held about the young person (a JSON file per part, a manifest
    and `subject-access.docx`), audited as an export by `user` (None: the command line).
    Raises PermissionDenied for a user who is not a YOT manager."""
    if user is not None and not can(user, "subject_access", "read"):
        raise PermissionDenied(
            "Only a YOT manager may export everything held about a young person."
        )
    with transaction.atomic():
        audit_record(
            user=user,
            action=AuditEntry.Action.EXPORT,
            obj=young_person,
            case=None,
            detail=AUDIT_DETAIL,
        )
        rows = _rows_of(young_person)
        parts = {
            part.file: {
                "title": part.title,
                **{
                    key: {
                        "categories": _categories(model._meta.label),
                        "rows": [_row(obj) for obj in rows[key]],
                    }
                    for key, model in part.tables
                },
            }
            for part in PARTS
        }
        made = timezone.now()
        manifest = {
            "young_person": young_person.pk,
            "made_at": made,
            "made_by": _staff_name(user) if user else "Command line",
            "marking": MARKING,
            "files": [part.file for part in PARTS] + ["subject-access.docx"],
            "left_out": "Other young people; staff contact details (emails, phone numbers, "
            "usernames, calendar addresses). Staff names and agencies are part of the record.",
            "tables_not_exported": NOT_EXPORTED,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", _json(manifest))
            for name, content in parts.items():
                archive.writestr(name, _json(content))
            archive.writestr("subject-access.docx", _document(young_person, parts, made))
    return buffer.getvalue()


def export_filename(young_person: YoungPerson, *, on: dt.date | None = None) -> str:
    """'subject-access-42-2027-02-23.zip': the record's number, never the name (the file name
    travels in logs and download folders)."""
    day = on or timezone.localdate()
    return f"subject-access-{young_person.pk}-{day:%Y-%m-%d}.zip"


# --- the readable document ---------------------------------------------------------------


def _words(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        wall = timezone.localtime(value)
        return f"{date_words(wall.date())}, {wall:%H:%M}"
    if isinstance(value, dt.date):
        return date_words(value)
    if isinstance(value, dict) and set(value) <= {"staff", "practitioner", "agency"}:
        return ", ".join(str(v) for v in value.values() if v)
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return str(value)


COLUMNS = ("Field", "Held", "Category")


def _row_heading(model: type[models.Model], row: dict) -> str:
    """'Finding 3, version 2', 'Draft section 12: Substance use', 'Message 7'."""
    heading = f"{str(model._meta.verbose_name).capitalize()} {row.get('id', '')}".strip()
    if row.get("version") and model is not Visit:
        heading += f", version {row['version']}"
    if row.get("title"):
        heading += f": {row['title']}"
    return heading


def _document(young_person: YoungPerson, parts: dict[str, dict], made: dt.datetime) -> bytes:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = MARKING
    doc.sections[0].footer.paragraphs[0].text = MARKING
    doc.add_heading(
        f"Everything held about {young_person.given_name} {young_person.family_name}", 0
    )
    doc.add_paragraph(
        f"Born {date_words(young_person.date_of_birth)}. Subject access export made "
        f"{_words(made)}. Other young people and staff contact details are left out; staff "
        "names and agencies are part of the record."
    )
    for part in PARTS:
        doc.add_heading(part.title, 1)
        content = parts[part.file]
        written = False
        for key, model in part.tables:
            table = content[key]
            for row in table["rows"]:
                written = True
                doc.add_heading(_row_heading(model, row), 2)
                grid = doc.add_table(rows=1, cols=3)
                grid.style = "Table Grid"
                for cell, words in zip(
                    grid.rows[0].cells, ("Field", "Held", "Category"), strict=True
                ):
                    cell.text = words
                for name, value in row.items():
                    if value is None or value == "" or value == [] or value == {}:
                        continue
                    field = model._meta.get_field(name)
                    category = table["categories"].get(name, NONE)
                    cells = grid.add_row().cells
                    cells[0].text = str(field.verbose_name).capitalize()
                    choices = dict(field.flatchoices) if field.choices else {}
                    held = choices.get(value) if isinstance(value, str | int) else None
                    cells[1].text = str(held or _words(value))
                    cells[2].text = "" if category == NONE else category.capitalize()
        if not written:
            doc.add_paragraph("Nothing held.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
