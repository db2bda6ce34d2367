"""PlanImport moves here from `plans`; its table (plans_planimport) stays as it is."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('plans', '0003_planimport_moved'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PlanImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('preview', 'Awaiting review'), ('confirmed', 'Confirmed'), ('cancelled', 'Cancelled')], default='preview', max_length=16, verbose_name='status')),
                        ('source_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('source_sha256', models.CharField(max_length=64)),
                        ('parsed', models.JSONField(default=dict)),
                        ('corrections', models.JSONField(blank=True, default=dict)),
                        ('outcome', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imports', to='plans.plan')),
                        ('revises', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='plans.plan', verbose_name='revises plan')),
                    ],
                    options={
                        'verbose_name': 'plan import',
                        'verbose_name_plural': 'plan imports',
                        'db_table': 'plans_planimport',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
