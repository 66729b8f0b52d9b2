"""Export everything held about one young person (README "Subject access")."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from screening.governance.subject_access import export_filename, subject_access_export
from screening.models import YoungPerson


class Command(BaseCommand):
    help = (
        "Write a zip of everything held about one young person (JSON files and a Word "
        "document), leaving out other young people and staff contact details; the export is "
        "audited."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("young_person_id", type=int)
        parser.add_argument("--out", help="The zip to write (default: its own name, here).")
        parser.add_argument(
            "--by", help="The YOT manager's username the audit log names (default: system)."
        )

    def handle(self, *args, **options) -> None:
        try:
            person = YoungPerson.objects.get(pk=options["young_person_id"])
        except YoungPerson.DoesNotExist as exc:
            raise CommandError(f"There is no young person {options['young_person_id']}.") from exc
        user = None
        if options["by"]:
            try:
                user = User.objects.get(username=options["by"])
            except User.DoesNotExist as exc:
                raise CommandError(f"There is no user {options['by']!r}.") from exc
        out = Path(options["out"] or export_filename(person))
        if out.exists():
            raise CommandError(f"{out} exists already: give another --out.")
        try:
            blob = subject_access_export(young_person=person, user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(blob)
        self.stdout.write(f"Wrote everything held about young person {person.pk} to {out}.")
