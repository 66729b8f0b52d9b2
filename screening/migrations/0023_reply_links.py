"""Reply links: the texts' link to the young person's own reply page (`/r/{token}`).

- ReplyLink: one per visit version and number; only the token's hash is stored.
- Message.reply_link: the link a text carries (its token masked in the stored body).
- Admin tasks for a call asked for, and a visit moved, through the link.
- The default wording of confirmations, notices of a move and reminders carries the link
  (`{link}`), each within two parts at the longest values (tests/screening/messaging/
  test_reply_link_texts.py). Wording an administrator has changed is kept. The Welsh is a
  first version for a Welsh speaker to check, like the rest of the Welsh wording.
"""

# ruff: noqa: E501 (each wording on one line, as it reads)

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# fmt: off
EN = {
    "confirmation": "{service}: your appointment is on {date} at {time} at {place}. Reply YES to confirm. To change it: {link}",
    "rescheduled": "{service}: your appointment has moved to {date} at {time} at {place}. Reply YES to confirm. To change it: {link}",
    "day_before": "{service}: reminder, see you tomorrow at {time} at {place}. Cannot come? {link}",
    "morning": "{service}: see you today at {time} at {place}. Cannot come? {link}",
}
EN_EASY = {
    "confirmation": "{service}. Your appointment: {date}, {time}. Place: {place}. Can you come? Text YES. New time? {link}",
    "rescheduled": "{service}. New time: {date}, {time}. Place: {place}. Can you come? Text YES. Another time? {link}",
    "day_before": "{service}. Tomorrow: your appointment at {time}. Place: {place}. Cannot come? {link}",
    "morning": "{service}. Today: your appointment at {time}. Place: {place}. Cannot come? {link}",
}
CY = {
    "confirmation": "{service}: mae eich apwyntiad ar {date} am {time} yn {place}. Atebwch IE i gadarnhau. I'w newid: {link}",
    "rescheduled": "{service}: mae eich apwyntiad wedi symud i {date} am {time} yn {place}. Atebwch IE i gadarnhau. I'w newid: {link}",
    "day_before": "{service}: nodyn atgoffa, welwn ni chi yfory am {time} yn {place}. Methu dod? {link}",
    "morning": "{service}: welwn ni chi heddiw am {time} yn {place}. Methu dod? {link}",
}
CY_EASY = {
    "confirmation": "{service}. Eich apwyntiad: {date}, {time}. Lle: {place}. Gallwch chi ddod? Tecstiwch IE. Amser newydd? {link}",
    "rescheduled": "{service}. Amser newydd: {date}, {time}. Lle: {place}. Gallwch chi ddod? Tecstiwch IE. Amser arall? {link}",
    "day_before": "{service}. Yfory: eich apwyntiad am {time}. Lle: {place}. Methu dod? {link}",
    "morning": "{service}. Heddiw: eich apwyntiad am {time}. Lle: {place}. Methu dod? {link}",
}
# fmt: on


def _old(language, easy_read):
    """The default wording before this migration, to know what no one has changed."""
    first = importlib.import_module("screening.migrations.0009_default_message_templates")
    welsh_easy = importlib.import_module(
        "screening.migrations.0016_text_wording_and_invite_withdrawal"
    )
    return {
        ("en", False): first.EN,
        ("en", True): first.EN_EASY,
        ("cy", False): first.CY,
        ("cy", True): welsh_easy.CY_EASY,
    }[(language, easy_read)]


NEW = {("en", False): EN, ("en", True): EN_EASY, ("cy", False): CY, ("cy", True): CY_EASY}


def add_links(apps, schema_editor, *, forward=True):
    MessageTemplate = apps.get_model("screening", "MessageTemplate")
    for (language, easy_read), table in NEW.items():
        old = _old(language, easy_read)
        for purpose, body in table.items():
            was, becomes = (old[purpose], body) if forward else (body, old[purpose])
            MessageTemplate.objects.filter(
                purpose=purpose, language=language, easy_read=easy_read, body=was
            ).update(body=becomes)


def remove_links(apps, schema_editor):
    add_links(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0022_retention"),
    ]

    operations = [
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
                    ("call_requested", "Asked by the text's link for a call: phone"),
                    ("moved_by_link", "Visit moved to another time by the text's link"),
                    ("invite_failed", "Calendar invite could not be emailed: tell them"),
                    ("alert_email_failed", "Urgent alert email could not be sent: tell them"),
                    ("work_email_failed", "Work list email could not be sent: tell them"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="ReplyLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("visit_version", models.PositiveIntegerField()),
                (
                    "recipient",
                    models.CharField(
                        choices=[
                            ("young_person", "Young person"),
                            ("parent_carer", "Parent or carer"),
                        ],
                        default="young_person",
                        max_length=20,
                    ),
                ),
                (
                    "to",
                    models.CharField(
                        help_text="E.164: the number the link was texted to.", max_length=16
                    ),
                ),
                ("nonce", models.CharField(max_length=32, unique=True)),
                (
                    "token_hash",
                    models.CharField(help_text="SHA-256 of the token.", max_length=64, unique=True),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField(help_text="The end of the visit's local day.")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("call_requested_at", models.DateTimeField(blank=True, null=True)),
                (
                    "moved_at",
                    models.DateTimeField(
                        blank=True, help_text="When another time was chosen through it.", null=True
                    ),
                ),
                (
                    "visit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reply_links",
                        to="screening.visit",
                    ),
                ),
            ],
            options={
                "ordering": ["visit", "visit_version", "id"],
            },
        ),
        migrations.AddField(
            model_name="message",
            name="reply_link",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="messages",
                to="screening.replylink",
            ),
        ),
        migrations.AddConstraint(
            model_name="replylink",
            constraint=models.UniqueConstraint(
                fields=("visit", "visit_version", "to"), name="one_reply_link_per_version"
            ),
        ),
        migrations.RunPython(add_links, remove_links),
    ]
