"""Texts' wording rules and invites never sent.

- Venues get a name for texts (`text_name`), checked by the wording rules when saved.
- A text whose rendered wording breaks the rules is `held` (never sent) with a `text_held`
  admin task; a cancellation to a practitioner never sent an invitation is `withdrawn`.
- Welsh easy-read wording of every text that has an English easy-read variant: plain
  Welsh, in the same form as the English easy-read wording; like the standard Welsh
  wording, a first version for a Welsh speaker to check. Existing wording is kept.
"""

from django.db import migrations, models

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

    operations = [
        migrations.AddField(
            model_name="venue",
            name="text_name",
            field=models.CharField(
                blank=True,
                help_text="What texts call the venue (their {place}): a neutral name and where it is, never the YOT, a court or health. Empty on venues saved before it existed: their texts use the name and first address line, and are held if those reveal too much.",
                max_length=150,
            ),
        ),
        migrations.AlterField(
            model_name="admintask",
            name="kind",
            field=models.CharField(
                choices=[
                    ("undelivered", "Text not delivered: phone"),
                    ("failed", "Text could not be sent: phone"),
                    ("opted_out", "Number opted out of texts: phone"),
                    ("invalid_number", "Number cannot receive texts: check it"),
                    ("outcome_unknown", "Not known whether a text was sent: check"),
                    ("text_held", "Text held, its wording would reveal too much: phone"),
                    ("rearrange", "Asked to rearrange the visit"),
                    ("reply", "Reply to read"),
                    ("invite_failed", "Calendar invite could not be emailed: tell them"),
                    ("alert_email_failed", "Urgent alert email could not be sent: tell them"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="inviteemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("planned", "Planned"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("superseded", "Superseded"),
                    ("withdrawn", "Withdrawn (nothing had been sent to cancel)"),
                ],
                default="planned",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="status",
            field=models.CharField(
                choices=[
                    ("planned", "Planned"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("delivered", "Delivered"),
                    ("undelivered", "Undelivered"),
                    ("failed", "Failed"),
                    ("withdrawn", "Withdrawn"),
                    ("held", "Held: would reveal too much"),
                    ("outcome_unknown", "Outcome unknown"),
                ],
                default="planned",
                max_length=20,
            ),
        ),
        migrations.RunPython(add_welsh_easy_read, migrations.RunPython.noop),
    ]
