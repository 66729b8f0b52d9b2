"""The four default agencies of the one screening visit, in their default order."""

from django.db import migrations

DEFAULT_AGENCIES = [
    ("speech_language", "Speech, language and communication", 30, 1),
    ("health", "Health", 45, 2),
    ("education", "Education", 30, 3),
    ("social_care", "Children's social care", 30, 4),
]


def add_agencies(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    for code, name, minutes, order in DEFAULT_AGENCIES:
        Agency.objects.get_or_create(
            code=code,
            defaults={"name": name, "default_duration_minutes": minutes, "order": order},
        )


def remove_agencies(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    Agency.objects.filter(code__in=[row[0] for row in DEFAULT_AGENCIES],
                          practitioners__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(add_agencies, remove_agencies)]
