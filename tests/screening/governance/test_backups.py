"""Backups restore every row; a damaged backup or a database with records is refused."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import ApiToken, Role, User
from accounts.services import user_create
from accounts.two_factor import setup_code_issue, setup_device
from screening.governance.backups import table_counts
from screening.models import ClosureDay, NumberStatus, PlannerRun, YoungPerson
from tests.messaging import freeze

# Committed rows, so the backup (its own connection) sees them; the data migrate wrote is put
# back after each test, as the other transaction tests do.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip(f"runs on SQLite; this run's database is {connection.vendor}")


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(f"runs on PostgreSQL; this run's database is {connection.vendor}")


def fill_every_table() -> None:
    """The demo YOT, plus a row in each table the demo leaves empty (sign-in records,
    tokens, django-scheduler's relations and exceptions, the cache, sessions, a capacity
    planner run)."""
    call_command("seed_demo", stdout=StringIO())
    from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
    from schedule.models import Calendar, CalendarRelation, Event, EventRelation, Occurrence

    admin = User.objects.filter(role=Role.SYSTEM_ADMIN).first()
    manager = User.objects.filter(role=Role.YOT_MANAGER).first()
    ApiToken.issue(user=manager)
    setup_code_issue(user=manager, by=admin)
    setup_device(user=manager)
    user_create(
        username="new.practitioner",
        password="a-long-fictional-password-2027",
        role=Role.PRACTITIONER,
        by=admin,
    )
    manager.user_permissions.add(Permission.objects.first())
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(ClosureDay),
        object_id="1",
        object_repr="Christmas closure",
        action_flag=ADDITION,
    )
    ClosureDay.objects.create(date=dt.date(2027, 12, 29), reason="Christmas closure")
    NumberStatus.objects.create(number="+447400123999", opted_out_at=timezone.now())
    event = Event.objects.first()
    calendar = Calendar.objects.first()
    CalendarRelation.objects.create(calendar=calendar, content_object=manager)
    EventRelation.objects.create(event=event, content_object=manager)
    Occurrence.objects.create(
        event=event,
        start=event.start + dt.timedelta(days=7),
        end=event.end + dt.timedelta(days=7),
        original_start=event.start + dt.timedelta(days=7),
        original_end=event.end + dt.timedelta(days=7),
        cancelled=True,
    )
    seen = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "sw.ferguson"}
    attempt = AccessAttempt.objects.create(
        **seen, http_accept="*/*", path_info="/sign-in/", failures_since_start=1
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + dt.timedelta(minutes=15)
    )
    AccessFailureLog.objects.create(**seen, http_accept="*/*", path_info="/sign-in/")
    AccessLog.objects.create(**seen, http_accept="*/*", path_info="/sign-in/")
    session = SessionStore()
    session["signed_in"] = "yes"
    session.create()
    cache.set("throttle-test", 1, 3600)
    PlannerRun.objects.create(
        requested_by=manager, params={"weeks": 13, "per_week": 10, "seed": 1}, changes=[]
    )


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite file, in a stable order."""
    db = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        db.close()


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """A manage.py command run as an operator would, against another database."""
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def back_up(folder: Path, *extra: str) -> Path:
    out = StringIO()
    call_command("backup", "--dir", str(folder), *extra, stdout=out)
    (made,) = [p for p in folder.iterdir() if p.suffix in {".sqlite3", ".pgdump"}]
    assert str(made) in out.getvalue() and "sha256" in out.getvalue()
    return made


@pytest.mark.slow
def test_a_backup_restored_into_an_empty_sqlite_database_has_every_row(on_sqlite, tmp_path):
    fill_every_table()
    source = Path(connection.settings_dict["NAME"])
    before = sqlite_rows(source)
    assert [t for t, rows in before.items() if not rows] == [], "every table holds a row"

    backup = back_up(tmp_path / "backups")
    assert backup.name.startswith("screening-") and backup.name.endswith("Z.sqlite3")
    checksum = (backup.parent / (backup.name + ".sha256")).read_text()
    assert checksum.endswith(f"  {backup.name}\n") and len(checksum.split()[0]) == 64
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    target = tmp_path / "restored.sqlite3"
    done = manage("restore", str(backup), database_url=f"sqlite:///{target}")
    assert done.returncode == 0, done.stderr
    assert f"Restored {backup.name}" in done.stdout
    assert f"screening_youngperson: {YoungPerson.objects.count()}" in done.stdout

    after = sqlite_rows(target)
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert after == before
    # A sample read back by name, not only by count.
    names = {(g, f) for g, f in YoungPerson.objects.values_list("given_name", "family_name")}
    restored = sqlite3.connect(target)
    assert set(restored.execute("SELECT given_name, family_name FROM screening_youngperson")) == (
        names
    )
    restored.close()


