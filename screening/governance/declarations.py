"""What every table and field holds, for the data map (`manage.py data_map` writes
docs/data-protection.md from this, the access table and the template).

Every field of every model, ours and the installed apps', is declared here, in one place:
`tests/screening/governance/test_data_map.py` fails while a field is not, so a new field cannot
reach the main branch until someone has said what it holds. To declare one, find its model's
entry (keyed by `app_label.ModelName`, as `Model._meta.label` spells it; a many-to-many table
as `app_label.Model_field`) and add the field name with its category, and a purpose when the
table's purpose does not say it:

    "ethnicity": (SPECIAL, "Monitor disproportionality in youth justice"),
    "reviewed_at": PERSONAL,

A new model is a new entry: `Table(purpose=..., readers=(...), fields={...})`. `readers` names
resources of the access table (`screening/access.py` CAPABILITIES); the roles that may read
them, and those that see the model in the administration pages (`accounts/admin_access.py`),
are worked out from there. Each table's retention rule is a sentence in
`screening/governance/retention_map.py`, applied at the end of this module; a table without one
fails the data map check.

Categories (UK GDPR): personal data (Art 4(1)); special category data (Art 9: health,
including speech, language and communication needs and disability, and the like); criminal
offence data (Art 10: offences, orders and cautions, and whatever is about them). A row
number, or a field that says nothing about a person, is NONE. A link to another table is
classified by what the link itself reveals (a case linked to a young person says that young
person has a youth justice order).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from screening.governance.retention_map import RETENTION

NONE = "none"
PERSONAL = "personal"
SPECIAL = "special category"
CRIMINAL = "criminal offence"
CATEGORIES = (NONE, PERSONAL, SPECIAL, CRIMINAL)

# A field's declaration: its category (or categories), optionally with its own purpose.
FieldDeclaration = str | tuple[str, str] | tuple[tuple[str, ...], str]

HEALTH_AND_OFFENDING = (SPECIAL, CRIMINAL)
FREE_TEXT = "Free text written by staff; may carry health or offending details."


@dataclass(frozen=True)
class Table:
    """One table: why it is held, who reads it (access table resources, or `readers_note`
    when no page or API shows it), how narrowly (`scope`), how long it is kept, and each
    field's category and purpose."""

    purpose: str
    fields: dict[str, FieldDeclaration]
    readers: tuple[str, ...] = ()
    readers_note: str = ""
    scope: str = ""
    retention: str | None = None
    note: str = ""
    # Categories every row carries by existing at all, whatever its fields say.
    rows_are: tuple[str, ...] = ()
    db_table: str = ""  # only for tables without a model (the cache)


# The case manager's judgements (risk of serious harm, safety and wellbeing, likelihood of
# reoffending), each a level and a reason.
JUDGEMENTS = {
    f"{name}{suffix}": (HEALTH_AND_OFFENDING, f"The case manager's judgement of {words}{what}.")
    for name, words in [
        ("risk_of_serious_harm", "risk of serious harm to others"),
        ("safety_and_wellbeing", "safety and wellbeing"),
        ("likelihood_of_reoffending", "the likelihood of reoffending"),
    ]
    for suffix, what in [("", ""), ("_reason", ", its reason")]
}

SERVICE_ONLY = "Nobody through the pages or the API: the service itself uses it."
WORKER_ONLY = (
    "Nobody through the pages or the API: the background worker reads it to send the email."
)
OUTBOX = {
    "id": NONE,
    "status": PERSONAL,
    "attempts": NONE,
    "next_attempt_at": NONE,
    "claim_owner": NONE,
    "claimed_at": NONE,
    "sent_at": PERSONAL,
    "last_error": (PERSONAL, "Why sending failed; the provider's answer may name the address."),
    "created_at": PERSONAL,
}
# What django-axes records of each sign-in it counts or logs.
SIGN_IN_SEEN = {
    "id": NONE,
    "user_agent": PERSONAL,
    "ip_address": PERSONAL,
    "username": PERSONAL,
    "http_accept": PERSONAL,
    "path_info": PERSONAL,
    "attempt_time": PERSONAL,
}
SCHEDULE_READERS = ("availability",)
SCHEDULE_SCOPE = (
    "Practitioners: their own calendar only; YOT admins and managers: everyone's (the "
    "search and 'who is where' show it as busy or free, with leave named as leave)."
)


def _weekly_times(purpose: str) -> Table:
    """A young person's table of usual weekly unavailable times (theirs or their carer's)."""
    return Table(
        purpose=purpose,
        readers=("young_people",),
        scope="As young people.",
        fields={
            "id": NONE,
            "young_person": PERSONAL,
            "weekdays": PERSONAL,
            "start_time": PERSONAL,
            "end_time": PERSONAL,
        },
    )


