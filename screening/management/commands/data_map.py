"""Write docs/data-protection.md, the data map for the DPIA, from the models' declarations."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from screening.governance.data_map import OUTPUT, TEMPLATE, DataMapError, render


class Command(BaseCommand):
    help = (
        "Write docs/data-protection.md from the template, the field declarations "
        "(screening/governance/declarations.py) and the access table; --check only compares."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero when the file is not what would be written.",
        )
        parser.add_argument("--output", default=str(OUTPUT), help="The file to write or check.")
        parser.add_argument("--template", default=str(TEMPLATE), help="The hand-written part.")

    def handle(self, *args, **options) -> None:
        output = Path(options["output"])
        try:
            text = render(Path(options["template"]).read_text())
        except DataMapError as exc:
            raise CommandError(str(exc)) from exc
        current = output.read_text() if output.exists() else None
        if options["check"]:
            if current != text:
                raise CommandError(
                    f"{output} is out of date with the models, their declarations or the access "
                    "table: run `manage.py data_map` and commit the result."
                )
            self.stdout.write(f"{output} is up to date.")
            return
        output.write_text(text)
        self.stdout.write(f"Wrote {output}.")
