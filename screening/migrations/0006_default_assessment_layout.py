"""The default draft layout: Asset core profile sections and the conflict rules."""

import json
from pathlib import Path

from django.db import migrations

LAYOUT = Path(__file__).resolve().parent.parent / "assessment" / "layouts" / "layout-v1.json"


def add_layout(apps, schema_editor):
    AssessmentLayout = apps.get_model("screening", "AssessmentLayout")
    data = json.loads(LAYOUT.read_text(encoding="utf-8"))
    AssessmentLayout.objects.get_or_create(
        version=data["version"],
        defaults={
            "name": data["name"],
            "sections": data["sections"],
            "conflicts": data["conflicts"],
            "mapping": data.get("mapping", {}),
            "active": not AssessmentLayout.objects.filter(active=True).exists(),
        },
    )


def remove_layout(apps, schema_editor):
    apps.get_model("screening", "AssessmentLayout").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_add_findings_and_assessment_drafts")]

    operations = [migrations.RunPython(add_layout, remove_layout)]
