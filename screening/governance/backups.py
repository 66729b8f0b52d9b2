"""Backups of the whole database and restoring them (README "Backups").

SQLite is copied with its online backup API, in one step, so the copy is one consistent
moment however busy the site is (WAL: readers never wait for the writer, nor it for them).
PostgreSQL is dumped with `pg_dump -Fc` (one snapshot) and restored with `pg_restore` in one
transaction. Each backup is named with the time it was taken (UTC) and has a checksum file
beside it in `sha256sum` format; a restore refuses a backup that does not match it, and
refuses to overwrite a database that already holds records unless forced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connections
from django.utils import timezone

PREFIX = "screening-"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
CHECKSUM_SUFFIX = ".sha256"
NAME_PATTERN = re.compile(r"^screening-(\d{8}T\d{6}Z)\.(sqlite3|pgdump)$")
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"

# Tables `migrate` fills by itself (its bookkeeping, permissions and the role groups, and the
# shipped configuration: agencies, findings forms, the draft layout, text wording, the retention
# schedule), and the
# throwaway cache. Rows anywhere else mean the database holds records a restore would lose.
WRITTEN_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "agencies_agency",
        "agencies_findingsform",
        "screening_assessmentlayout",
        "screening_messagetemplate",
        "screening_retentionrule",
        "django_cache",
        "sqlite_sequence",
    }
)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why for the operator."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    checksum: str
    size: int
    pruned: list[Path]


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    database: str
    taken_at: dt.datetime | None
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in SUFFIXES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sqlite_file(alias: str) -> Path:
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        raise BackupError(f"The SQLite database {name!r} is not a file; nothing to back up.")
    return Path(name)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKSUM_SUFFIX)


def taken_at(path: Path) -> dt.datetime | None:
    """The moment a backup's name says it was taken, or None for a name not ours."""
    match = NAME_PATTERN.match(path.name)
    if not match:
        return None
    return dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def _private_file(path: Path) -> None:
    """Create an empty file only its owner can read: backups hold personal data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _pg_environment(alias: str) -> dict[str, str]:
    """libpq's variables from Django's connection settings, so the password never appears
    on a command line."""
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    for var, value in [
        ("PGHOST", conf.get("HOST")),
        ("PGPORT", conf.get("PORT")),
        ("PGUSER", conf.get("USER")),
        ("PGPASSWORD", conf.get("PASSWORD")),
        ("PGDATABASE", conf.get("NAME")),
        ("PGSSLMODE", (conf.get("OPTIONS") or {}).get("sslmode")),
    ]:
        if value:
            env[var] = str(value)
    return env


def _pg_tool(name: str) -> str:
    """A PostgreSQL client program: on the PATH, or the newest Debian server package's."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise BackupError(
            f"{name} was not found; install the PostgreSQL client programs "
            "(Debian's postgresql-client or postgresql package)."
        )
    return str(candidates[-1])