DECLARATIONS: dict[str, Table] = {
    # --- accounts -------------------------------------------------------------------------
    "accounts.User": Table(
        purpose="Staff logins: who may sign in, with which one role.",
        readers=("users",),
        scope="Each user sees their own; staff names show to colleagues on the cases, visits "
        "and drafts they share.",
        fields={
            "id": NONE,
            "password": (PERSONAL, "Salted hash of the password, to check it at sign-in."),
            "last_login": PERSONAL,
            "is_superuser": PERSONAL,
            "username": PERSONAL,
            "first_name": PERSONAL,
            "last_name": PERSONAL,
            "email": (PERSONAL, "Work emails: drafts, findings and urgent alerts."),
            "is_staff": (PERSONAL, "Follows the role: may use the administration pages."),
            "is_active": PERSONAL,
            "date_joined": PERSONAL,
            "role": (PERSONAL, "What the login may see and do (the access table)."),
            "sso_subject": (
                PERSONAL,
                "The organisation account's identifier at the sign-in provider, so only that "
                "account signs in as this login.",
            ),
            "language": (
                PERSONAL,
                "The language they chose to read the service in; their emails and invites "
                "are written in it.",
            ),
        },
    ),
    "accounts.User_groups": Table(
        purpose="The permission group a login's role implies, for the administration pages.",
        readers=("users",),
        fields={"id": NONE, "user": PERSONAL, "group": PERSONAL},
    ),
    "accounts.User_user_permissions": Table(
        purpose="Permissions given to one login directly (not used by the service's roles).",
        readers=("users",),
        fields={"id": NONE, "user": PERSONAL, "permission": PERSONAL},
    ),
    "accounts.ApiToken": Table(
        purpose="API tokens of partner systems and staff: only a hash, with its expiry.",
        readers_note=SERVICE_ONLY + " Only the hash is stored; the key is shown once.",
        fields={
            "id": NONE,
            "user": PERSONAL,
            "key_hash": (PERSONAL, "Hash of the token, to recognise it."),
            "created": PERSONAL,
            "expires": PERSONAL,
            "two_factor": PERSONAL,
        },
    ),
    "accounts.AccountEvent": Table(
        purpose="The trail of every privilege change: who did what to which login, when.",
        readers=("account_events",),
        fields={
            "id": NONE,
            "at": PERSONAL,
            "actor": PERSONAL,
            "actor_username": PERSONAL,
            "user": PERSONAL,
            "username": PERSONAL,
            "kind": PERSONAL,
            "detail": PERSONAL,
        },
    ),
    "accounts.PrivilegeRequest": Table(
        purpose="Changes that would let a login read findings, held for a second person.",
        readers=("privilege_requests",),
        fields={
            "id": NONE,
            "user": PERSONAL,
            "role": PERSONAL,
            "requested_by": PERSONAL,
            "requested_at": PERSONAL,
            "status": PERSONAL,
            "decided_by": PERSONAL,
            "decided_at": PERSONAL,
            "reason": PERSONAL,
        },
    ),
    "accounts.TwoFactorSetupCode": Table(
        purpose="One-time codes for setting up a first authenticator app: only a hash.",
        readers_note=SERVICE_ONLY + " Only the hash is stored; the code is shown once.",
        fields={
            "id": NONE,
            "user": PERSONAL,
            "code_hash": PERSONAL,
            "issued_by": PERSONAL,
            "created": PERSONAL,
            "expires": PERSONAL,
            "used_at": PERSONAL,
            "failures": PERSONAL,
        },
    ),
    # --- agencies -------------------------------------------------------------------------
    "agencies.Agency": Table(
        purpose="The partner agencies seen in the one visit (configuration).",
        readers=("agencies",),
        fields={
            "id": NONE,
            "code": NONE,
            "name": NONE,
            "default_duration_minutes": NONE,
            "order": NONE,
            "required_by_default": NONE,
        },
    ),
    "agencies.Practitioner": Table(
        purpose="Agency staff who run screening sessions: to book them and send invites.",
        readers=("practitioners",),
        scope="A practitioner may change a few fields of their own record only.",
        fields={
            "id": NONE,
            "user": PERSONAL,
            "agency": (PERSONAL, "Their employer, and whose findings they may read."),
            "name": PERSONAL,
            "email": (PERSONAL, "Calendar invites for their sessions."),
            "phone": (PERSONAL, "A work number for YOT admins to reach them."),
            "daily_session_cap": PERSONAL,
            "buffer_minutes": PERSONAL,
            "is_active": PERSONAL,
            "calendar": NONE,
            "feed_token": (PERSONAL, "Secret address of their calendar feed."),
        },
    ),
    "agencies.Interpreter": Table(
        purpose="The YOT's pool of interpreters: to hold one for a visit of a young person "
        "who needs one, and send them the invite.",
        readers=("interpreters",),
        fields={
            "id": NONE,
            "name": PERSONAL,
            "languages": (PERSONAL, "The languages they interpret, to match a young person."),
            "email": (PERSONAL, "Calendar invites for the visits they are held for."),
            "invite_language": (PERSONAL, "The language their calendar invites are written in."),
            "is_active": PERSONAL,
            "calendar": NONE,
            "feed_token": (PERSONAL, "Secret address of their calendar feed."),
        },
    ),
    "agencies.FindingsForm": Table(
        purpose="Each agency's findings form, one row per version (configuration).",
        readers=("findings_forms",),
        fields={
            "id": NONE,
            "agency": NONE,
            "version": NONE,
            "title": NONE,
            "title_cy": NONE,
            "questions": NONE,
            "published_at": NONE,
        },
    ),
    # --- django-scheduler: working patterns and leave -------------------------------------
    "schedule.Calendar": Table(
        purpose="One calendar per practitioner and per room, holding their availability.",
        readers=SCHEDULE_READERS,
        scope=SCHEDULE_SCOPE,
        fields={
            "id": NONE,
            "name": (PERSONAL, "Names the practitioner (or room) it belongs to."),
            "slug": PERSONAL,
        },
    ),
    "schedule.CalendarRelation": Table(
        purpose="django-scheduler's links from calendars to other records (not used).",
        readers=SCHEDULE_READERS,
        fields={
            "id": NONE,
            "calendar": PERSONAL,
            "content_type": NONE,
            "object_id": PERSONAL,
            "distinction": PERSONAL,
            "inheritable": NONE,
        },
    ),
    "schedule.Rule": Table(
        purpose="Repeat rules of working patterns (weekly on given days).",
        readers=SCHEDULE_READERS,
        fields={"id": NONE, "name": NONE, "description": NONE, "frequency": NONE, "params": NONE},
    ),
    "schedule.Event": Table(
        purpose="Practitioners' working patterns and leave, and rooms' closures: for the "
        "search to offer only times they are free.",
        readers=SCHEDULE_READERS,
        scope=SCHEDULE_SCOPE,
        fields={
            "id": NONE,
            "start": PERSONAL,
            "end": PERSONAL,
            "title": (PERSONAL, "'Working pattern' or 'Leave'."),
            "description": (
                (PERSONAL, SPECIAL),
                "The reason for leave, as the practitioner gives it: may be sickness.",
            ),
            "creator": PERSONAL,
            "created_on": PERSONAL,
            "updated_on": PERSONAL,
            "rule": NONE,
            "end_recurring_period": PERSONAL,
            "calendar": PERSONAL,
            "color_event": NONE,
        },
    ),
    "schedule.EventRelation": Table(
        purpose="django-scheduler's links from events to other records (not used).",
        readers=SCHEDULE_READERS,
        fields={
            "id": NONE,
            "event": PERSONAL,
            "content_type": NONE,
            "object_id": PERSONAL,
            "distinction": PERSONAL,
        },
    ),
    "schedule.Occurrence": Table(
        purpose="One-off exceptions to a working pattern (a day off, different hours).",
        readers=SCHEDULE_READERS,
        scope=SCHEDULE_SCOPE,
        fields={
            "id": NONE,
            "event": PERSONAL,
            "title": PERSONAL,
            "description": ((PERSONAL, SPECIAL), "The reason, as given: may be sickness."),
            "start": PERSONAL,
            "end": PERSONAL,
            "cancelled": PERSONAL,
            "original_start": PERSONAL,
            "original_end": PERSONAL,
            "created_on": PERSONAL,
            "updated_on": PERSONAL,
        },
    ),
    # --- screening: people ----------------------------------------------------------------
    "screening.YoungPerson": Table(
        purpose="The young person on an order: to identify them, book the one visit and "
        "text them about it.",
        readers=("young_people",),
        scope="Case managers: the young people of their cases. Practitioners: basic details "
        "and communication needs of young people in visits they are part of. YOT admins "
        "and managers: all.",
        note="Everyone in this table has a youth justice order or caution: being in it at all "
        "is criminal offence data, handled as such.",
        rows_are=(CRIMINAL,),
        fields={
            "id": NONE,
            "given_name": PERSONAL,
            "family_name": PERSONAL,
            "date_of_birth": (PERSONAL, "Identify them; age decides whether a carer comes."),
            "mobile": (PERSONAL, "Texts about the visit, only with consent."),
            "sms_consent": PERSONAL,
            "parent_carer_name": (PERSONAL, "The parent or carer texted and asked to come."),
            "parent_carer_mobile": PERSONAL,
            "parent_carer_sms_consent": PERSONAL,
            "parent_carer_must_attend": (
                PERSONAL,
                "Whether the parent or carer must come (blank: by age); their times are then "
                "avoided and they are texted.",
            ),
            "communication_needs": (
                SPECIAL,
                "So everyone adapts how they speak and write to the young person (speech, "
                "language and communication needs, disability).",
            ),
            "language": (PERSONAL, "English or Welsh texts."),
            "interpreter_needed": (PERSONAL, "Whether the visit holds an interpreter."),
            "interpreter_language": (
                PERSONAL,
                "The language the interpreter works in (may hint at nationality or origin).",
            ),
            "created_at": PERSONAL,
        },
    ),
    "screening.UnavailableTime": _weekly_times(
        "Usual weekly times the young person cannot come (school hours), avoided when booking."
    ),
    "screening.ParentCarerUnavailableTime": _weekly_times(
        "Usual weekly times the parent or carer cannot come (such as work), avoided when "
        "booking a visit they must attend."
    ),
    "screening.CaseReferenceCounter": Table(
        purpose="The last case number given out each year.",
        fields={"year": NONE, "last": NONE},
    ),
    "screening.Case": Table(
        purpose="One order for one young person, with its deadlines: the YOT's case.",
        readers=("cases",),
        scope="Case managers: their own cases. Practitioners: cases with visits they are "
        "part of. YOT admins and managers: all.",
        fields={
            "id": NONE,
            "reference": (CRIMINAL, "Names the youth justice case."),
            "young_person": (CRIMINAL, "Whose order it is."),
            "order_type": (CRIMINAL, "The order or caution; decides the assessment deadline."),
            "order_start_date": (CRIMINAL, "When the order started; deadlines count from it."),
            "case_manager": PERSONAL,
            "visit_due_by": PERSONAL,
            "assessment_due_by": PERSONAL,
            "findings_due_by": PERSONAL,
            "created_at": PERSONAL,
            "retention_stage": (PERSONAL, "Held in full, basic details only, or disposed of."),
            "retention_changed_at": PERSONAL,
            "retention_last_action_on": (
                PERSONAL,
                "The last action's date when the case was reduced, for its disposal date.",
            ),
        },
    ),
    "screening.RetentionRule": Table(
        purpose="The retention schedule: how long each order type's cases are kept "
        "(configuration).",
        readers=("retention",),
        fields={
            "id": NONE,
            "order_type": NONE,
            "reduce_after_years": NONE,
            "dispose_after_years": NONE,
            "keep_until_age": NONE,
            "source": NONE,
            "updated_at": NONE,
            "updated_by": PERSONAL,
        },
    ),
    "screening.DisposalBatch": Table(
        purpose="Each list of cases due for reduction or disposal: proposed by the daily "
        "job, approved by a named YOT manager, carried out (counts only).",
        readers=("retention",),
        fields={
            "id": NONE,
            "proposed_at": NONE,
            "proposed_by": PERSONAL,
            "due_on": NONE,
            "status": NONE,
            "confirmed_at": PERSONAL,
            "confirmed_by": PERSONAL,
            "confirmed_by_name": (PERSONAL, "Who approved the disposal, kept if the login goes."),
            "reduced": NONE,
            "disposed": NONE,
            "failed": NONE,
        },
    ),
    "screening.DisposalItem": Table(
        purpose="One case of a disposal list: the action, the rule and how it went (never "
        "what the case held).",
        readers=("retention",),
        fields={
            "id": NONE,
            "batch": NONE,
            "case": (CRIMINAL, "Which youth justice case was reduced or disposed of."),
            "action": PERSONAL,
            "rule": NONE,
            "last_action_on": PERSONAL,
            "due_on": PERSONAL,
            "outcome": PERSONAL,
            "error": (NONE, "The kind of error only, never any content."),
        },
    ),
    # --- screening: venues ----------------------------------------------------------------
    "screening.ClosureDay": Table(
        purpose="Days the YOT is closed (not working days).",
        fields={"id": NONE, "date": NONE, "reason": NONE},
    ),
    "screening.Venue": Table(
        purpose="Where visits happen.",
        readers=("venues",),
        fields={
            "id": NONE,
            "name": NONE,
            "address": NONE,
            "text_name": NONE,
            "kind": NONE,
            "travel_minutes": NONE,
        },
    ),
    "screening.OpeningHours": Table(
        purpose="Venues' opening hours.",
        readers=("venues",),
        fields={"id": NONE, "venue": NONE, "weekday": NONE, "opens": NONE, "closes": NONE},
    ),
    "screening.Room": Table(
        purpose="Rooms visits are held in.",
        readers=("rooms",),
        fields={
            "id": NONE,
            "venue": NONE,
            "name": NONE,
            "is_active": NONE,
            "calendar": NONE,
            "feed_token": (NONE, "Secret address of the room's calendar feed."),
        },
    ),
    # --- screening: booking ---------------------------------------------------------------
    "screening.FreedSlot": Table(
        purpose="Time a cancelled or moved visit gave back (venue, room if it had one, span, "
        "practitioners), so cases waiting for a visit can be offered it earlier.",
        readers=("bring_forward",),
        scope="YOT admins: all; unused once the time has passed.",
        fields={
            "id": NONE,
            "venue": (PERSONAL, "Where the visit was: a room's venue, or a home or school."),
            "room": NONE,
            "start": PERSONAL,
            "end": PERSONAL,
            "freed_at": PERSONAL,
            "cause": PERSONAL,
            "visit": (PERSONAL, "The visit that gave the time back."),
        },
    ),
    "screening.FreedSlot_practitioners": Table(
        purpose="The practitioners whose sessions a freed slot gave back.",
        readers=("bring_forward",),
        fields={"id": NONE, "freedslot": PERSONAL, "practitioner": PERSONAL},
    ),
    "screening.Visit": Table(
        purpose="The one screening visit of a case: when and where, who booked it, and why "
        "it was late, cancelled or rebooked.",
        readers=("visits",),
        scope="Practitioners: visits they are part of. Case managers: their cases' visits. "
        "YOT admins and managers: all.",
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Whose order the visit screens for."),
            "room": (PERSONAL, "Empty for a home or school visit: it needs no room."),
            "venue": (PERSONAL, "Where the visit is: the room's venue, or a home or school."),
            "interpreter": (PERSONAL, "The interpreter held for the visit's whole span."),
            "status": PERSONAL,
            "version": NONE,
            "start": PERSONAL,
            "end": PERSONAL,
            "cancel_reason": (PERSONAL, FREE_TEXT),
            "late_reason": (PERSONAL, FREE_TEXT + " For timeliness reports."),
            "rebook_of": PERSONAL,
            "review": PERSONAL,
            "rebook_reason": (PERSONAL, FREE_TEXT),
            "booked_by": PERSONAL,
            "created_at": PERSONAL,
            "confirmed_at": (PERSONAL, "When the young person or carer replied YES."),
        },
    ),
    "screening.Session": Table(
        purpose="One agency's part of a visit, with one practitioner, and whether the young "
        "person came.",
        readers=("visits",),
        scope="As visits. Why a session was missed: a practitioner sees it for their own "
        "agency's sessions only.",
        fields={
            "id": NONE,
            "visit": PERSONAL,
            "agency": PERSONAL,
            "practitioner": PERSONAL,
            "start": PERSONAL,
            "end": PERSONAL,
            "buffer_minutes": NONE,
            "blocked_until": NONE,
            "cancelled": PERSONAL,
            "attended": PERSONAL,
            "attendance_reason": (
                (PERSONAL, SPECIAL),
                "Why the young person did not come: may be illness.",
            ),
            "attendance_recorded_at": PERSONAL,
            "findings_submitted_at": PERSONAL,
        },
    ),
    "screening.VisitHistory": Table(
        purpose="Every change to a visit: what it was, who changed it, when and why.",
        readers=("visits",),
        scope="As visits.",
        fields={
            "id": NONE,
            "visit": PERSONAL,
            "version": NONE,
            "kind": PERSONAL,
            "at": PERSONAL,
            "by": PERSONAL,
            "reason": (PERSONAL, FREE_TEXT),
            "late_reason": (PERSONAL, FREE_TEXT),
            "snapshot": (PERSONAL, "The visit and its sessions after the change."),
        },
    ),
    # --- screening: assessment ------------------------------------------------------------
    "screening.Finding": Table(
        purpose="Each agency's screening findings, every version kept: the start of the "
        "initial assessment.",
        readers=("findings",),
        scope="Practitioners: their own agency's findings, for visits they are part of. Case "
        "managers: their cases' (a restricted finding as its summary only). YOT managers: "
        "all. Never YOT admins or system administrators. Every read is audited.",
        fields={
            "id": NONE,
            "session": PERSONAL,
            "form": NONE,
            "version": NONE,
            "status": PERSONAL,
            "answers": (
                HEALTH_AND_OFFENDING,
                "The agency's answers: health, mental health and self-harm, substance use, "
                "speech and language, education, social care and exploitation, and links "
                "to offending.",
            ),
            "created_at": PERSONAL,
            "updated_at": PERSONAL,
            "updated_by": PERSONAL,
            "submitted_at": PERSONAL,
            "due_by": PERSONAL,
        },
    ),
    "screening.AssessmentLayout": Table(
        purpose="The draft's sections and the rules that merge findings into them (configuration).",
        readers_note="YOT managers and case managers see its headings on drafts; system "
        "administrators in the administration pages.",
        fields={
            "id": NONE,
            "version": NONE,
            "name": NONE,
            "sections": NONE,
            "mapping": NONE,
            "conflicts": NONE,
            "active": NONE,
        },
    ),
    "screening.AssessmentDraft": Table(
        purpose="The case's initial assessment draft: merged findings, the case manager's "
        "plan, and its oversight (submitted, signed off).",
        readers=("assessment_drafts",),
        scope="Case managers: their own cases. YOT managers: all. Every read is audited.",
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Whose assessment it is."),
            "layout": NONE,
            "status": PERSONAL,
            "built_from": PERSONAL,
            "flags": (HEALTH_AND_OFFENDING, "Suggested vulnerability and risk flags."),
            "suggested_ratings": (HEALTH_AND_OFFENDING, "Suggested ratings (never decided)."),
            "conflicts": (HEALTH_AND_OFFENDING, "Where agencies' findings disagree."),
            "missing": (PERSONAL, "Agencies without findings, and why (did not attend)."),
            "restricted": (HEALTH_AND_OFFENDING, "Summaries of restricted findings."),
            "generated_plan": (HEALTH_AND_OFFENDING, "Recommended actions from the findings."),
            "plan": (HEALTH_AND_OFFENDING, "The intervention plan."),
            "plan_edited": NONE,
            "plan_needs_review": NONE,
            "merged_at": PERSONAL,
            "new_findings_since_sign_off": PERSONAL,
            "submitted_at": PERSONAL,
            "submitted_by": PERSONAL,
            "signed_off_at": PERSONAL,
            "signed_off_by": PERSONAL,
            **JUDGEMENTS,
            "kind": PERSONAL,
            "changes_summary": (HEALTH_AND_OFFENDING, "A review's: what changed, or why not."),
            "judgements_edited_at": PERSONAL,
            "judgements_edited_by": PERSONAL,
        },
    ),
    "screening.AssessmentVersion": Table(
        purpose="Each signed-off assessment, kept as it was signed off (append-only): its "
        "judgements, sections and plan, so the case shows how they changed.",
        readers=("assessment_drafts",),
        scope="Case managers: their own cases. YOT managers: all. Every read is audited.",
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Whose assessment it is."),
            "draft": PERSONAL,
            "version": NONE,
            "kind": PERSONAL,
            **JUDGEMENTS,
            "sections": (HEALTH_AND_OFFENDING, "The assessment's text as signed off."),
            "plan": (HEALTH_AND_OFFENDING, "The intervention plan as signed off."),
            "built_from": PERSONAL,
            "changes_summary": (HEALTH_AND_OFFENDING, "A review's: what changed, or why not."),
            "changes": (PERSONAL, "Which sections, judgements and plan differ from before."),
            "submitted_by": PERSONAL,
            "signed_off_at": PERSONAL,
            "signed_off_by": PERSONAL,
        },
    ),
    "screening.Review": Table(
        purpose="Each review of a case's assessment: why it is due, by when, when it started "
        "and was signed off, so reviews happen on time and managers can see them.",
        readers=("reviews",),
        scope="Case managers: their own cases. YOT managers: all. Every read is audited.",
        rows_are=(CRIMINAL,),
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Whose assessment is reviewed."),
            "reason": PERSONAL,
            "status": PERSONAL,
            "due_by": PERSONAL,
            "created_at": PERSONAL,
            "created_by": PERSONAL,
            "started_on": PERSONAL,
            "started_by": PERSONAL,
            "from_version": PERSONAL,
            "signed_off_on": PERSONAL,
            "late_reason": (PERSONAL, FREE_TEXT + " Why the review is late, for reports."),
            "signed_off_by": PERSONAL,
            "version": PERSONAL,
        },
    ),
    "screening.NewInformation": Table(
        purpose="Significant new information about a case (a new offence, an arrest, a "
        "safeguarding concern and the like), which opens a review of the assessment.",
        readers=("new_information",),
        scope="Case managers: their own cases. YOT managers: all. Practitioners: only what "
        "they recorded, on cases they have a session in. Every read is audited.",
        rows_are=(CRIMINAL,),
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Whose case it is about."),
            "kind": (HEALTH_AND_OFFENDING, "What kind of information (a new offence, ...)."),
            "summary": (HEALTH_AND_OFFENDING, FREE_TEXT),
            "received_on": PERSONAL,
            "recorded_at": PERSONAL,
            "recorded_by": PERSONAL,
            "review": PERSONAL,
        },
    ),
    "screening.PlanAction": Table(
        purpose="The plan's actions after sign-off: what, who owns it, when it is due, and "
        "whether it was done.",
        readers=("plan_actions",),
        scope="Case managers and YOT managers: their cases' actions (victim safety only to "
        "them). Practitioners: their own agency's, on cases they have a session in. Every "
        "read is audited.",
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Whose plan it is."),
            "from_version": PERSONAL,
            "action": (HEALTH_AND_OFFENDING, "What will be done (may name a need or a risk)."),
            "category": (HEALTH_AND_OFFENDING, "The plan category (victim safety among them)."),
            "owner_agency": PERSONAL,
            "owner": PERSONAL,
            "due_date": PERSONAL,
            "status": PERSONAL,
            "note": (HEALTH_AND_OFFENDING, FREE_TEXT),
            "created_at": PERSONAL,
            "created_by": PERSONAL,
            "updated_at": PERSONAL,
            "updated_by": PERSONAL,
            "overdue_notified_at": NONE,
            "done_at": PERSONAL,
        },
    ),
    "screening.OversightNote": Table(
        purpose="Management oversight: a YOT manager's dated notes on a case (append-only), "
        "and the date of the last manager's review of a high-risk case.",
        readers=("oversight_notes",),
        scope="YOT managers: all cases. Case managers: their own cases. Every read and write "
        "is audited.",
        fields={
            "id": NONE,
            "case": (CRIMINAL, "Which case the note is about."),
            "text": (HEALTH_AND_OFFENDING, FREE_TEXT),
            "created_at": PERSONAL,
            "author": PERSONAL,
            "author_role": PERSONAL,
        },
    ),
    "screening.DraftSection": Table(
        purpose="One section of a draft: merged text and the case manager's text.",
        readers=("assessment_drafts",),
        scope="As drafts.",
        fields={
            "id": NONE,
            "draft": PERSONAL,
            "key": NONE,
            "title": NONE,
            "guidance": NONE,
            "position": NONE,
            "text": (HEALTH_AND_OFFENDING, "The case manager's assessment text."),
            "generated_text": (HEALTH_AND_OFFENDING, "The text merged from findings."),
            "pieces": (HEALTH_AND_OFFENDING, "The merged pieces, each with its agency."),
            "sources": (PERSONAL, "The finding versions the text came from."),
            "edited": NONE,
            "edited_at": PERSONAL,
            "edited_by": PERSONAL,
            "needs_review": NONE,
            "review_changes": (HEALTH_AND_OFFENDING, "What new findings changed."),
            "suggested_text": (HEALTH_AND_OFFENDING, "Newly merged text to review."),
        },
    ),
    "screening.DraftEvent": Table(
        purpose="Every step of a draft's oversight, for management oversight and timeliness.",
        readers=("assessment_drafts",),
        scope="As drafts.",
        fields={
            "id": NONE,
            "draft": PERSONAL,
            "kind": PERSONAL,
            "at": PERSONAL,
            "by": PERSONAL,
            "reason": (PERSONAL, FREE_TEXT + " Why it was reopened."),
        },
    ),
    "screening.Alert": Table(
        purpose="Same-day notices of urgent findings to the case manager and YOT managers.",
        readers=("alerts",),
        scope="Each person: their own alerts.",
        fields={
            "id": NONE,
            "recipient": PERSONAL,
            "case": (CRIMINAL, "The case it is about."),
            "key": (SPECIAL, "What raised it (e.g. health self-harm)."),
            "text": (SPECIAL, "Names the urgent need and the case."),
            "created_at": PERSONAL,
            "emailed_at": PERSONAL,
            "email": NONE,
            "read_at": PERSONAL,
        },
    ),
    "screening.AlertEmail": Table(
        purpose="Urgent-alert emails waiting to be sent or sent (the email says only that "
        "there is an alert, with a link).",
        readers_note=WORKER_ONLY,
        fields={**OUTBOX, "recipient": PERSONAL, "case": PERSONAL},
    ),
    "screening.WorkEmail": Table(
        purpose="Work-list emails (a draft to sign off, findings arrived): one sentence and "
        "a link, nothing of the case.",
        readers_note=WORKER_ONLY,
        fields={**OUTBOX, "kind": PERSONAL, "recipient": PERSONAL, "case": PERSONAL},
    ),
    "screening.AuditEntry": Table(
        purpose="Who read or changed which findings or draft, and when (need to know).",
        readers=("audit_log",),
        fields={
            "id": NONE,
            "at": PERSONAL,
            "user": PERSONAL,
            "username": PERSONAL,
            "role": PERSONAL,
            "action": PERSONAL,
            "object_type": NONE,
            "object_id": PERSONAL,
            "case": PERSONAL,
            "detail": PERSONAL,
        },
    ),
    # --- screening: calendars -------------------------------------------------------------
    "screening.CalendarImport": Table(
        purpose="Busy times imported from a practitioner's own calendar, so the search "
        "avoids them (only busy intervals are kept, never titles or details).",
        readers=("calendar_import",),
        scope="Practitioners: their own. YOT admins: all.",
        fields={
            "id": NONE,
            "practitioner": PERSONAL,
            "source": PERSONAL,
            "url": (PERSONAL, "The practitioner's calendar address (a secret link)."),
            "file_name": PERSONAL,
            "busy": PERSONAL,
            "busy_from": PERSONAL,
            "busy_until": PERSONAL,
            "last_fetched_at": NONE,
            "last_success_at": NONE,
            "last_error": PERSONAL,
            "last_error_at": NONE,
            "status": NONE,
            "requested_source": PERSONAL,
            "requested_url": PERSONAL,
            "requested_file_name": PERSONAL,
            "requested_data": (
                (PERSONAL, SPECIAL),
                "An uploaded calendar file, whole, until the worker has read it (then "
                "cleared): its events may say anything, medical appointments included.",
            ),
            "requested_at": NONE,
            "request_token": NONE,
            "claimed_at": NONE,
        },
    ),
    "screening.InviteEmail": Table(
        purpose="Calendar invites to practitioners for their sessions (and to interpreters "
        "for whole visits), waiting or sent.",
        readers_note=WORKER_ONLY,
        fields={
            **OUTBOX,
            "visit": PERSONAL,
            "visit_version": NONE,
            "session": PERSONAL,
            "practitioner": PERSONAL,
            "interpreter": (PERSONAL, "The recipient when the invite is for the interpreter."),
            "method": NONE,
            "kind": NONE,
            "previous_start": PERSONAL,
            "previous_end": PERSONAL,
            "previous_room": PERSONAL,
        },
    ),
    # --- screening: messaging -------------------------------------------------------------
    "screening.MessageTemplate": Table(
        purpose="The wording of the texts (configuration).",
        readers=("message_templates",),
        fields={
            "id": NONE,
            "purpose": NONE,
            "language": NONE,
            "easy_read": NONE,
            "body": NONE,
            "updated_at": NONE,
            "updated_by": PERSONAL,
        },
    ),
    "screening.Message": Table(
        purpose="Texts to young people and carers about their visit: planned, sent, "
        "delivered (never mentioning offending, the YOT, health or findings).",
        readers=("messages",),
        scope="Case managers: their own cases' texts. YOT admins and managers: all.",
        fields={
            "id": NONE,
            "visit": PERSONAL,
            "visit_version": NONE,
            "young_person": PERSONAL,
            "purpose": PERSONAL,
            "recipient": PERSONAL,
            "to": (PERSONAL, "The number texted."),
            "body": (PERSONAL, "The text as sent: date, time, place and one action."),
            "language": PERSONAL,
            "easy_read": (PERSONAL, "Easy-read wording: the young person has communication needs."),
            "template": NONE,
            "send_at": PERSONAL,
            "status": PERSONAL,
            "attempts": NONE,
            "reconcile_attempts": NONE,
            "next_attempt_at": NONE,
            "claim_owner": NONE,
            "claimed_at": NONE,
            "provider": NONE,
            "provider_id": (PERSONAL, "Twilio's name for the message."),
            "provider_status": PERSONAL,
            "last_error": PERSONAL,
            "in_reply_to": PERSONAL,
            "reply_link": (PERSONAL, "The reply link the text carries (its token masked)."),
            "created_at": PERSONAL,
            "sent_at": PERSONAL,
            "status_changed_at": PERSONAL,
        },
    ),
    "screening.NumberStatus": Table(
        purpose="Numbers that opted out (STOP) or back in, or cannot receive texts.",
        readers=("messages",),
        fields={
            "number": PERSONAL,
            "opted_out_at": PERSONAL,
            "opted_in_at": PERSONAL,
            "invalid_at": PERSONAL,
            "note": PERSONAL,
        },
    ),
    "screening.InboundMessage": Table(
        purpose="Replies to texts (YES, CHANGE, STOP, HELP or anything else).",
        readers=("messages",),
        scope="As texts.",
        fields={
            "id": NONE,
            "provider_id": PERSONAL,
            "from_number": PERSONAL,
            "body": ((PERSONAL, SPECIAL), "The reply as written: may say anything."),
            "kind": PERSONAL,
            "young_person": PERSONAL,
            "visit": PERSONAL,
            "visit_version": NONE,
            "received_at": PERSONAL,
        },
    ),
    "screening.ReplyLink": Table(
        purpose="The link in a visit's texts to the young person's own reply page: confirm, "
        "choose another time, ask for a call. Expires at the end of the visit's day.",
        readers_note="Nobody through the pages or the API: the reply page reads it for whoever "
        "holds the link, showing only the visit's date, time and place.",
        fields={
            "id": NONE,
            "visit": PERSONAL,
            "visit_version": NONE,
            "recipient": PERSONAL,
            "to": (PERSONAL, "The number the link was texted to."),
            "nonce": (NONE, "Random; the token is derived from it with the secret key."),
            "token_hash": (NONE, "SHA-256 of the token: no working link without the key."),
            "created_at": PERSONAL,
            "expires_at": PERSONAL,
            "confirmed_at": (PERSONAL, "When the visit was confirmed through the link."),
            "call_requested_at": (PERSONAL, "When a call was asked for through the link."),
            "moved_at": (PERSONAL, "When another time was chosen through the link."),
        },
    ),
    # --- screening: worktray --------------------------------------------------------------
    "screening.AdminTask": Table(
        purpose="What a YOT admin must do by hand: phone about an undelivered text, read a "
        "reply, tell someone an email failed.",
        readers=("admin_tasks",),
        fields={
            "id": NONE,
            "kind": PERSONAL,
            "case": PERSONAL,
            "visit": PERSONAL,
            "message": PERSONAL,
            "inbound": PERSONAL,
            "text": (PERSONAL, "What to do; may quote a reply and a masked number."),
            "wording": (
                PERSONAL,
                "The same text as its wording's parts, for showing it in the reader's language.",
            ),
            "created_at": PERSONAL,
            "done_at": PERSONAL,
            "done_by": PERSONAL,
        },
    ),
    # --- screening: planner ----------------------------------------------------------------
    "screening.PlannerRun": Table(
        purpose="The capacity planner's runs: what a YOT manager asked to simulate and the "
        "figures, practitioners' and rooms' names included; nothing of any young person.",
        readers=("capacity_planner",),
        fields={
            "id": NONE,
            "requested_by": PERSONAL,
            "requested_at": PERSONAL,
            "finished_at": NONE,
            "status": NONE,
            "params": NONE,
            "changes": (PERSONAL, "What-if changes name a practitioner or a room by id."),
            "results": (PERSONAL, "Figures per practitioner name (their booked share)."),
            "error": NONE,
        },
    ),
    # --- Django and the installed apps ----------------------------------------------------
    "admin.LogEntry": Table(
        purpose="The administration pages' history of changes made there.",
        readers_note="Staff who may change the record in the administration pages see its "
        "history there.",
        fields={
            "id": NONE,
            "action_time": PERSONAL,
            "user": PERSONAL,
            "content_type": NONE,
            "object_id": PERSONAL,
            "object_repr": (PERSONAL, "The record's name as shown: may be a young person's."),
            "action_flag": NONE,
            "change_message": PERSONAL,
        },
    ),
    "auth.Permission": Table(
        purpose="Django's model permissions (configuration).",
        fields={"id": NONE, "name": NONE, "content_type": NONE, "codename": NONE},
    ),
    "auth.Group": Table(
        purpose="One permission group per role that uses the administration pages.",
        fields={"id": NONE, "name": NONE},
    ),
    "auth.Group_permissions": Table(
        purpose="Each role group's permissions.",
        fields={"id": NONE, "group": NONE, "permission": NONE},
    ),
    "contenttypes.ContentType": Table(
        purpose="Django's list of models.",
        fields={"id": NONE, "app_label": NONE, "model": NONE},
    ),
    "sessions.Session": Table(
        purpose="Signed-in browser sessions.",
        readers_note=SERVICE_ONLY,
        fields={
            "session_key": (PERSONAL, "The secret in the session cookie."),
            "session_data": (PERSONAL, "Who is signed in, and their two-factor state."),
            "expire_date": PERSONAL,
        },
    ),
    "axes.AccessAttempt": Table(
        purpose="Failed sign-ins per username and address, to pause guessing.",
        readers_note=SERVICE_ONLY + " Superusers in the administration pages.",
        fields={
            **SIGN_IN_SEEN,
            "get_data": PERSONAL,
            "post_data": (PERSONAL, "The sign-in form without its password."),
            "failures_since_start": PERSONAL,
        },
    ),
    "axes.AccessAttemptExpiration": Table(
        purpose="When a pause on signing in ends.",
        readers_note=SERVICE_ONLY,
        fields={"access_attempt": PERSONAL, "expires_at": PERSONAL},
    ),
    "axes.AccessFailureLog": Table(
        purpose="A log of failed sign-ins, for investigating attacks.",
        readers_note=SERVICE_ONLY + " Superusers in the administration pages.",
        fields={
            **SIGN_IN_SEEN,
            "locked_out": PERSONAL,
        },
    ),
    "axes.AccessLog": Table(
        purpose="A log of sign-ins and sign-outs.",
        readers_note=SERVICE_ONLY + " Superusers in the administration pages.",
        fields={
            **SIGN_IN_SEEN,
            "logout_time": PERSONAL,
            "session_hash": PERSONAL,
        },
    ),
    "otp_totp.TOTPDevice": Table(
        purpose="Staff's authenticator apps, for two-factor sign-in.",
        readers_note=SERVICE_ONLY + " The secret is shown once, to its user, at set-up.",
        fields={
            "id": NONE,
            "user": PERSONAL,
            "name": NONE,
            "confirmed": PERSONAL,
            "throttling_failure_timestamp": PERSONAL,
            "throttling_failure_count": PERSONAL,
            "created_at": PERSONAL,
            "last_used_at": PERSONAL,
            "key": (PERSONAL, "The shared secret codes are checked against."),
            "step": NONE,
            "t0": NONE,
            "digits": NONE,
            "tolerance": NONE,
            "drift": PERSONAL,
            "last_t": PERSONAL,
        },
    ),
}

# Tables without a model: Django's database cache (`createcachetable`) and its record of the
# migrations applied.
OTHER_TABLES: dict[str, Table] = {
    "django_migrations": Table(
        purpose="The migrations applied to the database.",
        db_table="django_migrations",
        fields={"id": NONE, "app": NONE, "name": NONE, "applied": NONE},
    ),
    "django_cache": Table(
        purpose="Throttle counts of sign-in and token requests, shared by the web processes "
        "(unless CACHE_URL puts them in Redis).",
        readers_note=SERVICE_ONLY,
        db_table="django_cache",
        fields={
            "cache_key": (PERSONAL, "Names the client address or username counted."),
            "value": PERSONAL,
            "expires": NONE,
        },
    ),
}

# Every table's retention rule, from retention_map.py (one sentence per table).
DECLARATIONS = {
    label: replace(table, retention=RETENTION.get(label)) for label, table in DECLARATIONS.items()
}
OTHER_TABLES = {
    label: replace(table, retention=RETENTION.get(label)) for label, table in OTHER_TABLES.items()
}
