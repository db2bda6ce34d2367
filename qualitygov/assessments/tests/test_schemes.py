"""Three schemes of our own, scored by hand: every number below is explained in its comment."""

from __future__ import annotations

from typing import Any

from qualitygov.assessments.engine import assess, load_json

from .shared import FIXTURES


def _result(name: str) -> dict[str, dict[str, Any]]:
    document = assess(load_json(FIXTURES / f"{name}-scheme.json"), load_json(FIXTURES / f"{name}-units.json"))
    return {unit["unit"]: unit for unit in document["units"]}


def _nodes(**nodes: tuple[str | None, str]) -> dict[str, dict[str, str | None]]:
    return {code: {"score": score, "applicable_max": app} for code, (score, app) in nodes.items()}


def _summary(unit: dict[str, Any]) -> tuple:
    return (unit["raw"], unit["applicable_max"], unit["base"], unit["bonus"], unit["total"], unit["grade"],
            unit["vetoes_applied"], unit["caps_applied"], unit["rank"], unit["follow_up"])


def test_government_scheme_grades_a_to_d():
    units = _result("gov-abcd")
    assert list(units) == ["东区", "西区", "南区", "北区"]  # the file's order
    # 东区: 纳入考核 done → 20; judged 28.5; 合格率 98.0 ≥ 98 → first band, 50. 98.50 → 98.5 ≥ 90: A.
    assert units["东区"]["nodes"] == _nodes(S1a=("20.00", "20"), S1b=("28.50", "30"), S1=("48.50", "50"),
                                           S2a=("50.00", "50"), S2=("50.00", "50"))
    assert _summary(units["东区"]) == ("98.50", "100", "98.50", "0", "98.5", "A", [], [], 1, None)
    # 西区: 20 + 24.95 + (96 ≥ 95 → 40) = 84.95; round1 half up → 85.0: B.
    assert _summary(units["西区"]) == ("84.95", "100", "84.95", "0", "85.0", "B", [], [], 2, None)
    # 南区: not done → 0; 30; 95 ≥ 95 → 40. 70.0 is exactly C's min: C.
    assert units["南区"]["nodes"]["S1a"] == {"score": "0.00", "applicable_max": "20"}
    assert _summary(units["南区"]) == ("70.00", "100", "70.00", "0", "70.0", "C", [], [], 3, None)
    # 北区: 20 + 29.99 + (89.9 below every band → 0) = 49.99 → 50.0: D; D is a follow-up grade,
    # due 2026-11-30 + 3 months = 2027-02-28 (the 30th clamped to February's end). No `bottom` rule.
    assert _summary(units["北区"]) == ("49.99", "100", "49.99", "0", "50.0", "D", [], [], 4,
                                     {"action": "约谈并提交整改方案", "due": "2027-02-28"})


def test_member_units_ranked_within_department_and_town_groups_with_a_tie():
    units = _result("members")
    # Departments: M3 applies to towns only → not applicable (null, applicable max 0); 40 + 30 + 30 = 100.
    # 区市场监管局: M1 40 − 2 × 1 late = 38; M2 27; M4 28 → 93.00 → 优秀.
    assert units["区市场监管局"]["nodes"] == _nodes(M1=("38.00", "40"), M2=("27.00", "30"), M3=(None, "0"),
                                                 M4=("28.00", "30"), M=("93.00", "100"))
    assert _summary(units["区市场监管局"]) == ("93.00", "100", "93.00", "0", "93.0", "优秀", [], [], 1, None)
    # 区经信局: M1 input {} = no events → 40; 25; 28 → 93.0, equal to 区市场监管局: both rank 1.
    assert _summary(units["区经信局"]) == ("93.00", "100", "93.00", "0", "93.0", "优秀", [], [], 1, None)
    # 区住建局: 40 − 2×3 − 5×1 = 29; 20; 21 → 70.0 合格. Competition ranking skips 2: rank 3. The group
    # has 3 ≥ min_group_size 3 units, bottom 1 → rank 3 > 3 − 1: follow-up due 2027-01-15 + 1 month.
    assert _summary(units["区住建局"]) == ("70.00", "100", "70.00", "0", "70.0", "合格", [], [], 3,
                                        {"action": "约谈", "due": "2027-02-15"})
    # 甲镇: M2 applies to departments only, so its M2 input is ignored; M1 40; M3 30 × 45/50 = 27; M4 24 → 91.
    assert units["甲镇"]["nodes"] == _nodes(M1=("40.00", "40"), M2=(None, "0"), M3=("27.00", "30"),
                                          M4=("24.00", "30"), M=("91.00", "100"))
    assert _summary(units["甲镇"]) == ("91.00", "100", "91.00", "0", "91.0", "优秀", [], [], 1, None)
    # 乙镇: no M1 input = no events → 40; 30 × 3/4 = 22.5; 15 → 77.5 合格, rank 2 of the towns. The town
    # group has only 2 < 3 units, so the bottom rule does not apply, and 合格 is not a follow-up grade.
    assert _summary(units["乙镇"]) == ("77.50", "100", "77.50", "0", "77.5", "合格", [], [], 2, None)


