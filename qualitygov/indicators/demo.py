"""Demo loader: synthetic but plausible values for every indicator of the seed plan, 2022 baseline to today.

Every value made here is demo data: `Observation.is_demo` is set and its comment is "演示数据". The
series are pseudo-random from a fixed seed, so two loads on the same day give the same numbers.
Some lights come out yellow and red on purpose, one value waits for review, one was returned, one is
a draft and one period is overdue, so every screen has something to show. Every seed indicator also
gets 2026 and 2027 targets (a continuation of the plan's goals, marked as demo data) and entry
safeguards (`load_targets_and_safeguards`).

`load` is idempotent: once the plan has demo values it only refreshes the lights.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from qualitygov.accounts.models import OrgUnit, User
from qualitygov.core.audit import audit_record
from qualitygov.indicators import events

from . import calendar
from .models import Indicator, IndicatorResponsibility, Observation, ReportingPeriod
from .status import year_position

#: The demo's own record of its special cases is Chinese, like the demo data (the audit page shows it as written).
_DEMO_STATUS_TEXT = {"draft": "草稿", "submitted": "已报送待审核", "returned": "已退回"}

DEMO_COMMENT = "演示数据"
SEED = 20221231
BASELINE_YEAR = 2022


@dataclass(frozen=True)
class Profile:
    keyword: str  # a word of the indicator's name, to find it whatever its code
    unit: str  # the lead unit (short name)
    frequency: str
    baseline: str
    anchors: tuple[str, ...]  # year-end values 2023, 2024, 2025, 2026 the series passes near
    noise: str = "0"
    aggregation: str = "latest"
    nature: str = "expected"
    special: str = ""  # the latest period: "missing", "draft", "submitted" or "returned"


#: Lights the series lead to (as of late 2026): most 2025 targets met (green), several missed (red), two
#: 2027 targets behind the path (yellow) and one far behind (red).
PROFILES: dict[str, Profile] = {
    "I01": Profile("规上工业增加值", "区经信局", "yearly", "15.2", ("15.8", "16.3", "16.6", "16.9")),
    "I02": Profile("全员劳动生产率", "区经信局", "yearly", "19.5", ("20.4", "21.3", "22.1", "22.8")),
    "I03": Profile("研发经费", "区经信局", "yearly", "1.42", ("1.55", "1.66", "1.78", "1.84")),
    "I04": Profile("高新技术产业", "区发改局", "yearly", "21.0", ("22.1", "23.2", "24.1", "24.6")),
    "I05": Profile("发明专利", "区市场监管分局", "yearly", "8.6", ("9.7", "10.9", "12.3", "13.0")),
    "I06": Profile("农产品质量安全", "区农业农村局", "quarterly", "97.6", ("97.9", "98.2", "98.4", "98.5"),
                   noise="0.15", nature="binding", special="returned"),
    "I07": Profile("食品安全", "区市场监管分局", "quarterly", "98.3", ("99.05", "99.2", "99.25", "99.3"),
                   noise="0.05", nature="binding"),
    "I08": Profile("基本药物", "区市场监管分局", "quarterly", "99.2", ("99.25", "99.3", "99.3", "99.32"),
                   noise="0.05", nature="binding"),
    "I09": Profile("制造业产品质量合格率", "区市场监管分局", "half_yearly", "92.5", ("93.2", "93.9", "94.4", "94.6"),
                   noise="0.1"),
    "I10": Profile("工程质量", "区住建局", "quarterly", "98.0", ("99.2", "100", "100", "100"), nature="binding",
                   special="missing"),
    "I11": Profile("服务质量满意度", "区市场监管分局", "yearly", "81.2", ("82.3", "83.2", "84.1", "84.6")),
    "I12": Profile("空气质量", "区生态环境分局", "monthly", "95.1", ("96.4", "97.3", "97.8", "97.9"), noise="0.8",
                   aggregation="average", nature="binding", special="submitted"),
    "I13": Profile("水质", "区生态环境分局", "quarterly", "90.0", ("92.4", "94.6", "96.2", "96.6"), noise="0.2",
                   nature="binding"),
    "I14": Profile("品牌销售", "区经信局", "half_yearly", "52.0", ("54.0", "55.6", "57.0", "57.8"), noise="0.3",
                   special="draft"),
    "I15": Profile("研发活动覆盖率", "区经信局", "yearly", "45.0", ("49.0", "51.5", "53.5", "55.0")),
    "I16": Profile("智慧校园", "区教育局", "yearly", "60.0", ("68.0", "75.0", "82.0", "84.0")),
    "I17": Profile("体育场地", "区文广旅体局", "yearly", "2.30", ("2.36", "2.41", "2.45", "2.48")),
    "I18": Profile("社会体育指导员", "区文广旅体局", "yearly", "2.20", ("2.32", "2.41", "2.48", "2.55")),
}


#: Seed indicators computed from the feeds' figures in the demo (keyword of the name → formula), and the
#: national statistic that shows the district's own sampling pass rate beside it, for reference only.
#: Each applies only when every measure it names is registered (the feeds and sampling apps register them).
COMPUTED_DEMO: dict[str, str] = {
    "农产品质量安全": "feeds.sampling.pass_rate[食用农产品]",
    "食品安全": "feeds.sampling.pass_rate[食品]",
    "基本药物": "feeds.sampling.pass_rate[药品]",
    "空气质量": "feeds.air.good_rate",
    "水质": "feeds.water.good_rate",
}
REFERENCE_DEMO: dict[str, str] = {"制造业产品质量合格率": "sampling.pass_rate"}


def _demo_formula(indicator: Indicator, table: dict[str, str]) -> str:
    """The demo formula for `indicator` from `table` when all its measures are registered, else ""."""
    from . import formula as formulas
    from . import measures

    registered = {m.key for m in measures.registered_measures()}
    for keyword, text in table.items():
        if keyword in indicator.name:
            return text if formulas.keys_in(text) <= registered else ""
    return ""


def _profile_for(indicator: Indicator) -> Profile:
    """The profile of the indicator's code when its keyword fits the name, else the first whose keyword
    does; an on-track yearly series otherwise."""
    own = PROFILES.get(indicator.code)
    if own is not None and own.keyword in indicator.name:
        return own
    for profile in PROFILES.values():
        if profile.keyword in indicator.name:
            return profile
    target = indicator.target_value
    down = indicator.comparator == "<="
    baseline = target * Decimal("1.15" if down else "0.85")
    step = (target - baseline) / 3
    anchors = tuple(str((baseline + step * (i + 1)).quantize(Decimal("0.01"))) for i in range(4))
    return Profile(indicator.name[:4], "区市场监管分局", "yearly", str(baseline.quantize(Decimal("0.01"))), anchors)


def _value_at(profile: Profile, end: dt.date, rng: random.Random, upper: Decimal | None) -> Decimal:
    """The anchors' straight line at `end` (year axis), plus the profile's noise, within the limits."""
    knots = [(Fraction(BASELINE_YEAR), Fraction(profile.baseline))] + [
        (Fraction(BASELINE_YEAR + 1 + i), Fraction(a)) for i, a in enumerate(profile.anchors)]
    x = year_position(end)
    value = knots[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(knots):
        if x <= x1:
            value = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            break
    noise = Fraction(profile.noise) * Fraction(rng.randint(-100, 100), 100)
    result = Decimal(float(value + noise)).quantize(Decimal("0.01"))
    if upper is not None:
        result = min(result, upper)
    return max(result, Decimal(0))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


#: Demo targets by year and entry safeguards are labelled as such wherever they are shown.
DEMO_TARGET_REASON = "按2022—2025年平均进度延续2025年目标"
DEMO_TARGET_DECISION = "区质量强区办年度目标示例"
CONTINUED_YEARS = (2026, 2027)


def _continued_targets(indicator: Indicator) -> dict[int, Decimal]:
    """The office's plausible continuation of the plan's goal to 2026 and 2027 (demo data).

    A goal dated 2027 (or none, the plan's last year): 2026 on the straight line from the baseline, 2027
    the goal. A 2025 goal: half the average yearly progress of 2022—2025 added per year; an "about" goal
    and a pass rate of 95 % or more stay where they are; a percentage never exceeds 100."""
    from .services.status_refresh import _path
    from .status import CHANGE_COMPARATORS, resolve_change

    if indicator.baseline_value is None or indicator.baseline_year is None:
        return {}
    path, _sources = _path(indicator, [])
    level = indicator.target_value
    if indicator.comparator in CHANGE_COMPARATORS:
        change = resolve_change(indicator.comparator, indicator.target_value, unit=indicator.unit,
                                baseline_year=path.baseline_year, baseline_value=path.baseline_value,
                                target_year=path.target_year)
        if change.reason is not None:
            return {}
        level = change.target
    goal_year, base, start = path.target_year, indicator.baseline_value, indicator.baseline_year
    if goal_year is None or goal_year <= start:
        return {}
    step = (level - base) / (goal_year - start)
    is_pct = indicator.unit.strip() == "%"
    out = {}
    for year in CONTINUED_YEARS:
        if year <= goal_year:
            value = base + step * (year - start)
        elif indicator.comparator == "about" or (is_pct and level >= 95):
            value = level
        else:
            value = level + step / 2 * (year - goal_year)
        if is_pct:
            value = min(value, Decimal(100))
        out[year] = max(value, Decimal(0)).quantize(Decimal("0.01"))
    return out


def load_targets_and_safeguards(plan, today: dt.date) -> dict[str, int]:
    """Give every seed indicator its 2026 and 2027 targets and entry safeguards (demo data), once.

    Targets go through the office's service (audited, versioned), in force from mid-January of the
    first continued year (when the office sets a year's targets). Safeguards: nothing below 0, a
    percentage at most 100, a change of more than 20 % from the previous value explained."""
    from .services import indicator_set_targets, indicator_update

    counts = {"targets": 0, "safeguards": 0}
    in_force = min(dt.date(CONTINUED_YEARS[0], 1, 15), today)
    for indicator in Indicator.objects.filter(plan=plan).select_related("plan").order_by("order"):
        if indicator.plausible_min is None and indicator.change_limit_pct is None:
            indicator_update(actor=None, indicator=indicator, plausible_min=Decimal(0),
                             plausible_max=Decimal(100) if indicator.unit.strip() == "%" else None,
                             change_limit_pct=Decimal(20))
            counts["safeguards"] += 1
        if indicator.targets.current().filter(year__in=CONTINUED_YEARS).exists():
            continue
        wanted = _continued_targets(indicator)
        if not wanted:
            continue
        current = {t.year: t.value for t in indicator.targets.current()}
        indicator_set_targets(actor=None, indicator=indicator, targets={**current, **wanted},
                              reason=DEMO_TARGET_REASON, decision=DEMO_TARGET_DECISION, in_force_from=in_force,
                              is_demo=True)
        counts["targets"] += len(wanted)
    return counts


@transaction.atomic
def load(today: dt.date | None = None) -> dict[str, int]:
    """Give every indicator of the seed plan a demo definition and series (once); refresh every light."""
    from qualitygov.plans.demo import SEED as SEED_FILE
    from qualitygov.plans.models import Plan

    from .services import status_refresh_all

    today = today or timezone.localdate()
    plan = Plan.objects.filter(source_name=SEED_FILE.name).order_by("-id").first()
    if plan is None:
        return {"indicators": 0, "periods": 0, "observations": 0}
    if Observation.objects.filter(indicator__plan=plan, is_demo=True).exists():
        extra = load_targets_and_safeguards(plan, today)
        status_refresh_all(as_of=today, plan=plan)
        return {"indicators": 0, "periods": 0, "observations": 0, **extra}
    rng = random.Random(SEED)
    office = User.objects.filter(username="office").first()
    liaison_by_unit = {}
    for user in User.objects.filter(unit__isnull=False, grants__role__in=["department_liaison", "town_liaison"]):
        liaison_by_unit.setdefault(user.unit_id, user)
    counts = {"indicators": 0, "periods": 0, "observations": 0}
    specials: list[str] = []
    for indicator in Indicator.objects.filter(plan=plan).order_by("order"):
        profile = _profile_for(indicator)
        unit = OrgUnit.objects.named(profile.unit).first()
        if unit is None:
            continue
        if indicator.baseline_value is None:
            indicator.baseline_year, indicator.baseline_value = BASELINE_YEAR, Decimal(profile.baseline)
            indicator.frequency, indicator.aggregation, indicator.nature = (profile.frequency, profile.aggregation,
                                                                             profile.nature)
            indicator.save(update_fields=["baseline_year", "baseline_value", "frequency", "aggregation", "nature"])
        if not indicator.responsibilities.exists():
            IndicatorResponsibility.objects.create(indicator=indicator, unit=unit, role="lead")
        reporter = indicator.responsibilities.order_by("role", "pk").first().unit
        computed = _demo_formula(indicator, COMPUTED_DEMO)
        reference = _demo_formula(indicator, REFERENCE_DEMO)
        if computed or reference:
            from .services import indicator_update

            # Through the office's service (validated, audited); a computed indicator gets no typed values.
            indicator_update(actor=None, indicator=indicator, **(
                {"data_source": "computed", "formula": computed} if computed else {"reference_formula": reference}))
            indicator.refresh_from_db()
        first = (indicator.baseline_year or BASELINE_YEAR) + 1
        specs = calendar.periods_between(indicator.frequency, first, today, due_days=indicator.due_days,
                                         grace_days=indicator.grace_days,
                                         exceptions=calendar.exceptions_for(first, today.year))
        existing = set(ReportingPeriod.objects.filter(indicator=indicator).values_list("start", flat=True))
        ReportingPeriod.objects.bulk_create([
            ReportingPeriod(indicator=indicator, label=s.label, start=s.start, end=s.end, due_date=s.due_date,
                            grace_days=s.grace_days, deadline=s.deadline) for s in specs if s.start not in existing])
        counts["periods"] += len(specs) - len(existing)
        # Periods whose deadline has passed; later ones are still open for entry.
        ended = [p for p in ReportingPeriod.objects.filter(indicator=indicator, end__lt=today).order_by("start")
                 if p.deadline < today]
        upper = Decimal(100) if indicator.unit.strip() == "%" else indicator.physical_max
        submitter = liaison_by_unit.get(reporter.pk)
        rows = []
        for i, period in enumerate(ended if not computed else []):
            value = _value_at(profile, period.end, rng, upper)
            late = rng.random() < 0.12
            submitted_on = period.deadline + dt.timedelta(days=rng.randint(2, 15)) if late \
                else period.due_date - dt.timedelta(days=rng.randint(0, 10))
            submitted_on = min(submitted_on, today - dt.timedelta(days=3))
            is_last = i == len(ended) - 1
            status, approved = "approved", True
            if is_last and profile.special:
                if profile.special == "missing":
                    specials.append(f"{indicator.code} {period.label}：未报送")
                    continue
                status, approved = profile.special, False
                specials.append(f"{indicator.code} {period.label}：{_DEMO_STATUS_TEXT[status]}")
            submitted = status in ("approved", "submitted", "returned")
            rows.append(Observation(
                indicator=indicator, period=period, unit=reporter, value=value, comment=DEMO_COMMENT, is_demo=True,
                status=status, return_reason="请核实本季度抽检批次与合格批次数据（演示数据）" if status == "returned" else "",
                first_submitted_value=value if submitted else None,
                submitted_by=submitter if submitted else None,
                submitted_at=_at(submitted_on, 10) if submitted else None,
                first_submitted_at=_at(submitted_on, 10) if submitted else None,
                approved_by=office if approved else None,
                approved_at=_at(submitted_on + dt.timedelta(days=2), 16) if approved else None,
            ))
        Observation.objects.bulk_create(rows)
        counts["observations"] += len(rows)
        counts["indicators"] += 1
    audit_record(actor=None, action=events.INDICATORS_DEMO_LOAD, obj=plan,
                 changes={**counts, "seed": SEED, "as_of": today, "marked": f"演示数据，备注“{DEMO_COMMENT}”",
                          "special": specials})
    counts.update(load_targets_and_safeguards(plan, today))
    counts["lights"] = status_refresh_all(as_of=today, plan=plan)
    return counts


@transaction.atomic
def load_computed(today: dt.date | None = None) -> dict[str, int]:
    """After the feeds are loaded: compute the demo's computed indicators, and let the office approve
    every computed value but the latest period's, which waits in the review queue (demo data)."""
    from qualitygov.plans.demo import SEED as SEED_FILE
    from qualitygov.plans.models import Plan

    from .choices import DataSource, ObservationStatus
    from .services import computed_indicator_recompute, observation_approve, status_refresh_all

    today = today or timezone.localdate()
    plan = Plan.objects.filter(source_name=SEED_FILE.name).order_by("-id").first()
    office = User.objects.filter(username="office").first()
    counts = {"computed": 0, "approved": 0}
    if plan is None:
        return counts
    indicators = list(Indicator.objects.filter(plan=plan, data_source=DataSource.COMPUTED).exclude(formula=""))
    for indicator in indicators:
        computed_indicator_recompute(actor=None, indicator=indicator, as_of=today)
        # Computed from the demo's feed files: demo data like them.
        Observation.objects.filter(indicator=indicator, is_demo=False).update(is_demo=True)
        counts["computed"] += Observation.objects.filter(indicator=indicator).count()
        waiting = list(Observation.objects.filter(indicator=indicator, status=ObservationStatus.SUBMITTED)
                       .order_by("period__start"))
        latest = max((o.period.start for o in waiting), default=None)
        for observation in waiting:
            if office is not None and observation.period.start != latest:
                observation_approve(actor=office, observation=observation)
                counts["approved"] += 1
    if indicators:
        status_refresh_all(as_of=today, plan=plan)
    return counts