def _run(args: list[str], *, env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


def table_counts(alias: str = "default") -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _records_held(alias: str) -> dict[str, int]:
    return {
        table: count
        for table, count in table_counts(alias).items()
        if count and table not in WRITTEN_BY_MIGRATE
    }


def backup_create(*, folder: Path, keep: int | None = None, alias: str = "default") -> BackupResult:
    """Write a backup of the database into `folder`, named with the time (UTC), with its
    checksum file; then, with `keep`, delete the oldest of this database's kind beyond the
    newest `keep`. Raises BackupError when the folder, database or tools refuse."""
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1: it never deletes the backup just taken.")
    vendor = _vendor(alias)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    moment = timezone.now().astimezone(dt.UTC)
    path = folder / f"{PREFIX}{moment:%Y%m%dT%H%M%SZ}{SUFFIXES[vendor]}"
    if path.exists():
        raise BackupError(f"{path} already exists; a backup was taken this second.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    _private_file(partial)
    try:
        if vendor == "sqlite":
            _sqlite_backup(source=_sqlite_file(alias), target=partial)
        else:
            env = _pg_environment(alias)
            _run([_pg_tool("pg_dump"), "-Fc", "-f", str(partial)], env=env, what="pg_dump")
            # The archive reads back (its table of contents is whole).
            _run([_pg_tool("pg_restore"), "--list", str(partial)], env=env, what="Checking")
        checksum = sha256_of(partial)
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _private_file(checksum_path(path))
    checksum_path(path).write_text(f"{checksum}  {path.name}\n")
    pruned = _prune(folder=folder, suffix=SUFFIXES[vendor], keep=keep) if keep else []
    return BackupResult(path=path, checksum=checksum, size=path.stat().st_size, pruned=pruned)


def _sqlite_backup(*, source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"The SQLite database {source} does not exist.")
    src = sqlite3.connect(source, timeout=20)
    dst = sqlite3.connect(target)
    try:
        # All pages in one step: one consistent moment, whatever writes come after.
        src.backup(dst)
        # A self-contained file: no -wal or -shm beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copy failed its integrity check: {check}")
    finally:
        dst.close()
        src.close()


def _prune(*, folder: Path, suffix: str, keep: int) -> list[Path]:
    """Delete backups of this kind (and their checksum files) older than the newest `keep`;
    files whose names are not a backup's are never touched."""
    ours = sorted(
        (p for p in folder.iterdir() if NAME_PATTERN.match(p.name) and p.name.endswith(suffix)),
        key=lambda p: p.name,
    )
    old = ours[:-keep]
    for path in old:
        path.unlink()
        checksum_path(path).unlink(missing_ok=True)
    return old


def check_backup(path: Path) -> str:
    """The backup's checksum, after proving it matches its checksum file; raises
    BackupError naming the file when it is missing, unchecked or does not match."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    sums = checksum_path(path)
    if not sums.is_file():
        raise BackupError(
            f"{path} has no checksum file ({sums.name}) beside it, so it cannot be checked; "
            "nothing was restored."
        )
    expected = (sums.read_text().split() or [""])[0].lower()
    found = sha256_of(path)
    if found != expected:
        raise BackupError(
            f"{path} does not match its checksum (expected {expected}, found {found}): it is "
            "damaged or was changed since it was taken. Nothing was restored."
        )
    return found


def backup_restore(*, path: Path, force: bool = False, alias: str = "default") -> RestoreResult:
    """Replace the database with the backup at `path`. Refuses (BackupError, nothing changed)
    a backup that fails its checksum or is of the other database kind, and a database that
    already holds records unless `force`."""
    check_backup(path)
    vendor = _vendor(alias)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    kind = (
        "sqlite"
        if header.startswith(SQLITE_HEADER)
        else "postgresql"
        if header.startswith(PGDUMP_HEADER)
        else None
    )
    if kind is None:
        raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump archive.")
    if kind != vendor:
        raise BackupError(
            f"{path} is a {kind} backup; this database is {vendor}. Nothing was restored."
        )
    if kind == "sqlite":
        _check_sqlite_backup(path)
    try:
        held = _records_held(alias) if _database_exists(alias) else {}
    except DatabaseError as exc:
        raise BackupError(
            f"Cannot reach the database to restore into ({exc}). Create it first (it may be "
            "empty). Nothing was restored."
        ) from exc
    if held and not force:
        listed = ", ".join(f"{table} {count}" for table, count in sorted(held.items())[:8])
        raise BackupError(
            f"The database already holds records ({listed}"
            f"{', ...' if len(held) > 8 else ''}); restoring would replace them. Give --force "
            "to replace them. Nothing was restored."
        )
    connections[alias].close()
    if vendor == "sqlite":
        _sqlite_restore(backup=path, target=_sqlite_file(alias))
    else:
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                str(connections[alias].settings_dict["NAME"]),
                str(path),
            ],
            env=_pg_environment(alias),
            what="pg_restore",
        )
    return RestoreResult(
        path=path,
        database=str(connections[alias].settings_dict["NAME"]),
        taken_at=taken_at(path),
        counts=table_counts(alias),
    )


def _database_exists(alias: str) -> bool:
    if connections[alias].vendor == "sqlite":
        target = _sqlite_file(alias)
        return target.exists() and target.stat().st_size > 0
    return True


def _check_sqlite_backup(backup: Path) -> None:
    """The file is a whole SQLite database of this service; raises BackupError if not."""
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        check = src.execute("PRAGMA quick_check").fetchone()[0]
        ours = src.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup} cannot be read as SQLite ({exc}); nothing restored.") from exc
    finally:
        src.close()
    if check != "ok":
        raise BackupError(f"{backup} fails its integrity check ({check}); nothing restored.")
    if not ours:
        raise BackupError(f"{backup} is not a backup of this service; nothing restored.")


def _sqlite_restore(*, backup: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=20)
        try:
            # One step, in one write transaction on the target: all of it or none.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