@pytest.mark.slow
def test_restore_with_force_replaces_a_database_that_holds_records(on_sqlite, tmp_path):
    ClosureDay.objects.create(date=dt.date(2027, 12, 29), reason="In the backup")
    backup = back_up(tmp_path / "backups")
    target = tmp_path / "busy.sqlite3"
    held = sqlite3.connect(target)
    held.execute("CREATE TABLE screening_closureday (id integer, date text, reason text)")
    held.execute("INSERT INTO screening_closureday VALUES (7, '2027-01-04', 'Not in it')")
    held.commit()
    held.close()

    refused = manage("restore", str(backup), database_url=f"sqlite:///{target}")
    assert refused.returncode != 0
    assert "already holds records (screening_closureday 1)" in refused.stderr
    assert "--force" in refused.stderr

    done = manage("restore", "--force", str(backup), database_url=f"sqlite:///{target}")
    assert done.returncode == 0, done.stderr
    restored = [row[1:] for row in sqlite_rows(target)["screening_closureday"]]
    assert restored == [("2027-12-29", "In the backup")]


def test_a_backup_taken_while_the_service_writes_is_one_consistent_moment(on_sqlite, tmp_path):
    """A writer keeps adding a closure day and a number status in one transaction each;
    every backup taken meanwhile holds as many of one as of the other."""
    stop = threading.Event()
    written = []

    def write() -> None:
        day = dt.date(2030, 1, 1)
        try:
            while not stop.is_set() and len(written) < 5000:
                with transaction.atomic():
                    ClosureDay.objects.create(date=day, reason="")
                    NumberStatus.objects.create(number=f"+4474001{len(written):05d}")
                written.append(day)
                day += dt.timedelta(days=1)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        pairs = []
        for n in range(4):
            while len(written) < 20 * (n + 1):
                time.sleep(0.01)
            backup = back_up(tmp_path / str(n))
            copy = sqlite3.connect(backup)
            pairs.append(
                (
                    copy.execute("SELECT COUNT(*) FROM screening_closureday").fetchone()[0],
                    copy.execute("SELECT COUNT(*) FROM screening_numberstatus").fetchone()[0],
                )
            )
            copy.close()
    finally:
        stop.set()
        writer.join()
    assert all(days == numbers for days, numbers in pairs), pairs
    assert pairs[-1][0] > pairs[0][0] > 0, "the backups were taken while the writer wrote"


def test_a_corrupted_backup_is_refused_and_nothing_changes(on_sqlite, tmp_path):
    YoungPerson.objects.create(
        given_name="Rhian", family_name="Testcase", date_of_birth=dt.date(2011, 1, 4)
    )
    backup = back_up(tmp_path / "backups")
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    before = table_counts()
    YoungPerson.objects.update(given_name="Changed after the backup")

    with pytest.raises(CommandError, match="does not match its checksum") as refused:
        call_command("restore", str(backup), "--force", stdout=StringIO())
    assert "damaged or was changed" in str(refused.value)
    assert "Nothing was restored" in str(refused.value)
    assert table_counts() == before
    assert YoungPerson.objects.get().given_name == "Changed after the backup"


def test_a_backup_without_its_checksum_file_is_refused(on_sqlite, tmp_path):
    backup = back_up(tmp_path / "backups")
    (backup.parent / (backup.name + ".sha256")).unlink()
    with pytest.raises(CommandError, match="has no checksum file"):
        call_command("restore", str(backup), "--force", stdout=StringIO())


def test_restore_refuses_a_database_that_holds_records_without_force(on_sqlite, tmp_path):
    backup = back_up(tmp_path / "backups")
    YoungPerson.objects.create(
        given_name="Rhian", family_name="Testcase", date_of_birth=dt.date(2011, 1, 4)
    )
    with pytest.raises(CommandError, match=r"already holds records \(screening_youngperson 1\)"):
        call_command("restore", str(backup), stdout=StringIO())
    assert YoungPerson.objects.count() == 1


def test_backup_keep_deletes_the_oldest_beyond_the_newest_n(on_sqlite, monkeypatch, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    clock = freeze(monkeypatch, dt.datetime(2027, 3, 1, 2, 15, tzinfo=dt.UTC))
    for _ in range(3):
        call_command("backup", "--dir", str(folder), "--keep", "2", stdout=StringIO())
        clock.advance(days=1)
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.txt",
        "screening-20270302T021500Z.sqlite3",
        "screening-20270302T021500Z.sqlite3.sha256",
        "screening-20270303T021500Z.sqlite3",
        "screening-20270303T021500Z.sqlite3.sha256",
    ]


