"""Decimal helpers: checked conversion of JSON numbers, ROUND_HALF_UP rounding and output formats."""

from __future__ import annotations

import decimal
import numbers
from decimal import ROUND_HALF_UP, Decimal

from .errors import AssessmentError

#: Largest magnitude a number in a scheme or units file may have; keeps every result well inside
#: the working precision so no rounding happens before the documented round1/round2.
LIMIT = Decimal(10) ** 12
#: Working context: 50 significant digits, the usual traps.
CONTEXT = decimal.Context(prec=50, rounding=decimal.ROUND_HALF_EVEN,
                          traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def to_decimal(value: object, where: str) -> Decimal:
    """`value` (int, float or Decimal from JSON) as a finite Decimal within ±10^12, else AssessmentError."""
    if not is_number(value):
        raise AssessmentError(f"{where} 应为数字")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if abs(value) > LIMIT:
            raise AssessmentError(f"{where} 超出允许范围（绝对值不大于 10^12）")
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value)) if value == value and abs(value) != float("inf") else Decimal("NaN")
    else:
        raise AssessmentError(f"{where} 应为数字")
    if not result.is_finite():
        raise AssessmentError(f"{where} 应为有限的数字")
    if abs(result) > LIMIT:
        raise AssessmentError(f"{where} 超出允许范围（绝对值不大于 10^12）")
    if result.as_tuple().exponent < -12:  # type: ignore[operator]
        result = result.quantize(Decimal("1e-12"), rounding=ROUND_HALF_UP, context=CONTEXT)
    return result + ZERO  # -0 → 0


def round2(value: Decimal) -> Decimal:
    return _zero(value.quantize(CENT, rounding=ROUND_HALF_UP, context=CONTEXT))


def round1(value: Decimal) -> Decimal:
    return _zero(value.quantize(TENTH, rounding=ROUND_HALF_UP, context=CONTEXT))


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return low if value < low else high if value > high else value


def plain(value: Decimal) -> str:
    """Shortest plain form: 25 → "25", 2.50 → "2.5", 0 → "0" (never an exponent)."""
    value = _zero(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(CONTEXT), "f")


def fixed(value: Decimal) -> str:
    """Already rounded Decimal as written: 17.5 rounded to cents → "17.50"."""
    return format(_zero(value), "f")


def _zero(value: Decimal) -> Decimal:
    return ZERO.quantize(value) if value == 0 else value
