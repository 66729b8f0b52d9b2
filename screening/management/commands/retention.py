"""The retention schedule from the command line (README "Retention"): the dry run, proposing
today's list for approval, and a YOT manager's recorded approval of a list."""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from screening.governance.disposal import (
    DisposalRefused,
    disposal_batch_confirm,
    disposal_batch_propose,
    retention_daily,
)
from screening.governance.retention import due_csv_rows, retention_due
from screening.models import DisposalBatch


class Command(BaseCommand):
    help = (
        "List the cases due for reduction to basic details or disposal (the dry run, the "
        "default: changes nothing); --propose puts the list up for a YOT manager's approval; "
        "--confirm BATCH --by USERNAME records that YOT manager's approval and carries it out."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what is due (the default)")
        parser.add_argument("--csv", help="write the dry run to this CSV file too")
        parser.add_argument(
            "--propose", action="store_true", help="put today's list up for approval"
        )
        parser.add_argument(
            "--daily",
            action="store_true",
            help="the daily job: clear old texts' bodies, then propose today's list",
        )
        parser.add_argument("--confirm", type=int, metavar="BATCH", help="approve this batch")
        parser.add_argument("--by", help="the approving YOT manager's username (with --confirm)")

    def handle(self, *args, **options) -> None:
        if options["confirm"] is not None:
            return self.confirm(options["confirm"], options["by"])
        if options["by"]:
            raise CommandError("--by goes with --confirm.")
        if options["daily"]:
            result = retention_daily()
            self.stdout.write(
                f"Cleared {result.texts_cleared} texts' and {result.replies_cleared} replies' "
                f"bodies; {result.due} cases due, waiting for approval."
            )
            return None
        if options["propose"]:
            batch = disposal_batch_propose()
            if batch is None:
                self.stdout.write("Nothing is due: no list to approve.")
            else:
                self.stdout.write(
                    f"Batch {batch.pk}: {batch.items.count()} cases waiting for a YOT "
                    "manager's approval."
                )
            return None
        return self.dry_run(options["csv"])

    def dry_run(self, csv_path: str | None) -> None:
        due = retention_due()
        rows = due_csv_rows(due)
        if csv_path:
            with Path(csv_path).open("w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(rows)
        if not due:
            self.stdout.write("Dry run: nothing is due. Nothing was changed.")
            return
        writer = csv.writer(self.stdout)
        writer.writerows(rows)
        reduce = sum(d.action == "reduce" for d in due)
        self.stdout.write(
            f"Dry run: {len(due)} cases due ({reduce} to reduce to basic details, "
            f"{len(due) - reduce} to dispose of). Nothing was changed."
        )

    def confirm(self, batch_id: int, username: str | None) -> None:
        if not username:
            raise CommandError("--confirm needs --by: the YOT manager who approves it.")
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"There is no user {username!r}.") from exc
        try:
            batch = DisposalBatch.objects.get(pk=batch_id)
        except DisposalBatch.DoesNotExist as exc:
            raise CommandError(f"There is no disposal batch {batch_id}.") from exc
        try:
            report = disposal_batch_confirm(batch=batch, by=user)
        except DisposalRefused as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Batch {batch.pk} approved by {username}: {report.reduced} reduced to basic "
            f"details, {report.disposed} disposed of, {report.failed} failed (left unchanged), "
            f"{report.skipped} no longer due."
        )
