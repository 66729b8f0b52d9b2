"""Database guards that make double booking impossible, whatever the concurrency.

PostgreSQL: exclusion constraints (btree_gist) over each live session's held range
[start, end + buffer) per practitioner, and over each live visit's whole span per room and
per interpreter (a visit's interpreter is held from its first session's start to its last
session's end, like its room).
SQLite: triggers that abort the same overlapping inserts and updates; writers are
serialised by IMMEDIATE transactions, so the trigger's check cannot race.

On PostgreSQL two transactions inserting conflicting rows at the same moment each see the
other's row and wait for it, a deadlock the server breaks by failing one of them (an
exclusion constraint, unlike a unique index, has no way round this). So a booking first
takes a transaction-level advisory lock on each practitioner and room it writes, always
in the same order: bookings of the same resources queue there, and the re-check after the
lock sees the earlier booking committed and names what was taken. The constraints remain
the guarantee; a deadlock that still reaches them is reported as the slot being taken.

SQLite drops a table's triggers whenever a migration rebuilds the table, so the guards
are (re)installed idempotently after every `migrate` (post_migrate), not only once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

SESSION_CONSTRAINT = "session_no_practitioner_overlap"
VISIT_CONSTRAINT = "visit_no_room_overlap"
INTERPRETER_CONSTRAINT = "visit_no_interpreter_overlap"
GUARDS = (SESSION_CONSTRAINT, VISIT_CONSTRAINT, INTERPRETER_CONSTRAINT)

POSTGRES_SQL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{SESSION_CONSTRAINT}') THEN
        ALTER TABLE screening_session ADD CONSTRAINT {SESSION_CONSTRAINT}
          EXCLUDE USING gist (practitioner_id WITH =,
                              tstzrange(start, blocked_until, '[)') WITH &&)
          WHERE (NOT cancelled);
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{VISIT_CONSTRAINT}') THEN
        ALTER TABLE screening_visit ADD CONSTRAINT {VISIT_CONSTRAINT}
          EXCLUDE USING gist (room_id WITH =, tstzrange(start, "end", '[)') WITH &&)
          WHERE (status <> 'cancelled');
      END IF;
    END $$;
    """,  # noqa: S608 - constant names, no user input
]


def _sqlite_trigger(table: str, when: str, name: str, overlap_sql: str) -> str:
    return f"""
    CREATE TRIGGER IF NOT EXISTS {name}_{when.lower()}
    BEFORE {when} ON {table}
    FOR EACH ROW
    BEGIN
      SELECT RAISE(ABORT, '{name}') WHERE {overlap_sql};
    END;
    """


_SESSION_OVERLAP = """
    NOT NEW.cancelled AND EXISTS (
      SELECT 1 FROM screening_session AS other
      WHERE other.practitioner_id = NEW.practitioner_id
        AND NOT other.cancelled
        AND other.id IS NOT NEW.id
        AND other.start < NEW.blocked_until
        AND NEW.start < other.blocked_until)
"""
_VISIT_OVERLAP = """
    NEW.status <> 'cancelled' AND EXISTS (
      SELECT 1 FROM screening_visit AS other
      WHERE other.room_id = NEW.room_id
        AND other.status <> 'cancelled'
        AND other.id IS NOT NEW.id
        AND other.start < NEW."end"
        AND NEW.start < other."end")
"""

# The interpreter's guard is installed only once the column exists (migration 0027 adds
# it): earlier migrations run this module's installer too.
POSTGRES_INTERPRETER_SQL = [
    f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '{INTERPRETER_CONSTRAINT}') THEN
        ALTER TABLE screening_visit ADD CONSTRAINT {INTERPRETER_CONSTRAINT}
          EXCLUDE USING gist (interpreter_id WITH =, tstzrange(start, "end", '[)') WITH &&)
          WHERE (status <> 'cancelled' AND interpreter_id IS NOT NULL);
      END IF;
    END $$;
    """,  # noqa: S608 - constant names, no user input
]

_INTERPRETER_OVERLAP = """
    NEW.status <> 'cancelled' AND NEW.interpreter_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM screening_visit AS other
      WHERE other.interpreter_id = NEW.interpreter_id
        AND other.status <> 'cancelled'
        AND other.id IS NOT NEW.id
        AND other.start < NEW."end"
        AND NEW.start < other."end")
