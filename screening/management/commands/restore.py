"""Restore the database from a backup (README "Backups")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from screening.governance.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `manage.py backup`, after checking it "
        "against its checksum file. Refuses a database that holds records unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file (its .sha256 file beside it).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds records.",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            result = backup_restore(path=path, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        when = (
            f", taken {result.taken_at.day} {result.taken_at:%B %Y %H:%M:%S} UTC"
            if result.taken_at
            else ""
        )
        self.stdout.write(
            f"Restored {path.name}{when} (checksum matched) into {result.database}: "
            f"{result.rows} rows in {len(result.counts)} tables."
        )
        for table, count in sorted(result.counts.items()):
            if count:
                self.stdout.write(f"  {table}: {count}")
        self.stdout.write(
            "Run `manage.py migrate` next if this code is newer than the backup, then start "
            "the site and the background worker again."
        )
