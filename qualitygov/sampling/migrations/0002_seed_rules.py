"""Seed the follow-up's statutory periods in force from 2020-01-01 (SAMR Order 18)."""

import datetime as dt

from django.db import migrations

PARAMS = {
    "objection": {"days": 7, "count": "workdays",
                  "basis": "《食品安全法》第88条；产品抽查按《产品质量监督抽查管理暂行办法》为15日，可另立规则"},
    "retest_decision": {"days": 5, "count": "workdays", "basis": "复检申请受理决定（地方实践，可配置）"},
    "public_notice": {"days": 30, "count": "calendar", "basis": "公告送达：公告期满30日视为送达"},
    "correction": {"days": 60, "count": "calendar", "basis": "《产品质量监督抽查管理暂行办法》第46条"},
    "recheck": {"days": 75, "count": "calendar", "basis": "《产品质量监督抽查管理暂行办法》第47条"},
    "second_recheck_from": {"days": 60, "count": "calendar", "basis": "《产品质量监督抽查管理暂行办法》第48条"},
    "second_recheck_to": {"days": 90, "count": "calendar", "basis": "《产品质量监督抽查管理暂行办法》第48条"},
    "due_soon_days": 15,
}


def seed(apps, schema_editor):
    SamplingRuleSet = apps.get_model("sampling", "SamplingRuleSet")
    if not SamplingRuleSet.objects.exists():
        SamplingRuleSet.objects.create(name="监督抽查后处置期限", effective_from=dt.date(2020, 1, 1),
                                       legal_basis="《产品质量法》第15—17条；《产品质量监督抽查管理暂行办法》"
                                                   "（市场监管总局令第18号）第44—49条", params=PARAMS)


def unseed(apps, schema_editor):
    apps.get_model("sampling", "SamplingRuleSet").objects.filter(effective_from=dt.date(2020, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("sampling", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
