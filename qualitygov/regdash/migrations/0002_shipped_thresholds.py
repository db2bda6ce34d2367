"""The shipped dashboard thresholds (监管数据看板默认阈值), in force from 2025-01-01, unless present already.

Sources: 12315 投诉公示率 red (黑榜) below 80 %, red list from 90 % (国家市场监管总局 12315 月度通报口径,
regulatory-workflows §3); 投诉按时办结率 against the national average (99.92 %, May 2024); 双随机 检查结果
按时公示率 100 % (浙江 city targets, §1); an overdue 后处置 复查 is red; one-stop requests done within
the service time below 90 % red (质量强区办 口径).
"""

import datetime as dt

from django.db import migrations

SHIPPED = {
    "name": "监管数据看板默认阈值",
    "effective_from": dt.date(2025, 1, 1),
    "legal_basis": "12315 月度通报口径（公示率红榜≥90%、黑榜<80%，按时办结率全国平均99.92%）；"
                   "双随机检查结果按时公示率100%；质量强区办口径",
    "params": {"tiles": {
        "c12315_disclosure": {"direction": "min", "red": "80", "amber": "90"},
        "c12315_ontime": {"direction": "min", "red": "99.92"},
        "inspections_publication": {"direction": "min", "red": "100"},
        "followups_overdue": {"direction": "max", "red": "0"},
        "followups_due_soon": {"direction": "max", "amber": "0"},
        "onestop_sla": {"direction": "min", "red": "90"},
    }},
}


def create(apps, schema_editor):
    TileRuleSet = apps.get_model("regdash", "TileRuleSet")
    if not TileRuleSet.objects.filter(name=SHIPPED["name"], effective_from=SHIPPED["effective_from"]).exists():
        TileRuleSet.objects.create(**SHIPPED)


def remove(apps, schema_editor):
    TileRuleSet = apps.get_model("regdash", "TileRuleSet")
    TileRuleSet.objects.filter(name=SHIPPED["name"], effective_from=SHIPPED["effective_from"]).delete()


class Migration(migrations.Migration):

    dependencies = [("regdash", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
