"""Welsh easy-read wording of every text that has an English easy-read variant.

Plain Welsh, in the same form as the English easy-read wording; like the standard Welsh
wording, a first version for a Welsh speaker to check. Existing wording is left as it is.
"""

from django.db import migrations

CY_EASY = {
    "introduction": "Neges gan {service}. I atal negeseuon, tecstiwch STOP.",
    "confirmation": "{service}. Eich apwyntiad: {date}, {time}. Lle: {place}. "
    "Gallwch chi ddod? Tecstiwch IE. Angen amser newydd? Tecstiwch NEWID.",
    "day_before": "{service}. Yfory: eich apwyntiad am {time}. Lle: {place}. "
    "Methu dod? Tecstiwch NEWID.",
    "morning": "{service}. Heddiw: eich apwyntiad am {time}. Lle: {place}. "
    "Methu dod? Tecstiwch NEWID.",
    "rescheduled": "{service}. Amser newydd i'ch apwyntiad: {date}, {time}. Lle: {place}. "
    "Gallwch chi ddod? Tecstiwch IE. Angen amser newydd? Tecstiwch NEWID.",
    "cancelled": "{service}. Dydy eich apwyntiad ar {date} ddim yn digwydd. "
    "Byddwn ni'n eich ffonio am ddiwrnod newydd.",
}


def add_welsh_easy_read(apps, schema_editor):
    MessageTemplate = apps.get_model("screening", "MessageTemplate")
    variant = {"language": "cy", "easy_read": True}
    have = set(MessageTemplate.objects.filter(**variant).values_list("purpose", flat=True))
    MessageTemplate.objects.bulk_create(
        MessageTemplate(purpose=purpose, body=body, **variant)
        for purpose, body in CY_EASY.items()
        if purpose not in have
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0015_calendar_import_requests")]

    operations = [migrations.RunPython(add_welsh_easy_read, migrations.RunPython.noop)]
