"""The regulatory dashboard over real measures: each test registers measures counting market entities
(`qualitygov.regdash.testing`) under the agreed keys, with rows made for it, and reads the real pages."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qualitygov.accounts.choices import OrgUnitKind, Role
from qualitygov.accounts.models import OrgUnit
from qualitygov.accounts.services import org_unit_create, user_create
from qualitygov.accounts.testing import PASSWORD
from qualitygov.core import registry
from qualitygov.regdash import cards, selectors
from qualitygov.regdash.models import TileRuleSet
from qualitygov.regdash.periods import parse_period
from qualitygov.regdash.rules import judge, rules_in_force
from qualitygov.regdash.testing import ABOVE_SCALE, ABOVE_SCALE_RATE, CLOSED, COUNT, only_entity_measures
from qualitygov.regdash.tiles import TILES_BY_KEY
from qualitygov.registry.models import MarketEntity

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 3)
#: The measures the tests connect: 12315 accepted (every entity), disclosure rate (% 规上), sampled
#: batches (every entity, with the rows behind them at a URL) and failed (closed), overdue follow-ups
#: (closed ones).
SPEC = {
    "feeds.c12315.accepted": COUNT,
    "feeds.c12315.disclosure_rate": ABOVE_SCALE_RATE,
    "sampling.batches": COUNT,
    "sampling.failed": CLOSED,
    "sampling.followups_overdue": CLOSED,
    "onestop.requests": ABOVE_SCALE,
}
ROWS_URL = "/registry/entities/?from=sampling"

_serial = iter(range(1, 10**6))


def entities(town: OrgUnit | None, day: dt.date, n: int, *, above: int = 0, closed: int = 0) -> None:
    """`n` entities registered in `town` on `day`: the first `above` 规上, the first `closed` closed."""
    MarketEntity.objects.bulk_create([
        MarketEntity(uscc=f"91330903MA{next(_serial):08d}", name=f"样例企业{i}", town=town, registered_on=day,
                     above_scale=i < above, is_active=i >= closed)
        for i in range(n)])


def make_towns(cast, count: int) -> list[OrgUnit]:
    """The cast's 沈家门街道 and `count - 1` more towns."""
    towns = [cast.town]
    for index in range(1, count):
        towns.append(org_unit_create(actor=None, name=f"舟山市普陀区样例镇{index}", kind=OrgUnitKind.TOWN,
                                     parent=cast.district, short_name=f"样例镇{index}"))
    return towns


@pytest.fixture
def measures():
    with only_entity_measures(SPEC, urls={"sampling.batches": ROWS_URL}) as keys:
        yield keys


@pytest.fixture
def world(cast, measures):
    """Two towns: 沈家门街道 with 8 entities in February (7 规上 → 87.5 %, 1 closed) and 8 in May
    (same shares); 样例镇1 with 4 in February (2 规上 → 50 %, none closed)."""
    towns = make_towns(cast, 2)
    entities(cast.town, dt.date(2026, 2, 10), 8, above=7, closed=1)
    entities(cast.town, dt.date(2026, 5, 10), 8, above=7, closed=1)
    entities(towns[1], dt.date(2026, 2, 11), 4, above=2)
    return towns


def by_key(tiles) -> dict:
    return {f.tile.key: f for f in tiles}


# --------------------------------------------------------------------------------------------
# Thresholds: versioned rules with effective dates.
# --------------------------------------------------------------------------------------------


def test_the_shipped_rules_judge_rates_and_clocks_with_words():
    rules = rules_in_force(dt.date(2026, 3, 31))
    assert rules.name == "监管数据看板默认阈值" and rules.effective_from == dt.date(2025, 1, 1)
    assert [(judge("c12315_disclosure", Decimal(v), rules).level) for v in ("79.99", "80", "89.9", "90")] == [
        "red", "amber", "amber", "green"]
    assert judge("c12315_disclosure", Decimal("79.5"), rules).text == "红：低于 80"
    assert judge("c12315_ontime", Decimal("99.91"), rules).level == "red"
    assert judge("c12315_ontime", Decimal("99.92"), rules).level == "green"
    assert judge("inspections_publication", Decimal("99.5"), rules).level == "red"
    assert judge("followups_overdue", Decimal("1"), rules).text == "红：高于 0"
    assert judge("followups_overdue", Decimal("0"), rules).level == "green"
    assert judge("onestop_sla", Decimal("89"), rules).level == "red"
    assert judge("sampling_batches", Decimal("3"), rules).level == "unjudged"
    assert judge("c12315_disclosure", None, rules).level == "nodata"
    assert rules_in_force(dt.date(2024, 12, 31)) is None


