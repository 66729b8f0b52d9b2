import django.db.models.deletion
from django.db import migrations, models


def venue_from_room(apps, schema_editor):
    """Every freed slot so far came from a visit in a room: its venue is the room's."""
    FreedSlot = apps.get_model("screening", "FreedSlot")
    Room = apps.get_model("screening", "Room")
    for room_id, venue_id in Room.objects.values_list("id", "venue_id"):
        FreedSlot.objects.filter(room_id=room_id).update(venue_id=venue_id)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0031_session_practitioner_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="freedslot",
            name="venue",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="freed_slots",
                to="screening.venue",
            ),
        ),
        migrations.RunPython(venue_from_room, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="freedslot",
            name="venue",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="freed_slots",
                to="screening.venue",
            ),
        ),
        migrations.AlterField(
            model_name="freedslot",
            name="room",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="freed_slots",
                to="screening.room",
            ),
        ),
    ]