def test_a_scheme_using_every_method():
    units = _result("every-method")
    # 甲镇 — every leaf applicable:
    #   X1 judged 9.125 → round2 half up 9.13; X2 done → 5; X3 option "over" = 8, clamped to max 5;
    #   X4 aspects a, c present ("zzz" ignored), b missing → 6 − 2 = 4. X = 23.13.
    #   Y1 10 × 7/9 = 7.777… → 7.78; Y2 95 ≥ 95 → 10; Y3 "<=" 2: shortfall 0.6, 0.6/0.5 = 1.2 → 2 steps,
    #   12 − 3×2 = 6; Y4 share 20/3 each: 55 ≥ 50 met (1), |108 − 100| = 8 ≤ 10% of 100 met (1),
    #   "=" with baseline 20 > target 10 needs value ≤ 10: 15 is not, but 15 − 20 has the sign of
    #   10 − 20 → improved (0.6); 20 × 2.6 / 3 = 17.333… → 17.33. Y = 41.11.
    #   Z1 12 − 1.5 × 1 late = 10.5; Z2a 8 → Z2 8. Z = 18.5.
    #   raw 82.74 of 100; bonus 3 × 1 + 0.25 × 5 = 4.25, capped at 4; total 86.74 → 86.7 良好.
    assert units["甲镇"]["nodes"] == _nodes(
        X1=("9.13", "10"), X2=("5.00", "5"), X3=("5.00", "5"), X4=("4.00", "6"), X=("23.13", "26"),
        Y1=("7.78", "10"), Y2=("10.00", "10"), Y3=("6.00", "12"), Y4=("17.33", "20"), Y=("41.11", "52"),
        Z1=("10.50", "12"), Z2a=("8.00", "10"), Z2=("8.00", "10"), Z=("18.50", "22"))
    assert _summary(units["甲镇"]) == ("82.74", "100", "82.74", "4", "86.7", "良好", [], [], 2, None)
    # 乙镇 — not-applicable rescaling and a grade cap:
    #   X = 10 + 5 + 5 + 6 = 26. Y1 den 0 → not applicable; Y2 {"na": true}; Y4 empty list → not
    #   applicable; Y3 1.9 ≤ 2 → 12: Y = 12 of 12. Z1 12 − 4 × 2 red = 4; Z2a 10: Z = 14 of 22.
    #   raw 52 of 60 → base 52 × 100 / 60 = 86.666… → 86.67; bonus 3 × 2 = 6 capped at 4;
    #   total 90.67 → 90.7 优秀, but G1 (Z1 red 2 ≥ 2) caps the grade at 合格. Highest total: rank 1.
    assert units["乙镇"]["nodes"] == _nodes(
        X1=("10.00", "10"), X2=("5.00", "5"), X3=("5.00", "5"), X4=("6.00", "6"), X=("26.00", "26"),
        Y1=(None, "0"), Y2=(None, "0"), Y3=("12.00", "12"), Y4=(None, "0"), Y=("12.00", "12"),
        Z1=("4.00", "12"), Z2a=("10.00", "10"), Z2=("10.00", "10"), Z=("14.00", "22"))
    assert _summary(units["乙镇"]) == ("52.00", "60", "86.67", "4", "90.7", "合格", [], ["G1"], 1, None)
    # 丙镇 — a veto: X 26; Y1 9/9 → 10, Y2 99 → 10, Y3 2 ≤ 2 → 12, Y4 40 < 50 and 40 − 45 has not the
    #   sign of 50 − 45 → otherwise 0: Y 32; Z1 no events 12, Z2a 10: Z 22. 80.0 would be 良好; V1
    #   forces 不合格, and a vetoed unit ranks after every other: rank 4 of 4 (also the bottom 1).
    assert _summary(units["丙镇"]) == ("80.00", "100", "80.00", "0", "80.0", "不合格", ["V1"], [], 4,
                                     {"action": "整改", "due": "2027-02-28"})
    # 丁街道 — clamping at 0 and an empty group node:
    #   X1 −3 → 0; X2 not done 0; X3 part 3; X4 none present, zero_if_none false → 6 − 2×3 = 0: X 3.
    #   Y1 10 × 12/10 = 12 → clamped to 10; Y2 50 below every band → 0; Y3 shortfall 3 → 6 steps,
    #   12 − 18 → 0; Y4 6 > 5 not met, no baseline so not improved → 0: Y 10.
    #   Z1 12 − 1.5 × 10 → 0; Z2a not applicable, so Z2 has applicable max 0 and score null: Z 0 of 12.
    #   raw 13 of 26 + 52 + 12 = 90 → 1300/90 = 14.444… → 14.44 → 14.4 不合格; rank 3 (丙镇 is vetoed);
    #   不合格 is a follow-up grade: due 2026-12-31 + 2 months = 2027-02-28.
    assert units["丁街道"]["nodes"] == _nodes(
        X1=("0.00", "10"), X2=("0.00", "5"), X3=("3.00", "5"), X4=("0.00", "6"), X=("3.00", "26"),
        Y1=("10.00", "10"), Y2=("0.00", "10"), Y3=("0.00", "12"), Y4=("0.00", "20"), Y=("10.00", "52"),
        Z1=("0.00", "12"), Z2a=(None, "0"), Z2=(None, "0"), Z=("0.00", "12"))
    assert _summary(units["丁街道"]) == ("13.00", "90", "14.44", "0", "14.4", "不合格", [], [], 3,
                                      {"action": "整改", "due": "2027-02-28"})
