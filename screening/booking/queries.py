"""The booking path's fixed SQL statements, each run through `screening.fixed_sql.fetch`
(why fixed SQL: ADR 0009). Every value is a `%s` parameter, an IN list one `Many`
parameter; statements ending in `_BUT_VISIT` leave one visit (the one being moved) out.
tests/screening/booking/test_fixed_sql.py reads the tables and columns named here and
checks them against the models, so a rename cannot leave a statement behind.
"""

from __future__ import annotations

# Working patterns (events with a rule) and one-off events of some calendars; each pattern
# comes once per change to it that touches the window (an occurrence moved from or to one
# of its days: the first two parameters bound its original start, the next two the window),
# or once with NULLs. One or both of the WHERE conditions below follow, joined by OR.
EVENTS = """
SELECT e.calendar_id, e.id, e.start, e."end", e.end_recurring_period, e.rule_id,
       r.frequency, r.params, o.original_start, o.cancelled, o.start, o."end"
FROM schedule_event e
LEFT OUTER JOIN schedule_rule r ON r.id = e.rule_id
LEFT OUTER JOIN schedule_occurrence o ON o.event_id = e.id AND e.rule_id IS NOT NULL
     AND ((o.original_start >= %s AND o.original_start < %s) OR (o.start < %s AND o."end" > %s))
WHERE """

# EVENTS' condition for the working patterns of some calendars: calendar ids, hi, lo. A
# pattern in force in [lo, hi), or one with a change that touches the window: an occurrence
# moved to a day before the pattern starts or after it ends is still worked where it went.
PATTERNS_WHERE = """(e.rule_id IS NOT NULL AND e.calendar_id IN (%s) AND (o.event_id IS NOT NULL
 OR (e.start < %s AND (e.end_recurring_period IS NULL OR e.end_recurring_period > %s))))"""

# EVENTS' condition for the one-off events (leave, closures) of some calendars that
# overlap [lo, hi): calendar ids, hi, lo.
ONE_OFF_WHERE = """(e.rule_id IS NULL AND e.calendar_id IN (%s) AND e.start < %s
 AND e."end" > %s)"""

# Live sessions of some practitioners holding them (start to end plus buffer) at any time
# in [lo, hi): practitioner ids, False (not cancelled), hi, lo.
SESSIONS_HELD = (
    "SELECT practitioner_id, start, blocked_until FROM screening_session "
    "WHERE practitioner_id IN (%s) AND cancelled = %s AND start < %s AND blocked_until > %s"
)
# Other live visits holding a room at any time in [start, end), in rows shaped like
# SESSIONS_HELD's with no practitioner: the room's id, 'cancelled', end, start, and a
# moment no visit overlapping [start, end) can start before (a visit lies within one
# day's opening hours), so the room's index is read from there, not from its first visit.
ROOM_HELD = (
    'SELECT NULL, start, "end" FROM screening_visit '
    'WHERE room_id = %s AND status <> %s AND start < %s AND "end" > %s AND start > %s'
)
# What holds a visit's practitioners and its room, in one round trip: SESSIONS_HELD's
# parameters, then ROOM_HELD's.
HELD = SESSIONS_HELD + " UNION ALL " + ROOM_HELD
# The same, but not what one visit holds (the visit being moved): SESSIONS_HELD's
# parameters and the visit's id, then ROOM_HELD's and the visit's id.
HELD_BUT_VISIT = SESSIONS_HELD + " AND visit_id <> %s UNION ALL " + ROOM_HELD + " AND id <> %s"

# A venue's opening hours on one weekday (local wall-clock times): venue id, weekday.
OPENING_HOURS = (
    "SELECT opens, closes FROM screening_openinghours WHERE venue_id = %s AND weekday = %s"
)

# Busy minutes imported from some practitioners' own calendars: practitioner ids.
IMPORTED_BUSY = (
    "SELECT practitioner_id, busy FROM screening_calendarimport WHERE practitioner_id IN (%s)"
)

# Of some agencies, those a case has a booked visit with: a live session not marked missed
# (a missed one's rebooking is a second live visit for the case). The case's id, 'booked',
# False (not cancelled), agency ids, True (attended).
CASE_AGENCIES_BOOKED = (
    "SELECT s.agency_id FROM screening_session s "
    "JOIN screening_visit v ON v.id = s.visit_id "
    "WHERE v.case_id = %s AND v.status = %s AND s.cancelled = %s AND s.agency_id IN (%s) "
    "AND (s.attended IS NULL OR s.attended = %s)"
)

