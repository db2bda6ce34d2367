"""Imports write district-wide, so only an admin of the whole district may import, and only onto units it manages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create, user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.planimport.choices import ImportStatus
from qualitygov.planimport.forms import ImportReviewForm
from qualitygov.planimport.review import plan_import_review
from qualitygov.planimport.services import plan_import_correct, plan_import_preview
from qualitygov.plans.demo import SEED
from qualitygov.plans.permissions import can_import_plans

from .test_import_services import SEED_BYTES, row_counts
from .test_import_views import upload


def test_an_admin_of_part_of_the_tree_cannot_import(cast):
    dept_admin = user_create(actor=None, username="dept_admin", password=PASSWORD, unit=cast.dept_a,
                             grants=[("office_admin", cast.dept_a, True)])
    plan_import = plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    assert (can_import_plans(cast.office), can_import_plans(dept_admin)) == (True, False)
    client = Client()
    client.force_login(dept_admin)
    before = row_counts()
    assert client.get(reverse("planimport:import_upload")).status_code == 404
    assert upload(client).status_code == 404
    assert client.get(reverse("planimport:import_list")).status_code == 404
    assert client.get(reverse("planimport:import_export")).status_code == 404
    assert client.get(reverse("planimport:import_review", args=[plan_import.pk])).status_code == 404
    assert client.post(reverse("planimport:import_review", args=[plan_import.pk]), {"title": "x"}).status_code == 404
    assert client.post(reverse("planimport:import_confirm", args=[plan_import.pk])).status_code == 404
    assert client.post(reverse("planimport:import_cancel", args=[plan_import.pk])).status_code == 404
    assert client.get(reverse("plans:list")).context["can_import"] is False
    with pytest.raises(NotFoundError):
        plan_import_preview(actor=dept_admin, filename=SEED.name, data=SEED_BYTES)
    assert row_counts() == before
    plan_import.refresh_from_db()
    assert (plan_import.status, plan_import.corrections) == (ImportStatus.PREVIEW, {})


def test_a_name_cannot_be_mapped_to_a_unit_outside_the_actors_scope(cast):
    elsewhere = org_unit_create(actor=None, name="舟山市定海区", kind="district")
    outside = org_unit_create(actor=None, name="舟山市定海区市场监督管理局", kind="department", parent=elsewhere)
    plan_import = plan_import_preview(actor=cast.office, filename=SEED.name, data=SEED_BYTES)
    review = plan_import_review(plan_import)
    name = review.names[0]
    offered = {value for value, _label in ImportReviewForm(review, user=cast.office).fields["m0"].choices}
    assert f"unit:{cast.dept_a.pk}" in offered and f"unit:{outside.pk}" not in offered
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        plan_import_correct(actor=cast.office, plan_import=plan_import, corrections={"units": {name: {"unit": outside.pk}}})
    assert (refused.value.message, refused.value.fields) == ("请选择已有单位。", {f"units.{name}": ["请选择已有单位。"]})
    assert row_counts() == before
    plan_import.refresh_from_db()
    assert plan_import.corrections == {}
    # Inside the scope the same mapping is accepted.
    plan_import_correct(actor=cast.office, plan_import=plan_import, corrections={"units": {name: {"unit": cast.dept_a.pk}}})
    plan_import.refresh_from_db()
    assert plan_import.corrections == {"units": {name: {"unit": cast.dept_a.pk}}}
    assert OrgUnit.objects.filter(pk=outside.pk, aliases__isnull=True).exists()


def test_import_history_and_export_do_not_grow_with_imports_or_load_parsed_plans(client_for, cast):
    import io

    import openpyxl
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qualitygov.planimport.models import PlanImport

    def add(n: int) -> None:
        for i in range(n):
            PlanImport.objects.create(source_name=f"方案{i}.txt", source_sha256="0" * 64, created_by=cast.office,
                                      parsed={"title": f"实施方案{i}", "tasks": [{"text": "很长的正文" * 1000}]})

    client = client_for("office")

    def counts() -> list[int]:
        out = []
        for url in (reverse("planimport:import_list"), reverse("planimport:import_export")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    add(2)
    small = counts()
    add(10)
    assert counts() == small
    page = client.get(reverse("planimport:import_list"))
    imports = page.context["imports"]
    assert [pi.title_as_read for pi in imports[:2]] == ["实施方案9", "实施方案8"]
    assert {"parsed", "corrections", "outcome"} <= imports[0].get_deferred_fields()
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(reverse("planimport:import_export")).content))
                .active.iter_rows(values_only=True))
    assert len(rows) == 13
    assert rows[1][1:5] == ("方案9.txt", "待核对", "实施方案9", "office")
