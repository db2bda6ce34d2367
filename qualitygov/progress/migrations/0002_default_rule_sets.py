"""The default light and escalation rule sets, in force from 2023-01-01 (the plan's start)."""

import datetime as dt

from django.db import migrations

LIGHT_PARAMS = {"yellow_behind_pp": 10, "red_behind_pp": 30, "red_when_overdue": True,
                "yellow_when_report_late": True}
ESCALATION_PARAMS = {"remind_days_before": 3, "yellow_days_overdue": 1, "red_days_overdue": 7,
                     "red_late_in_row": 3, "supervise_with_red": True}
BASIS = "常用做法：落后序时进度10—30个百分点黄灯，超过30个百分点或逾期红灯（多地质量强市工作督查办法）"
ESCALATION_BASIS = "常用做法：到期前3天提醒，逾期黄色提示，逾期7天或连续3次逾期红色通报并列入督办"


def create(apps, schema_editor):
    LightRuleSet = apps.get_model("progress", "LightRuleSet")
    EscalationRuleSet = apps.get_model("progress", "EscalationRuleSet")
    if not LightRuleSet.objects.exists():
        LightRuleSet.objects.create(name="默认红黄绿灯规则", effective_from=dt.date(2023, 1, 1),
                                    legal_basis=BASIS, params=LIGHT_PARAMS)
    if not EscalationRuleSet.objects.exists():
        EscalationRuleSet.objects.create(name="默认催办督办规则", effective_from=dt.date(2023, 1, 1),
                                         legal_basis=ESCALATION_BASIS, params=ESCALATION_PARAMS)


def remove(apps, schema_editor):
    apps.get_model("progress", "LightRuleSet").objects.filter(name="默认红黄绿灯规则").delete()
    apps.get_model("progress", "EscalationRuleSet").objects.filter(name="默认催办督办规则").delete()


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