def test_a_tile_is_judged_by_the_rules_in_force_on_the_periods_last_day(world, cast):
    TileRuleSet.objects.create(name="2026年二季度起收紧", effective_from=dt.date(2026, 4, 1),
                               params={"tiles": {"c12315_disclosure": {"direction": "min", "red": "88"}}})
    q1 = by_key(selectors.dashboard_tiles(period=parse_period("2026-Q1", TODAY), town=cast.town))
    q2 = by_key(selectors.dashboard_tiles(period=parse_period("2026-Q2", TODAY), town=cast.town))
    # 7 of 8 规上 in both quarters: 87.5 %, amber under the shipped rules, red under the new ones.
    assert q1["c12315_disclosure"].headline.value == q2["c12315_disclosure"].headline.value == Decimal("87.50")
    assert (q1["c12315_disclosure"].verdict.level, q1["c12315_disclosure"].verdict.text,
            q1["c12315_disclosure"].verdict.rule) == ("amber", "黄：低于 90", "监管数据看板默认阈值")
    assert (q2["c12315_disclosure"].verdict.level, q2["c12315_disclosure"].verdict.text,
            q2["c12315_disclosure"].verdict.rule) == ("red", "红：低于 88", "2026年二季度起收紧")


def test_the_page_shows_value_colour_and_words(world, cast, client_for):
    html = client_for("office").get(reverse("regdash:dashboard"), {"period": "2026-Q1"}).content.decode()
    # District: 12 entities in Q1, 9 规上 → 75 %: red; 1 closed → overdue red.
    assert 'data-tile="c12315_disclosure" data-level="red"' in html
    assert 'data-level="red">红：低于 80</span>' in html
    assert 'data-tile="followups_overdue" data-level="red"' in html
    assert 'data-tile="c12315_accepted" data-level="unjudged"' in html
    assert ">12 户</a>" in html and ">75%</a>" in html
    # The sampled batches link to the rows behind them; a figure without a URL to its by-town page.
    assert f'href="{ROWS_URL}" data-testid="tile-value">12 户</a>' in html
    assert f'href="{reverse("regdash:tile", args=["c12315_accepted"])}?period=2026-Q1"' in html
    # The district's own pass rate is not connected here; neither are the 双随机 figures.
    assert "未接入：" in html and "双随机抽查完成率" in html.split("未接入：")[1]
    assert "监管数据看板" in html


def test_the_sampling_pass_rate_is_labelled_as_not_the_national_statistic(cast, client_for):
    with only_entity_measures({"sampling.pass_rate": ABOVE_SCALE_RATE}):
        html = client_for("leader").get(reverse("regdash:dashboard")).content.decode()
    assert "本区监督抽查合格率" in html
    assert "本区自行组织的监督抽查，不是国家统计的制造业产品质量合格率" in html


# --------------------------------------------------------------------------------------------
# The by-town table: constant queries, scoped columns.
# --------------------------------------------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name,args", [("regdash:dashboard", []), ("regdash:tile", ["sampling_batches"])])
def test_the_query_count_does_not_grow_with_the_number_of_towns(cast, client_for, measures, url_name, args):
    url = reverse(url_name, args=args)
    client = client_for("leader")
    towns = make_towns(cast, 3)
    for town in towns:
        entities(town, dt.date(2026, 3, 1), 3, above=2, closed=1)
    client.get(url)  # the session and the translations are loaded once
    three = _queries(client, url, {"period": "2026"})
    html3 = client.get(url, {"period": "2026"}).content.decode()
    for index in range(3, 8):
        town = org_unit_create(actor=None, name=f"舟山市普陀区另一镇{index}", kind=OrgUnitKind.TOWN,
                               parent=cast.district)
        entities(town, dt.date(2026, 3, 1), 3, above=2, closed=1)
    eight = _queries(client, url, {"period": "2026"})
    html8 = client.get(url, {"period": "2026"}).content.decode()
    assert three == eight
    column = 'data-testid="town-column"' if url_name == "regdash:dashboard" else 'data-testid="tile-town"'
    assert (html3.count(column), html8.count(column)) == (3, 8)


def test_a_town_liaison_sees_only_their_own_town(world, cast, client_for):
    client = client_for("town_liaison")
    other = world[1]
    # Asking for another town, or for the district, still shows their own.
    for params in ({"period": "2026-Q1"}, {"period": "2026-Q1", "town": other.pk}):
        html = client.get(reverse("regdash:dashboard"), params).content.decode()
        assert html.count('data-testid="town-column"') == 1 and ">沈家门街道</th>" in html
        assert "样例镇1" not in html and "全区" not in html
        assert ">8 户</a>" in html  # their 8 entities of Q1, not the district's 12
        assert 'data-tile="c12315_disclosure" data-level="amber"' in html  # 87.5 %
    tile = client.get(reverse("regdash:tile", args=["c12315_disclosure"]), {"period": "2026-Q1"}).content.decode()
    assert tile.count('data-testid="tile-town"') == 1 and "样例镇1" not in tile
    assert 'data-testid="tile-total"' not in tile
    rows = load_workbook(io.BytesIO(client.get(reverse("regdash:dashboard"),
                                               {"period": "2026-Q1", "format": "xlsx"}).content))
    assert [c.value for c in rows.worksheets[1][1]] == ["数字", "单位", "沈家门街道"]


