import django.db.models.deletion
from django.db import migrations, models


def venue_from_room(apps, schema_editor):
    """Every visit so far is in a room: its venue is the room's."""
    Visit = apps.get_model("screening", "Visit")
    Room = apps.get_model("screening", "Room")
    venues = dict(Room.objects.values_list("id", "venue_id"))
    for room_id, venue_id in venues.items():
        Visit.objects.filter(room_id=room_id).update(venue_id=venue_id)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0029_venue_kind_and_travel"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="venue",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="screening.venue",
            ),
        ),
        migrations.RunPython(venue_from_room, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visit",
            name="venue",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="screening.venue",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="room",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="screening.room",
            ),
        ),
    ]