"""

SQLITE_SQL = [
    _sqlite_trigger("screening_session", when, SESSION_CONSTRAINT, _SESSION_OVERLAP)
    for when in ("INSERT", "UPDATE")
] + [
    _sqlite_trigger("screening_visit", when, VISIT_CONSTRAINT, _VISIT_OVERLAP)
    for when in ("INSERT", "UPDATE")
]

SQLITE_INTERPRETER_SQL = [
    _sqlite_trigger("screening_visit", when, INTERPRETER_CONSTRAINT, _INTERPRETER_OVERLAP)
    for when in ("INSERT", "UPDATE")
]


def install_booking_guards(connection: BaseDatabaseWrapper) -> None:
    """Create the no-overlap guards for this database if they are missing."""
    tables = set(connection.introspection.table_names())
    if not {"screening_session", "screening_visit"} <= tables:
        return
    if connection.vendor == "postgresql":
        statements, interpreter = POSTGRES_SQL, POSTGRES_INTERPRETER_SQL
    elif connection.vendor == "sqlite":
        statements, interpreter = SQLITE_SQL, SQLITE_INTERPRETER_SQL
    else:
        raise RuntimeError(f"no double-booking guard for database {connection.vendor!r}")
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "screening_visit")
        }
        if "interpreter_id" in columns:
            statements = statements + interpreter
        for sql in statements:
            cursor.execute(sql)


def installed_guards(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guards present in the database (for checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conname IN (%s, %s, %s)",
                list(GUARDS),
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
        return {c for c in GUARDS if {f"{c}_insert", f"{c}_update"} <= names}


def guard_violated(error: Exception) -> str | None:
    """Which guard an IntegrityError (or a deadlock while checking one) came from."""
    text = str(error)
    cause = getattr(error, "__cause__", None)
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    for guard in GUARDS:
        if guard == name or guard in text:
            return guard
    return guard_deadlock(error)


# Advisory lock keys: the resource kind in the high bits, its id in the low 48.
_PRACTITIONER_LOCK, _ROOM_LOCK, _CASE_LOCK = 1 << 48, 2 << 48, 3 << 48
_INTERPRETER_LOCK = 4 << 48


def hold_resources(
    *,
    practitioners: Iterable[int],
    room: int | None,
    case: int | None = None,
    interpreter: int | None = None,
) -> None:
    """Queue behind any other transaction writing bookings for these practitioners or this
    room (or, given, this case), until this transaction ends (PostgreSQL; SQLite already
    runs one writer at once). Keys are taken in ascending order, so two bookings never
    wait for each other.

    The case's key serialises the check that a case has one booked visit per agency, a
    read no guard can make for it; it is a lock of its own, taken with the others in the
    same statement, rather than a lock on the case's row (which every write referring to
    the case would then wait for)."""
    if default_connection.vendor != "postgresql":
        return
    keys = {_PRACTITIONER_LOCK + p for p in practitioners}
    if room is not None:  # a home or school visit holds no room
        keys.add(_ROOM_LOCK + room)
    if case is not None:
        keys.add(_CASE_LOCK + case)
    if interpreter is not None:
        keys.add(_INTERPRETER_LOCK + interpreter)
    keys = sorted(keys)
    calls = ", ".join(["pg_advisory_xact_lock(%s)"] * len(keys))
    with default_connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", keys)


DEADLOCK = "40P01"
_TABLE_GUARD = {"screening_session": SESSION_CONSTRAINT, "screening_visit": VISIT_CONSTRAINT}


def guard_deadlock(error: Exception) -> str | None:
    """Which guard a PostgreSQL deadlock arose in, if it arose while checking one (two
    conflicting rows inserted at once): the slot is being taken by the other booking."""
    cause = getattr(error, "__cause__", None)
    if getattr(cause, "sqlstate", None) != DEADLOCK:
        return None
    context = getattr(getattr(cause, "diag", None), "context", None) or str(error)
    for table, guard in _TABLE_GUARD.items():
        if "exclusion constraint" in context and f'"{table}"' in context:
            return guard
    return None  # a deadlock elsewhere: not a slot taken, so the caller lets it stand
