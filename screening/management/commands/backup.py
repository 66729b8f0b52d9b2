"""Back the database up into BACKUP_DIR (README "Backups")."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from screening.governance.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back the database up (SQLite's online backup, or pg_dump -Fc) into BACKUP_DIR, named "
        "with the time, with a .sha256 checksum file beside it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", help="Write here instead of BACKUP_DIR.")
        parser.add_argument(
            "--keep",
            type=int,
            help="Then delete the oldest backups in the folder beyond the newest N.",
        )

    def handle(self, *args, **options) -> None:
        folder = Path(options["dir"] or settings.BACKUP_DIR)
        try:
            result = backup_create(folder=folder, keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the database to {result.path} ({result.size:,} bytes, sha256 "
            f"{result.checksum})."
        )
        for path in result.pruned:
            self.stdout.write(f"Deleted the older backup {path.name}.")
