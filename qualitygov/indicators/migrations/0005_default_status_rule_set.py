"""The default status rule set (默认规则), in force from 2023-01-01, unless one exists already."""

import datetime as dt

from django.db import migrations

DEFAULT = {
    "name": "默认规则",
    "effective_from": dt.date(2023, 1, 1),
    "legal_basis": "质量强区办 默认口径",
    "params": {
        "yellow_gap_pct": 10,
        "red_gap_pct": 30,
        "about_band_pct": 5,
        "about_yellow_factor": 2,
        "change_factor": 3,
        "stale_periods": 2,
        "remind_days_before": 3,
        "overdue_notice_days": 90,
    },
}


def create_default(apps, schema_editor):
    StatusRuleSet = apps.get_model("indicators", "StatusRuleSet")
    if not StatusRuleSet.objects.filter(name=DEFAULT["name"], effective_from=DEFAULT["effective_from"]).exists():
        StatusRuleSet.objects.create(**DEFAULT)


def remove_default(apps, schema_editor):
    StatusRuleSet = apps.get_model("indicators", "StatusRuleSet")
    StatusRuleSet.objects.filter(name=DEFAULT["name"], effective_from=DEFAULT["effective_from"]).delete()


class Migration(migrations.Migration):

    dependencies = [("indicators", "0004_observation_first_submitted_at_is_demo")]

    operations = [migrations.RunPython(create_default, remove_default)]