# The visit search reads many rows over a long window: it takes their times as whole
# minutes since the epoch (what the engine works in, floored as `expand.to_minutes` does),
# worked out by the database rather than turned into datetimes one by one in Python. One
# statement per database: SQLite (3.38 or later) has `unixepoch`, PostgreSQL `DATE_PART`.
# Live sessions of some practitioners holding them at any time in [lo, hi), with the visit
# each belongs to: practitioner ids, False (not cancelled), hi, lo, and a moment no session
# holding anyone at lo can start before (as ROOM_HELD's), so the (practitioner, start) index
# is read from there, not through all of a practitioner's history.
SESSION_MINUTES_SQLITE = (
    "SELECT practitioner_id, unixepoch(start) / 60, unixepoch(blocked_until) / 60, visit_id "
    "FROM screening_session "
    "WHERE practitioner_id IN (%s) AND cancelled = %s AND start < %s AND blocked_until > %s "
    "AND start > %s"
)
SESSION_MINUTES_POSTGRESQL = (
    "SELECT practitioner_id, CAST(FLOOR(DATE_PART('epoch', start) / 60) AS BIGINT), "
    "CAST(FLOOR(DATE_PART('epoch', blocked_until) / 60) AS BIGINT), visit_id "
    "FROM screening_session "
    "WHERE practitioner_id IN (%s) AND cancelled = %s AND start < %s AND blocked_until > %s "
    "AND start > %s"
)
# Live visits holding some rooms at any time in [lo, hi): room ids, 'cancelled', hi, lo, and
# a moment no visit overlapping lo can start before.
VISIT_MINUTES_SQLITE = (
    'SELECT room_id, unixepoch(start) / 60, unixepoch("end") / 60, id FROM screening_visit '
    'WHERE room_id IN (%s) AND status <> %s AND start < %s AND "end" > %s AND start > %s'
)
VISIT_MINUTES_POSTGRESQL = (
    "SELECT room_id, CAST(FLOOR(DATE_PART('epoch', start) / 60) AS BIGINT), "
    "CAST(FLOOR(DATE_PART('epoch', \"end\") / 60) AS BIGINT), id FROM screening_visit "
    'WHERE room_id IN (%s) AND status <> %s AND start < %s AND "end" > %s AND start > %s'
)

# Travel minutes of the venues of some visits, for those whose venue has any: visit ids, 0.
# A visit at a community venue holds its practitioners for the travel before and after.
VISIT_TRAVEL = (
    "SELECT v.id, ve.travel_minutes FROM screening_visit v "
    "JOIN screening_venue ve ON ve.id = v.venue_id "
    "WHERE v.id IN (%s) AND ve.travel_minutes > %s"
)
# Live sessions of some practitioners at venues with travel, with that travel, near [lo, hi):
# practitioner ids, False (not cancelled), hi, lo, 0, and a visit id to leave out (or 0).
SESSIONS_TRAVEL = (
    "SELECT s.practitioner_id, s.start, s.blocked_until, ve.travel_minutes "
    "FROM screening_session s JOIN screening_visit v ON v.id = s.visit_id "
    "JOIN screening_venue ve ON ve.id = v.venue_id "
    "WHERE s.practitioner_id IN (%s) AND s.cancelled = %s AND s.start < %s "
    "AND s.blocked_until > %s AND ve.travel_minutes > %s AND s.visit_id <> %s"
)

# The search's small reads, fixed too: through the ORM each costs more to build than to run
# (about 1 ms of Python apiece, measured on the 10,000-case synthetic YOT), and the search
# makes several a call.
# The opening hours of some venues (local wall-clock times): venue ids.
VENUES_OPENING_HOURS = (
    "SELECT venue_id, weekday, opens, closes FROM screening_openinghours WHERE venue_id IN (%s)"
)
# The practitioners a young person has seen at an attended session: the young person's id,
# False (not cancelled), True (attended).
PRACTITIONERS_SEEN = (
    "SELECT DISTINCT s.practitioner_id FROM screening_session s "
    "JOIN screening_visit v ON v.id = s.visit_id JOIN screening_case c ON c.id = v.case_id "
    "WHERE c.young_person_id = %s AND s.cancelled = %s AND s.attended = %s"
)
# Whether some venue has travel: 0.
ANY_TRAVEL = "SELECT 1 FROM screening_venue WHERE travel_minutes > %s LIMIT 1"
# A young person's usual unavailable times: the young person's id.
UNAVAILABLE = (
    "SELECT weekdays, start_time, end_time FROM screening_unavailabletime "
    "WHERE young_person_id = %s"
)
# The same of their parent or carer: the young person's id.
CARER_UNAVAILABLE = (
    "SELECT weekdays, start_time, end_time FROM screening_parentcarerunavailabletime "
    "WHERE young_person_id = %s"
)
