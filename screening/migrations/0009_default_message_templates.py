"""Default wording of every text, English and Welsh, standard and easy read.

The Welsh wording is a first version to be checked by a Welsh speaker before use; the
system administrator can change any of it (checked on save).
"""

from django.db import migrations

EN = {
    "introduction": "This is {service}. Reply STOP to stop texts.",
    "confirmation": "{service}: your appointment is on {date} at {time} at {place}. "
    "Reply YES to confirm or CHANGE to rearrange.",
    "day_before": "{service}: reminder, see you tomorrow at {time} at {place}. "
    "Reply CHANGE if you cannot come.",
    "morning": "{service}: see you today at {time} at {place}. Reply CHANGE if you cannot come.",
    "rescheduled": "{service}: your appointment has moved to {date} at {time} at {place}. "
    "Reply YES to confirm or CHANGE to rearrange.",
    "cancelled": "{service}: your appointment on {date} is cancelled. "
    "We will be in touch about a new time.",
    "help": "{service}: texts about your appointments. Reply STOP to stop them or START to "
    "get them again.",
}
EN_EASY = {
    "introduction": "This is {service}. To stop texts, text STOP.",
    "confirmation": "{service}. Your appointment: {date}, {time}. Place: {place}. "
    "Can you come? Text YES. Need a new time? Text CHANGE.",
    "day_before": "{service}. Tomorrow: your appointment at {time}. Place: {place}. "
    "Cannot come? Text CHANGE.",
    "morning": "{service}. Today: your appointment at {time}. Place: {place}. "
    "Cannot come? Text CHANGE.",
    "rescheduled": "{service}. New time for your appointment: {date}, {time}. Place: {place}. "
    "Can you come? Text YES. Need a new time? Text CHANGE.",
    "cancelled": "{service}. Your appointment on {date} is off. We will call you about a new day.",
}
CY = {
    "introduction": "Neges gan {service}. Atebwch STOP i atal negeseuon.",
    "confirmation": "{service}: mae eich apwyntiad ar {date} am {time} yn {place}. "
    "Atebwch IE i gadarnhau neu NEWID i aildrefnu.",
    "day_before": "{service}: nodyn atgoffa, welwn ni chi yfory am {time} yn {place}. "
    "Atebwch NEWID os na allwch ddod.",
    "morning": "{service}: welwn ni chi heddiw am {time} yn {place}. "
    "Atebwch NEWID os na allwch ddod.",
    "rescheduled": "{service}: mae eich apwyntiad wedi symud i {date} am {time} yn {place}. "
    "Atebwch IE i gadarnhau neu NEWID i aildrefnu.",
    "cancelled": "{service}: mae eich apwyntiad ar {date} wedi'i ganslo. "
    "Byddwn yn cysylltu am amser newydd.",
    "help": "{service}: negeseuon am eich apwyntiadau. Atebwch STOP i'w hatal neu START i'w "
    "cael eto.",
}


def add_templates(apps, schema_editor):
    MessageTemplate = apps.get_model("screening", "MessageTemplate")
    for language, easy_read, texts in [("en", False, EN), ("en", True, EN_EASY), ("cy", False, CY)]:
        for purpose, body in texts.items():
            MessageTemplate.objects.get_or_create(
                purpose=purpose, language=language, easy_read=easy_read, defaults={"body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("screening", "0008_add_messages")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
