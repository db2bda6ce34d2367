"""Rewrite unit paths with fixed-width segments ("/00000001/00000004/") so they sort in tree order
under every collation."""

from django.db import migrations


def repath(apps, schema_editor):
    OrgUnit = apps.get_model("accounts", "OrgUnit")
    paths: dict[int, str] = {}
    pending = list(OrgUnit.objects.order_by("depth", "pk").values_list("pk", "parent_id"))
    while pending:
        rest = []
        for pk, parent_id in pending:
            if parent_id is None:
                paths[pk] = f"/{pk:08d}/"
            elif parent_id in paths:
                paths[pk] = f"{paths[parent_id]}{pk:08d}/"
            else:
                rest.append((pk, parent_id))
        if len(rest) == len(pending):  # a cycle cannot exist, but never loop forever
            break
        pending = rest
    for pk, path in paths.items():
        OrgUnit.objects.filter(pk=pk).update(path=path, depth=path.count("/") - 2)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(repath, migrations.RunPython.noop)]
