"""No practitioner and no room double-booked: exclusion constraints or triggers."""

from django.db import migrations


def install(apps, schema_editor):
    from screening.booking.guards import install_booking_guards

    install_booking_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