@pytest.mark.parametrize("member", ["liaison_a", "liaison_b"])
def test_a_department_liaison_gets_404_everywhere(world, client_for, member):
    client = client_for(member)
    assert client.get(reverse("regdash:dashboard")).status_code == 404
    assert client.get(reverse("regdash:dashboard"), {"format": "xlsx"}).status_code == 404
    assert client.get(reverse("regdash:tile", args=["sampling_batches"])).status_code == 404


def test_who_may_read_the_dashboard(cast, world):
    """The permission decision: district readers (office, leader, a district viewer) see every town, a
    town liaison their own, a department's liaison — 区市场监管分局's included — nothing."""
    sjm_unit = org_unit_create(actor=None, name="舟山市市场监督管理局普陀分局", kind=OrgUnitKind.DEPARTMENT,
                               parent=cast.district, short_name="区市场监管分局")
    sjm = user_create(actor=None, username="sjm_t", password=PASSWORD, unit=sjm_unit,
                      grants=[(Role.DEPARTMENT_LIAISON, sjm_unit, False)])
    viewer = user_create(actor=None, username="viewer_t", password=PASSWORD, unit=cast.district,
                         grants=[(Role.VIEWER, cast.district, True)])
    reach = {name: selectors.dashboard_reach(user) for name, user in [
        ("office", cast.office), ("leader", cast.leader), ("viewer", viewer), ("town", cast.town_liaison),
        ("liaison_a", cast.liaison_a), ("sjm", sjm)]}
    assert {k: (r.district, [t.label for t in r.towns]) if r else None for k, r in reach.items()} == {
        "office": (True, ["沈家门街道", "样例镇1"]), "leader": (True, ["沈家门街道", "样例镇1"]),
        "viewer": (True, ["沈家门街道", "样例镇1"]), "town": (False, ["沈家门街道"]),
        "liaison_a": None, "sjm": None}


def test_the_tile_page_breaks_every_figure_down_by_town(world, cast, client_for):
    html = client_for("office").get(reverse("regdash:tile", args=["sampling_batches"]),
                                    {"period": "2026-H1"}).content.decode()
    # Batches and failed, for the district and each town: 20 / 2; 沈家门 16 / 2; 样例镇1 4 / 0.
    total = html.split('data-testid="tile-total"')[1].split("</tr>")[0]
    assert f'<a href="{ROWS_URL}">20 户</a>' in total and ">2 户</td>" in total
    town = html.split(f'data-town="{cast.town.pk}"')[1].split("</tr>")[0]
    assert f'<a href="{ROWS_URL}">16 户</a>' in town and ">2 户</td>" in town
    other = html.split(f'data-town="{world[1].pk}"')[1].split("</tr>")[0]
    assert f'<a href="{ROWS_URL}">4 户</a>' in other and ">0 户</td>" in other
    assert "2026-01-01 — 2026-06-30" in html


def test_an_unconnected_tile_page_says_so_and_an_unknown_tile_is_404(cast, client_for, measures):
    client = client_for("office")
    html = client.get(reverse("regdash:tile", args=["onestop_sla"])).content.decode()
    assert 'data-testid="tile-unconnected"' in html and "未接入" in html
    assert client.get(reverse("regdash:tile", args=["no_such_tile"])).status_code == 404


def test_with_nothing_connected_the_page_says_so(cast, client_for):
    with only_entity_measures({}):
        html = client_for("office").get(reverse("regdash:dashboard")).content.decode()
    assert 'data-testid="dashboard-empty"' in html and "尚未接入监管数据" in html


def test_year_to_date_tiles_count_from_the_first_of_january(cast, world):
    with only_entity_measures({"registers.awards_won": COUNT}):
        tiles = by_key(selectors.dashboard_tiles(period=parse_period("2026-05", TODAY), town=None))
    awards = tiles["awards"]
    assert (awards.start, awards.end, awards.headline.value) == (dt.date(2026, 1, 1), dt.date(2026, 5, 31),
                                                                 Decimal(20))


