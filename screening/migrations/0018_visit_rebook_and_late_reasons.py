from django.db import migrations, models
from django.db.models import F


def keep_the_reasons_apart(apps, schema_editor):
    """Before this, a rebooking kept why it was rebooked in late_reason, and a booking's or
    reschedule's history row kept its late reason in reason: move each where it belongs."""
    Visit = apps.get_model("screening", "Visit")
    VisitHistory = apps.get_model("screening", "VisitHistory")
    Visit.objects.filter(rebook_of__isnull=False, rebook_reason="").update(
        rebook_reason=F("late_reason"), late_reason=""
    )
    VisitHistory.objects.filter(
        kind__in=["booked", "rescheduled"], visit__rebook_of__isnull=True, late_reason=""
    ).exclude(reason="").update(late_reason=F("reason"), reason="")
    VisitHistory.objects.filter(
        kind="rescheduled", visit__rebook_of__isnull=False, late_reason=""
    ).exclude(reason="").update(late_reason=F("reason"), reason="")


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0017_add_work_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="rebook_reason",
            field=models.TextField(
                blank=True, help_text="Why the missed session is rebooked (a rebooking only)."
            ),
        ),
        migrations.AddField(
            model_name="visithistory",
            name="late_reason",
            field=models.TextField(
                blank=True,
                help_text="Why the visit is after its deadline, when given with this change.",
            ),
        ),
        migrations.RunPython(keep_the_reasons_apart, migrations.RunPython.noop),
    ]
