"""A findings form's Welsh title (filled for the four default forms from agencies/form_data/
where their English title is still the default) and an interpreter's invite language."""

import json
from pathlib import Path

from django.db import migrations, models

FORM_DATA = Path(__file__).resolve().parent.parent / "form_data"
DEFAULTS = ("speech_language", "health", "education", "social_care")


def fill_welsh_titles(apps, schema_editor):
    FindingsForm = apps.get_model("agencies", "FindingsForm")
    for code in DEFAULTS:
        data = json.loads((FORM_DATA / f"{code}-v1.json").read_text(encoding="utf-8"))
        FindingsForm.objects.filter(
            agency__code=code, title=data["title"], title_cy=""
        ).update(title_cy=data["title_cy"])


class Migration(migrations.Migration):
    dependencies = [("agencies", "0005_add_interpreter")]

    operations = [
        migrations.AddField(
            model_name="findingsform",
            name="title_cy",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="interpreter",
            name="invite_language",
            field=models.CharField(
                blank=True,
                choices=[("en-gb", "English"), ("cy", "Cymraeg")],
                default="",
                max_length=10,
            ),
        ),
        migrations.RunPython(fill_welsh_titles, migrations.RunPython.noop),
    ]
