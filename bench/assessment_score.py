"""Benchmark: score 40 units against a 30-leaf scheme (all nine methods), median of runs and peak memory.

Run: ``.venv/bin/python bench/assessment_score.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualitygov.assessments.engine import assess  # noqa: E402
from qualitygov.assessments.engine.io import parse_json  # noqa: E402

METHODS = ["judged", "binary", "graded", "per_missing", "ratio", "rate_bands", "event_deductions",
           "indicator_shortfall", "share_indicators"]


def _leaf(code: str, method: str) -> dict:
    leaf = {"code": code, "title": code, "max": 6, "method": method}
    params = {
        "graded": {"options": {"full": 6, "part": 3, "none": 0}},
        "per_missing": {"aspects": ["经费", "人员", "制度"], "deduct_each": 1, "zero_if_none": True},
        "rate_bands": {"bands": [{"min": 99, "points": 6}, {"min": 95, "points": 4}, {"min": 0, "points": 0}]},
        "event_deductions": {"events": {"late": 0.5, "red": 2}},
        "indicator_shortfall": {"comparator": ">=", "target": 95, "step": 0.5, "points_per_step": 1},
        "share_indicators": {"met": 1, "improved": 0.5, "otherwise": 0, "about_band_pct": 5},
    }.get(method)
    if params:
        leaf["params"] = params
    return leaf


def _input(method: str, rng: random.Random) -> dict:
    if rng.random() < 0.05:
        return {"na": True}
    value = round(rng.uniform(85, 100), 1)
    return {
        "judged": {"score": round(rng.uniform(0, 6), 1)}, "binary": {"done": rng.random() < 0.8},
        "graded": {"option": rng.choice(["full", "part", "none"])},
        "per_missing": {"present": rng.sample(["经费", "人员", "制度"], rng.randint(0, 3))},
        "ratio": {"num": rng.randint(30, 48), "den": 48}, "rate_bands": {"value": value},
        "event_deductions": {"counts": {"late": rng.randint(0, 6), "red": rng.randint(0, 3)}},
        "indicator_shortfall": {"value": value},
        "share_indicators": {"indicators": [
            {"comparator": rng.choice([">=", "<=", "=", "about"]), "target": 95, "baseline": 93,
             "value": round(rng.uniform(90, 100), 1)} for _ in range(rng.randint(1, 5))]},
    }[method]


def documents(units: int = 40, leaves: int = 30) -> tuple[str, str]:
    rng = random.Random(2026)
    methods = [METHODS[k % len(METHODS)] for k in range(leaves)]
    sections = [{"code": f"S{s}", "title": f"S{s}", "items": [
        {"code": f"S{s}G{g}", "title": "g", "items": [
            _leaf(f"S{s}G{g}L{k}", methods[(s * 10 + g * 5 + k) % leaves]) for k in range(5)]} for g in range(2)]}
        for s in range(leaves // 10)]
    codes = [(leaf["code"], leaf["method"]) for s in sections for g in s["items"] for leaf in g["items"]]
    scheme = {"id": "bench", "title": "bench", "max_total": 100, "groups": ["department", "town"],
              "grades": [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60},
                         {"grade": "不合格", "min": None}],
              "sections": sections, "bonus": {"cap": 3, "items": {"award": {"points": 1}}},
              "vetoes": [{"code": "V1", "effect": {"force_grade": "不合格"}}],
              "grade_caps": [{"code": "C1", "when": f"{codes[6][0]}.counts.red >= 2", "effect": {"max_grade": "良好"}}],
              "follow_up": {"grades": ["不合格"], "bottom": 2, "min_group_size": 6, "action": "整改", "due_months": 1}}
    unit_rows = [{"unit": f"单位{u:02d}", "group": "department" if u % 2 else "town",
                  "inputs": {code: _input(method, rng) for code, method in codes},
                  "bonus": {"award": rng.randint(0, 4)}, "vetoes": {"V1": rng.random() < 0.05}} for u in range(units)]
    units_doc = {"scheme": "bench", "year": "2026", "bulletin_date": "2027-01-31", "units": unit_rows}
    assert len(codes) == leaves
    return json.dumps(scheme, ensure_ascii=False), json.dumps(units_doc, ensure_ascii=False)


def main() -> None:
    scheme_text, units_text = documents()

    def run() -> dict:
        return assess(parse_json(scheme_text), parse_json(units_text))

    result = run()  # warm-up: the JSON Schemas load and compile once
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    totals = sorted(Decimal(u["total"]) for u in result["units"])
    print(f"40 units × 30 leaves (9 methods), files {len(scheme_text) / 1024:.1f} KB + {len(units_text) / 1024:.1f} KB")
    print(f"parse + validate + score + rank, median of {len(times)}: {statistics.median(times) * 1000:.1f} ms "
          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")
    print(f"peak Python memory of one run (tracemalloc): {peak / 1024 / 1024:.2f} MiB")
    print(f"totals from {totals[0]} to {totals[-1]}")


if __name__ == "__main__":
    main()