def test_the_same_period_last_year_is_shown_for_comparison(cast, world, client_for):
    entities(cast.town, dt.date(2025, 2, 1), 5)
    tiles = by_key(selectors.dashboard_tiles(period=parse_period("2026-Q1", TODAY), town=None))
    assert (tiles["c12315_accepted"].headline.value, tiles["c12315_accepted"].previous) == (Decimal(12), Decimal(5))


# --------------------------------------------------------------------------------------------
# Periods.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token,start,end", [
    ("", dt.date(2026, 1, 1), TODAY), ("2026", dt.date(2026, 1, 1), TODAY),
    ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)), ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)), ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ("2026-13", dt.date(2026, 1, 1), TODAY), ("2027", dt.date(2026, 1, 1), TODAY), ("x'; --", dt.date(2026, 1, 1), TODAY),
])
def test_periods(token, start, end):
    period = parse_period(token, TODAY)
    assert (period.start, period.end) == (start, end)


# --------------------------------------------------------------------------------------------
# Export.
# --------------------------------------------------------------------------------------------


def test_the_export_has_exactly_the_tiles_and_the_by_town_table(world, cast, client_for):
    OrgUnit.objects.filter(pk=world[1].pk).update(short_name="=1+1")
    response = client_for("office").get(reverse("regdash:dashboard"), {"period": "2026-Q1", "format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["监管数据看板", "分镇街"]
    rows = [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]
    q1, q1_end = dt.datetime(2026, 1, 1), dt.datetime(2026, 3, 31)
    assert rows[0] == ["分组", "数字", "数值", "单位", "判定", "上年同期", "其他数字", "起", "止", "范围"]
    assert rows[1] == ["监督抽查", "抽检批次", 12, "户", "未设阈值", 0, "测试sampling.failed 1 户", q1, q1_end, "全区"]
    assert rows[2][:5] == ["监督抽查", "本区监督抽查合格率", None, None, "未接入"]
    assert rows[4] == ["监督抽查", "后处置逾期", 1, "户", "红：高于 0", 0, None, q1, q1_end, "全区"]
    assert rows[8] == ["12315投诉举报", "投诉公示率", 75, "%", "红：低于 80", None, None, q1, q1_end, "全区"]
    assert len(rows) == 1 + len(TILES_BY_KEY)
    town_rows = [[c.value for c in row] for row in wb.worksheets[1].iter_rows()]
    assert town_rows == [
        ["数字", "单位", "沈家门街道", "=1+1"],
        ["抽检批次", "户", 8, 4],
        ["后处置逾期", "户", 1, 0],
        ["投诉受理量", "户", 8, 4],
        ["投诉公示率", "%", 87.5, 50],
        ["一站式服务申请", "户", 7, 2],
    ]
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [(c.value, c.data_type) for c in cells if c.value == "=1+1"] == [("=1+1", "s")]


# --------------------------------------------------------------------------------------------
# The home card.
# --------------------------------------------------------------------------------------------


def _card(user):
    request = RequestFactory().get("/")
    request.user = user
    return cards.home_card(request)


def test_the_home_card_lists_only_the_red_tiles(cast, measures, django_assert_max_num_queries):
    today = dt.date.today()
    # This year: 4 entities, 1 规上 (25 %: red), 1 closed (overdue: red); accepted has no rule.
    entities(cast.town, today.replace(day=1), 4, above=1, closed=1)
    card = registry.home_cards()
    budget = next(c for c in card if c.key == "regdash").query_budget
    with django_assert_max_num_queries(budget):
        context = _card(cast.leader)
    assert [(f.tile.key, f.verdict.text) for f in context["red"]] == [
        ("followups_overdue", "红：高于 0"), ("c12315_disclosure", "红：低于 80")]
    assert _card(cast.liaison_a) is None


def test_the_home_card_is_hidden_when_nothing_is_red(cast, measures, client_for):
    entities(cast.town, dt.date.today().replace(day=1), 4, above=4)
    assert _card(cast.leader) is None
    html = client_for("leader").get(reverse("core:home")).content.decode()
    assert 'data-testid="home-card-regdash"' not in html


def test_the_leaders_home_shows_the_red_ones(cast, measures, client_for):
    entities(cast.town, dt.date.today().replace(day=1), 4, above=1)
    html = client_for("leader").get(reverse("core:home")).content.decode()
    card = html.split('data-testid="home-card-regdash"')[1]
    assert card.count('data-testid="home-red-tile"') == 1
    assert 'data-tile="c12315_disclosure"' in card and "投诉公示率" in card and "红：低于 80" in card
    assert reverse("regdash:tile", args=["c12315_disclosure"]) in card


def test_the_navigation_lists_the_dashboard_under_regulatory_data(cast, client_for):
    html = client_for("leader").get(reverse("core:home")).content.decode()
    assert "监管数据" in html and reverse("regdash:dashboard") in html
