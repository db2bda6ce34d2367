"""The shipped sources' rows (their mappings are data in `feeds/mappings/`); no responsible unit yet."""

from django.db import migrations

SOURCES = [
    ("c12315", "12315投诉举报月度统计"),
    ("inspections", "双随机抽查结果统计"),
    ("sampling", "产品和食品抽检结果"),
    ("credit", "信用监管名单列入移出统计"),
    ("air", "环境空气质量日报"),
    ("water", "地表水省控断面水质月报"),
]


def create(apps, schema_editor):
    FeedSource = apps.get_model("feeds", "FeedSource")
    for key, label in SOURCES:
        FeedSource.objects.get_or_create(key=key, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("feeds", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
