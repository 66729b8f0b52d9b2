"""Each table's retention rule in words, for the data map (declarations.py applies them;
`manage.py data_map --check` fails while a table has none). The case rules themselves are
data (screening.RetentionRule, edited in the administration pages); these sentences say
which rule a table follows and what disposal does to it (screening/governance/disposal.py)."""

from __future__ import annotations

CASE_RULE = (
    "the case's retention rule (by order type; defaults: referral orders and youth "
    "conditional cautions 3 years after the last action or to the 18th birthday, whichever "
    "is later; youth rehabilitation and detention and training orders basic details only "
    "after 3 years, disposed of after 5; other orders both rules, the later date)"
)
REMOVED = (
    f"Until the case is reduced to basic details or disposed of under {CASE_RULE}: then deleted."
)
CLEARED = (
    f"Until the case is reduced to basic details or disposed of under {CASE_RULE}: then its "
    "content is cleared and the row (dates, status) kept for the reports' counts."
)
STAFF = (
    "Not under the case schedule: kept while the login is, then deleted with it by a system "
    "administrator (staff records follow the council's HR schedule)."
)
CONFIG = "Configuration, no personal data: kept while in use."
SCHEDULE = "Not under the case schedule: kept while the practitioner or room is, edited by hand."
SIGN_INS = "Not under the case schedule: kept for investigating sign-in attacks, cleared by hand."

RETENTION: dict[str, str] = {
    "accounts.User": STAFF,
    "accounts.User_groups": STAFF,
    "accounts.User_user_permissions": STAFF,
    "accounts.ApiToken": "Until it expires (API_TOKEN_HOURS) or the login is deactivated.",
    "accounts.AccountEvent": STAFF + " The record of privilege changes stays as long.",
    "accounts.PrivilegeRequest": STAFF,
    "accounts.TwoFactorSetupCode": "Until used or expired (TWO_FACTOR_SETUP_CODE_HOURS).",
    "agencies.Agency": CONFIG,
    "agencies.Practitioner": STAFF,
    "agencies.Interpreter": "Not under the case schedule: kept while in the pool or while a "
    "visit refers to them, then deleted by hand by a system administrator.",
    "agencies.FindingsForm": CONFIG + " Every version stays while findings use it.",
    "schedule.Calendar": SCHEDULE,
    "schedule.CalendarRelation": SCHEDULE,
    "schedule.Rule": CONFIG,
    "schedule.Event": SCHEDULE,
    "schedule.EventRelation": SCHEDULE,
    "schedule.Occurrence": SCHEDULE,
    "screening.YoungPerson": (
        f"While any of their cases is held in full or in basic details, under {CASE_RULE}; "
        "when the last is disposed of, anonymised: name, numbers, carer and communication "
        "needs removed, the year of birth kept."
    ),
    "screening.UnavailableTime": "Deleted when the young person is anonymised (see young people).",
    "screening.ParentCarerUnavailableTime": (
        "Deleted when the young person is anonymised (see young people)."
    ),
    "screening.CaseReferenceCounter": CONFIG,
    "screening.Case": (
        f"Held in full, then basic details only, then disposed of under {CASE_RULE}; the row "
        "stays after disposal (reference, order type and dates, the young person anonymised) "
        "so the reports count the same. RetentionRule holds the figures."
    ),
    "screening.ClosureDay": CONFIG,
    "screening.Venue": CONFIG,
    "screening.OpeningHours": CONFIG,
    "screening.Room": CONFIG,
    "screening.Visit": CLEARED + " Cleared: the reasons written.",
    "screening.Session": CLEARED + " Cleared: why a session was missed.",
    "screening.VisitHistory": CLEARED + " Cleared: reasons and snapshots.",
    "screening.Finding": CLEARED + " Cleared: the answers.",
    "screening.AssessmentLayout": CONFIG,
    "screening.AssessmentDraft": CLEARED + " Cleared: flags, ratings, plan and judgements.",
    "screening.AssessmentVersion": CLEARED + " Cleared: sections, plan and judgements.",
    "screening.PlanAction": REMOVED,
    "screening.OversightNote": REMOVED,
    "screening.Review": CLEARED + " Kept whole: a review holds dates and status only.",
    "screening.NewInformation": CLEARED + " Cleared: the summary of what was learnt.",
    "screening.DraftSection": REMOVED,
    "screening.DraftEvent": CLEARED + " Cleared: reopening reasons.",
    "screening.Alert": REMOVED,
    "screening.AlertEmail": REMOVED,
    "screening.WorkEmail": REMOVED,
    "screening.AuditEntry": (
        f"Kept; when the case is reduced or disposed of under {CASE_RULE}, its entries lose "
        "their details and the fact remains. Disposal itself is recorded here: what kind, how "
        "many, when and who approved it, never what was removed."
    ),
    "screening.CalendarImport": SCHEDULE,
    "screening.InviteEmail": REMOVED,
    "screening.MessageTemplate": CONFIG,
    "screening.Message": (
        "The body is cleared MESSAGE_BODY_RETENTION_DAYS (default 30) local days after it was "
        f"sent, its status kept; the row is deleted when the case is reduced or disposed of "
        f"under {CASE_RULE}."
    ),
    "screening.NumberStatus": (
        "Kept as the list of numbers that opted out, so STOP is honoured for good; not under "
        "the case schedule."
    ),
    "screening.InboundMessage": (
        "The body is cleared MESSAGE_BODY_RETENTION_DAYS (default 30) local days after it was "
        f"received, its kind kept; the row is deleted when the case is reduced or disposed of "
        f"under {CASE_RULE}."
    ),
    "screening.AdminTask": REMOVED,
    "screening.FreedSlot": (
        "Offered only while its time is in the future; deleted when the case whose visit freed "
        f"it is reduced or disposed of under {CASE_RULE}."
    ),
    "screening.FreedSlot_practitioners": "Deleted with its freed slot.",
    "screening.ReplyLink": (
        "Answers only until the end of the visit's day; the row (the number it was texted "
        "to, what was done with it) is deleted when the case is reduced or disposed of under "
        f"{CASE_RULE}."
    ),
    "screening.PlannerRun": (
        "Not under the case schedule: a capacity planner run holds the YOT's set-up and "
        "figures (practitioners' and rooms' utilisation), no young person's data; kept for "
        "planning while its YOT managers want it, deleted by hand."
    ),
    "screening.RetentionRule": CONFIG + " Each change records who made it.",
    "screening.DisposalBatch": (
        "Kept as the record of disposal: when it was proposed, who approved it and how many "
        "cases it reduced or disposed of; never what they held."
    ),
    "screening.DisposalItem": (
        "Kept with its batch: which case, which action and rule, and the outcome; never what "
        "the case held."
    ),
    "admin.LogEntry": (
        "Kept; the entries about a reduced or disposed case, its visits and an anonymised "
        "young person lose the record's name and the change message."
    ),
    "auth.Permission": CONFIG,
    "auth.Group": CONFIG,
    "auth.Group_permissions": CONFIG,
    "contenttypes.ContentType": CONFIG,
    "sessions.Session": "Until it expires (SESSION_IDLE_SECONDS) or the user signs out.",
    "axes.AccessAttempt": SIGN_INS,
    "axes.AccessAttemptExpiration": "Until the pause ends (SIGN_IN_LOCKOUT_MINUTES).",
    "axes.AccessFailureLog": SIGN_INS,
    "axes.AccessLog": SIGN_INS,
    "otp_totp.TOTPDevice": STAFF,
    "django_migrations": CONFIG,
    "django_cache": "Until the entry expires (minutes: throttle windows).",
}
