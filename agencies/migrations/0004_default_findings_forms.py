"""The four default findings forms, version 1, from agencies/form_data/."""

import json
from pathlib import Path

from django.db import migrations

FORM_DATA = Path(__file__).resolve().parent.parent / "form_data"
DEFAULTS = ("speech_language", "health", "education", "social_care")


def add_forms(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    FindingsForm = apps.get_model("agencies", "FindingsForm")
    for code in DEFAULTS:
        data = json.loads((FORM_DATA / f"{code}-v1.json").read_text(encoding="utf-8"))
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            continue  # the YOT removed this default agency before forms existed
        FindingsForm.objects.get_or_create(
            agency=agency,
            version=1,
            defaults={"title": data["title"], "questions": data["questions"]},
        )


def remove_forms(apps, schema_editor):
    FindingsForm = apps.get_model("agencies", "FindingsForm")
    FindingsForm.objects.filter(version=1, agency__code__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_add_findings_form")]

    operations = [migrations.RunPython(add_forms, remove_forms)]
