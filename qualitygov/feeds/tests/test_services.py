"""Importing: all or nothing, idempotent on the same bytes, a corrected file replacing the month's figures
with every change recorded, the measures over the figures with their provenance, and `inputs_changed`."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from qualitygov.core.errors import NotFoundError, ServiceError
from qualitygov.core.models import AuditEvent
from qualitygov.feeds.models import FeedChange, FeedFile, Figure
from qualitygov.feeds.services import dry_run, feed_commit, feed_import, feed_stage, source_get, stored_bytes
from qualitygov.indicators.measures import add_listener, measure_by_town, measure_value, remove_listener

from . import fixtures

pytestmark = pytest.mark.django_db
JAN = (dt.date(2026, 1, 1), dt.date(2026, 1, 31))


@pytest.fixture
def heard():
    calls = []
    add_listener("feeds-test", lambda *, keys, actor: calls.append((sorted(keys), actor)))
    yield calls
    remove_listener("feeds-test")


def test_import_then_same_file_again_changes_nothing(cast, towns, heard):
    source = source_get("c12315")
    data = fixtures.c12315_xlsx()
    result = feed_import(actor=cast.office, source=source, name="12315月报-2026-01.xlsx", data=data)
    assert result.identical is False
    assert result.file.status == "imported"
    assert result.file.months == ["2026-01"]
    assert stored_bytes(result.file) == data  # kept byte for byte
    assert Figure.objects.filter(is_current=True).count() == 12
    assert result.run.totals() == {"new": 12, "changed": 0, "unchanged": 0, "removed": 0}
    assert heard == [(["feeds.c12315.accepted", "feeds.c12315.disclosure_rate", "feeds.c12315.mediation_rate",
                       "feeds.c12315.ontime_rate"], cast.office)]
    events = list(AuditEvent.objects.filter(object_type="feeds.feedfile").order_by("seq").values_list("action", flat=True))
    assert events == ["feed_file.stage", "feed_file.commit"]

    again = feed_import(actor=cast.office, source=source, name="改名.xlsx", data=data)
    assert again.identical is True
    assert again.file.pk == result.file.pk
    assert FeedFile.objects.count() == 1
    assert Figure.objects.count() == 12
    assert len(heard) == 1
    assert AuditEvent.objects.filter(object_type="feeds.feedfile").count() == 2
    assert dry_run(source=source, name="x.xlsx", data=data).identical == result.file


def test_corrected_file_replaces_the_month_and_records_changes(cast, towns, heard):
    source = source_get("c12315")
    first = feed_import(actor=cast.office, source=source, name="1月.xlsx", data=fixtures.c12315_xlsx()).file
    corrected = fixtures.c12315_xlsx(accepted_sjm_food=13)
    preview = dry_run(source=source, name="1月更正.xlsx", data=corrected)
    assert preview.counts["accepted"] == {"new": 0, "changed": 1, "unchanged": 2, "removed": 0}
    assert preview.counts["ontime_rate"] == {"new": 0, "changed": 0, "unchanged": 3, "removed": 0}
    assert [(c["measure"], c["town"], c["category"], c["old"], c["new"], c["old_row"], c["new_row"])
            for c in preview.changes] == [("accepted", "沈家门街道", "食品", "12.0000", "13.0000", 5, 5)]
    result = feed_import(actor=cast.office, source=source, name="1月更正.xlsx", data=corrected)
    first.refresh_from_db()
    assert first.status == "superseded" and first.replaced_by == result.file
    assert [(c.measure, c.town_id, c.category, c.old_value, c.new_value, c.previous_file_id, c.old_row, c.new_row)
            for c in FeedChange.objects.all()] == [
        ("accepted", towns["沈家门街道"].pk, "食品", Decimal("12.0000"), Decimal("13.0000"), first.pk, 5, 5)]
    assert Figure.objects.filter(is_current=True).count() == 12
    assert not Figure.objects.filter(file=first, is_current=True).exists()
    # The rates are weighted by 受理量: a corrected 受理量 moves them too, though their own cells did not change.
    assert heard[-1] == (["feeds.c12315.accepted", "feeds.c12315.disclosure_rate", "feeds.c12315.mediation_rate",
                          "feeds.c12315.ontime_rate"], cast.office)
    value = measure_value("feeds.c12315.accepted", start=JAN[0], end=JAN[1])
    assert value.value == Decimal("1026")
    assert value.provenance == ({"label": "12315受理量：1月更正.xlsx（第5～7行）", "file": "1月更正.xlsx",
                                 "file_id": result.file.pk, "rows": "5-7", "count": 3,
                                 "url": f"/feeds/files/{result.file.pk}/?rows=5-7#row-5"},)
    actions = list(AuditEvent.objects.filter(object_type="feeds.feedfile").order_by("seq").values_list("action", flat=True))
    assert actions == ["feed_file.stage", "feed_file.commit", "feed_file.stage", "feed_file.supersede",
                       "feed_file.commit"]


def test_measures_weighted_rates_by_town_and_category(cast, towns):
    feed_import(actor=cast.office, source=source_get("c12315"), name="1月.xlsx", data=fixtures.c12315_xlsx())
    # (99×12 + 98×1008 + 100×5) / 1025 = 98.0214…: weighted by 受理量, not the mean of the rows
    assert measure_value("feeds.c12315.ontime_rate", start=JAN[0], end=JAN[1]).value == Decimal("98.02")
    by_town = measure_by_town("feeds.c12315.ontime_rate", start=JAN[0], end=JAN[1],
                              town_ids=[t.pk for t in towns.values()])
    assert {name: by_town[t.pk].value for name, t in towns.items()} == {
        "沈家门街道": Decimal("98.01"), "东港街道": Decimal("100.00"), "六横镇": None}
    assert by_town[towns["东港街道"].pk].provenance[0]["rows"] == "7"
    food = measure_value("feeds.c12315.accepted", start=JAN[0], end=JAN[1], category="食品")
    assert food.value == Decimal("17")
    assert measure_value("feeds.c12315.accepted", start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28)).value is None


def test_sampling_inspections_credit_air_water_measures(cast, towns):
    for key, name, data in [("sampling", "抽检.xlsx", fixtures.sampling_xlsx()),
                            ("inspections", "双随机.xlsx", fixtures.inspections_xlsx()),
                            ("credit", "信用.xlsx", fixtures.credit_xlsx()),
                            ("air", "空气.csv", fixtures.air_csv()), ("water", "水质.xlsx", fixtures.water_xlsx())]:
        feed_import(actor=cast.office, source=source_get(key), name=name, data=data)
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}

    def v(key, **kw):
        return measure_value(key, **year, **kw).value

    assert (v("feeds.sampling.batches"), v("feeds.sampling.failed"), v("feeds.sampling.pass_rate")) == (
        Decimal(4), Decimal(1), Decimal("75.00"))
    assert v("feeds.sampling.pass_rate", category="食品") == Decimal("100.00")
    assert v("feeds.sampling.batches", town_id=towns["沈家门街道"].pk) == Decimal(2)
    assert (v("feeds.inspections.planned"), v("feeds.inspections.completed"), v("feeds.inspections.completion_rate"),
            v("feeds.inspections.problems")) == (Decimal(90), Decimal(88), Decimal("97.78"), Decimal(5))
    # 后续处置率 weighted by 发现问题户数: (100×3 + 50×2) / 5
    assert v("feeds.inspections.followup_rate") == Decimal("80.00")
    assert (v("feeds.credit.abnormal_listed"), v("feeds.credit.serious_removed")) == (Decimal(45), Decimal(1))
    assert (v("feeds.air.days"), v("feeds.air.good_days"), v("feeds.air.good_rate")) == (
        Decimal(4), Decimal(3), Decimal("75.00"))
    assert (v("feeds.water.sections"), v("feeds.water.good_sections"), v("feeds.water.good_rate")) == (
        Decimal(3), Decimal(2), Decimal("66.67"))


def test_a_file_with_errors_imports_nothing(cast, towns):
    source = source_get("c12315")
    staged = feed_stage(actor=cast.office, source=source, name="坏.xlsx", data=fixtures.c12315_xlsx(bad=True))
    assert staged.file.status == "pending"
    assert staged.file.summary["errors"] == [{"row": 7, "column": "C列（受理量（件））", "message": "“abc”不是数字"}]
    with pytest.raises(ServiceError) as exc:
        feed_commit(actor=cast.office, feed_file=staged.file)
    assert exc.value.code == "feed_errors"
    staged.file.refresh_from_db()
    assert staged.file.status == "pending"
    assert Figure.objects.count() == 0
    with pytest.raises(ServiceError):
        feed_import(actor=cast.office, source=source, name="坏.xlsx", data=fixtures.c12315_xlsx(bad=True))
    assert FeedFile.objects.count() == 1


def test_only_the_responsible_unit_or_the_office_imports(cast, towns):
    source = source_get("c12315")  # towns fixture: responsible unit is dept_a
    for member in ("liaison_b", "town_liaison", "leader"):
        with pytest.raises(NotFoundError):
            feed_stage(actor=cast.members[member], source=source, name="x.xlsx", data=fixtures.c12315_xlsx())
    staged = feed_stage(actor=cast.liaison_a, source=source, name="x.xlsx", data=fixtures.c12315_xlsx())
    assert feed_commit(actor=cast.liaison_a, feed_file=staged.file).file.status == "imported"


def test_cli_dry_run_json_and_import(cast, towns, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(fixtures.c12315_xlsx(bad=True))
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("feeds", "import", "c12315", str(bad), "--json", stdout=out)
    assert exit_info.value.code == 2
    body = json.loads(out.getvalue())
    assert body["errors"] == [{"row": 7, "column": "C列（受理量（件））", "message": "“abc”不是数字"}]
    assert body["imported"] is False
    good = tmp_path / "gb.csv"
    good.write_bytes(fixtures.c12315_gb18030_csv())
    out = StringIO()
    call_command("feeds", "import", "c12315", str(good), "--dry-run", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert (body["ok"], body["dry_run"], body["imported"], body["months"], body["totals"]["new"]) == (
        True, True, False, ["2026-02"], 12)
    assert Figure.objects.count() == 0
    out = StringIO()
    call_command("feeds", "import", "c12315", str(good), "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["imported"] is True and body["measure_keys"][0] == "feeds.c12315.accepted"
    assert Figure.objects.count() == 12
    out = StringIO()
    call_command("feeds", "import", "c12315", str(good), stdout=out)
    assert "与已导入的文件完全相同" in out.getvalue()