def test_backup_keep_must_leave_at_least_one(on_sqlite, tmp_path):
    with pytest.raises(CommandError, match="--keep must be at least 1"):
        call_command("backup", "--dir", str(tmp_path), "--keep", "0", stdout=StringIO())
    assert list(tmp_path.iterdir()) == []


def postgres_rows(dsn: dict[str, object]) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(**dsn) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def drop_database(name: str) -> None:
    """Drop a scratch database once every connection to it has gone.

    Not WITH (FORCE): after a restore the server's autovacuum may be analysing the new
    tables, and a role that is not a superuser may not terminate that worker (CI saw
    "must be a member of the role whose process is being terminated"). A plain DROP
    cancels autovacuum itself and waits a few seconds for other sessions to end.
    """
    from django.db.utils import OperationalError

    for attempt in range(5):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
        except OperationalError:
            if attempt == 4:
                raise


@pytest.mark.postgres
@pytest.mark.slow
def test_a_backup_restored_into_an_empty_postgresql_database_has_every_row(on_postgresql, tmp_path):
    fill_every_table()
    conf = connection.settings_dict
    dsn = {
        "host": conf["HOST"],
        "port": conf["PORT"],
        "user": conf["USER"],
        "password": conf["PASSWORD"],
    }
    before = postgres_rows({**dsn, "dbname": conf["NAME"]})
    assert [t for t, rows in before.items() if not rows] == [], "every table holds a row"
    backup = back_up(tmp_path / "backups")
    assert backup.name.endswith("Z.pgdump")

    target = f"{conf['NAME']}_restored"
    drop_database(target)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        url = f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST']}:{conf['PORT']}/{target}"
        done = manage("restore", str(backup), database_url=url)
        assert done.returncode == 0, done.stderr
        assert f"Restored {backup.name}" in done.stdout
        after = postgres_rows({**dsn, "dbname": target})
        assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
        assert after == before

        # The same backup again over the restored database: refused, then replaced with --force.
        refused = manage("restore", str(backup), database_url=url)
        assert refused.returncode != 0 and "already holds records" in refused.stderr
        forced = manage("restore", "--force", str(backup), database_url=url)
        assert forced.returncode == 0, forced.stderr
        assert postgres_rows({**dsn, "dbname": target}) == before
    finally:
        drop_database(target)


@pytest.mark.postgres
def test_a_corrupted_postgresql_backup_is_refused_and_nothing_changes(on_postgresql, tmp_path):
    YoungPerson.objects.create(
        given_name="Rhian", family_name="Testcase", date_of_birth=dt.date(2011, 1, 4)
    )
    backup = back_up(tmp_path / "backups")
    data = bytearray(backup.read_bytes())
    data[-10] ^= 0xFF
    backup.write_bytes(bytes(data))
    YoungPerson.objects.update(given_name="Changed after the backup")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(backup), "--force", stdout=StringIO())
    assert YoungPerson.objects.get().given_name == "Changed after the backup"


def with_checksum(path: Path) -> Path:
    from screening.governance.backups import sha256_of

    (path.parent / (path.name + ".sha256")).write_text(f"{sha256_of(path)}  {path.name}\n")
    return path


def test_restore_refuses_a_file_that_is_no_backup_of_this_service(on_sqlite, tmp_path):
    other = sqlite3.connect(tmp_path / "other.sqlite3")
    other.execute("CREATE TABLE notes (body text)")
    other.commit()
    other.close()
    with pytest.raises(CommandError, match="is not a backup of this service"):
        call_command("restore", str(with_checksum(tmp_path / "other.sqlite3")), "--force")
    dump = tmp_path / "screening-20270301T021500Z.pgdump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00 a PostgreSQL archive")
    with pytest.raises(CommandError, match="is a postgresql backup; this database is sqlite"):
        call_command("restore", str(with_checksum(dump)), "--force")
    assert table_counts()["screening_youngperson"] == 0


@pytest.mark.slow
def test_restore_into_a_new_migrated_installation_needs_no_force(on_sqlite, tmp_path):
    ClosureDay.objects.create(date=dt.date(2027, 12, 29), reason="In the backup")
    backup = back_up(tmp_path / "backups")
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    migrated = manage("migrate", "-v0", database_url=url)
    assert migrated.returncode == 0, migrated.stderr
    done = manage("restore", str(backup), database_url=url)
    assert done.returncode == 0, done.stderr
    assert "screening_closureday: 1" in done.stdout
