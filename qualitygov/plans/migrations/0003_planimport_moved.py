"""PlanImport now belongs to the `planimport` app (same table); only Django's model state changes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0002_planimport_outcome'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PlanImport')],
            database_operations=[],
        ),
    ]
