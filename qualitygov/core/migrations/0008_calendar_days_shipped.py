"""Load the holidays and make-up working days of the State Council notices shipped with the platform."""

import datetime as dt

from django.db import migrations


def load(apps, schema_editor):
    from qualitygov.core.workdays import shipped_years

    CalendarDay = apps.get_model("core", "CalendarDay")
    for data in shipped_years().values():
        for day in data["days"]:
            CalendarDay.objects.get_or_create(
                date=dt.date.fromisoformat(day["date"]),
                defaults={"kind": day["kind"], "name": day["name"], "source": data["source"]},
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_calendar_day")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
