"""Formulas of computed indicators: arithmetic over measure keys, parsed and evaluated without `eval`.

Grammar (whitespace between tokens is ignored; full-width （）［］＋－×÷ are read as their ASCII forms):

    expr    := term (("+" | "-") term)*
    term    := factor (("*" | "/") factor)*
    factor  := ("+" | "-") factor | primary
    primary := NUMBER | KEY ["[" CATEGORY "]"] | "(" expr ")"

A KEY is a registered measure key (`feeds.sampling.failed`); `[食品]` passes a category filter to the
measure. `parse` raises `FormulaError` with a Chinese message naming the column (1-based) of the fault;
`evaluate` gives no value (None, with the reason) when a measure has nothing to count yet or a division
is by zero, never an exception for the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

from django.utils.translation import gettext as _

from . import measures

#: Longer formulas or deeper nesting are refused (a formula is a line, not a program).
MAX_LENGTH = 500
MAX_DEPTH = 30
#: Stored values have 4 decimal places and stay below this magnitude (as entered ones).
PLACES = Decimal("0.0001")
MAX_ABS = Decimal("1e14")

_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "［": "[", "］": "]", "＋": "+", "－": "-", "×": "*",
                             "＊": "*", "÷": "/", "／": "/", "　": " "})
_KEY_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_KEY_CHARS = _KEY_START | frozenset("0123456789.")
_DIGITS = frozenset("0123456789")


class FormulaError(ValueError):
    """A formula that cannot be read: `message` is Chinese and names the column where it goes wrong."""

    def __init__(self, message: str, *, column: int | None = None, code: str = "syntax"):
        super().__init__(message)
        self.message, self.column, self.code = message, column, code


@dataclass(frozen=True)
class Number:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    key: str
    category: str | None
    column: int


@dataclass(frozen=True)
class Neg:
    operand: Any


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class Formula:
    text: str
    tree: Any
    refs: tuple[Ref, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(r.key for r in self.refs)


# Parsing

@dataclass
class _Token:
    kind: str  # "num", "key", "cat", or the operator / parenthesis itself
    text: str
    column: int


def _syntax(column: int, detail: str) -> FormulaError:
    return FormulaError(_("Syntax error at column %(column)s: %(detail)s") % {"column": column, "detail": detail},
                        column=column)


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "+-*/()":
            out.append(_Token(ch, ch, i + 1))
            i += 1
        elif ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            start = i
            while i < n and text[i] in _DIGITS:
                i += 1
            if i < n and text[i] == ".":
                i += 1
                while i < n and text[i] in _DIGITS:
                    i += 1
            out.append(_Token("num", text[start:i], start + 1))
        elif ch in _KEY_START:
            start = i
            while i < n and text[i] in _KEY_CHARS:
                i += 1
            key = text[start:i]
            parts = key.split(".")
            if len(parts) < 2 or any(not p or p[0] in _DIGITS for p in parts):
                raise _syntax(start + 1, _("“%(key)s” is not a measure key (app.name)") % {"key": key})
            out.append(_Token("key", key, start + 1))
            if i < n and text[i] == "[":
                close = text.find("]", i + 1)
                inner = text[i + 1:close] if close != -1 else ""
                if close == -1:
                    raise _syntax(i + 1, _("the category filter is not closed with “]”"))
                if "[" in inner:
                    raise _syntax(i + 2 + inner.index("["), _("unexpected “%(char)s”") % {"char": "["})
                if not inner.strip():
                    raise _syntax(i + 1, _("the category filter is empty"))
                out.append(_Token("cat", inner.strip(), i + 1))
                i = close + 1
        else:
            raise _syntax(i + 1, _("unexpected “%(char)s”") % {"char": ch})
    return out


class _Parser:
    def __init__(self, tokens: list[_Token], length: int):
        self.tokens, self.pos, self.end, self.depth = tokens, 0, length + 1, 0
        self.refs: list[Ref] = []

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise _syntax(self.end, _("the formula ends too early"))
        self.pos += 1
        return token

    def expr(self):
        node = self.term()
        while (token := self.peek()) is not None and token.kind in "+-":
            self.pos += 1
            node = BinOp(token.kind, node, self.term())
        return node

    def term(self):
        node = self.factor()
        while (token := self.peek()) is not None and token.kind in "*/":
            self.pos += 1
            node = BinOp(token.kind, node, self.factor())
        return node

    def factor(self):
        token = self.peek()
        if token is not None and token.kind in "+-":
            self.pos += 1
            self._enter(token)
            operand = self.factor()
            self.depth -= 1
            return Neg(operand) if token.kind == "-" else operand
        return self.primary()

    def _enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _syntax(token.column, _("nested too deeply"))

    def primary(self):
        token = self.take()
        if token.kind == "num":
            return Number(Decimal(token.text))
        if token.kind == "key":
            category = None
            following = self.peek()
            if following is not None and following.kind == "cat":
                self.pos += 1
                category = following.text
            ref = Ref(token.text, category, token.column)
            self.refs.append(ref)
            return ref
        if token.kind == "(":
            self._enter(token)
            node = self.expr()
            closing = self.peek()
            if closing is None:
                raise _syntax(self.end, _("a closing parenthesis “)” is missing"))
            if closing.kind != ")":
                raise _syntax(closing.column, _("unexpected “%(char)s”") % {"char": closing.text})
            self.pos += 1
            self.depth -= 1
            return node
        raise _syntax(token.column, _("unexpected “%(char)s”") % {"char": token.text})


def parse(text: str, *, known: Iterable[str] | None = None) -> Formula:
    """The formula `text` read into a tree; FormulaError when it cannot be read, or when it names a key
    not in `known` (default: the registered measures)."""
    text = text or ""
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("The formula is too long (at most %(max)s characters).") % {"max": MAX_LENGTH},
                           code="too_long")
    normal = text.translate(_FULL_WIDTH)
    if not normal.strip():
        raise FormulaError(_("The formula is empty."), code="empty")
    parser = _Parser(_tokens(normal), len(normal))
    tree = parser.expr()
    extra = parser.peek()
    if extra is not None:
        raise _syntax(extra.column, _("unexpected “%(char)s”") % {"char": extra.text})
    available = (known if isinstance(known, _AnyKey) else set(known)) if known is not None else {
        m.key for m in measures.registered_measures()}
    for ref in parser.refs:
        if ref.key not in available:
            raise FormulaError(_("Unknown measure “%(key)s” at column %(column)s.") % {"key": ref.key,
                                                                                       "column": ref.column},
                               column=ref.column, code="unknown_measure")
    return Formula(text=text.strip(), tree=tree, refs=tuple(parser.refs))


def _parse_any(text: str) -> Formula:
    """`parse` without checking that the keys are registered."""
    return parse(text, known=_ANY)


class _AnyKey:
    def __contains__(self, key: str) -> bool:
        return True


_ANY = _AnyKey()


def keys_in(text: str) -> frozenset[str]:
    """The measure keys a formula names, registered or not (empty when it cannot be read)."""
    try:
        return _parse_any(text).keys
    except FormulaError:
        return frozenset()


# Labels

def _ref_label(ref: Ref) -> str:
    try:
        label = str(measures.get_measure(ref.key).label)
    except measures.UnknownMeasure:
        label = ref.key
    return f"{label}（{ref.category}）" if ref.category else label


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SHOWN = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def _describe(node, parent: int = 0, right: bool = False) -> str:
    if isinstance(node, Number):
        return format(node.value.normalize(), "f") if node.value == node.value.to_integral() else str(node.value)
    if isinstance(node, Ref):
        return _ref_label(node)
    if isinstance(node, Neg):
        return "−" + _describe(node.operand, 3)
    mine = _PRECEDENCE[node.op]
    text = f"{_describe(node.left, mine)} {_SHOWN[node.op]} {_describe(node.right, mine, right=True)}"
    return f"（{text}）" if mine < parent or (right and mine == parent) else text


def describe(text: str) -> str:
    """The formula with the measures' Chinese labels and × ÷ for people (the text itself if unreadable)."""
    try:
        return _describe(_parse_any(text).tree)
    except FormulaError:
        return text


# Evaluation

Lookup = Callable[[str, str | None], measures.MeasureValue]


@dataclass
class Evaluation:
    """A formula's value for one span (None: no value, `reason` says why) and every input it read."""

    value: Decimal | None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""

    def provenance(self, formula: str, *, start: dt.date, end: dt.date, town: str = "") -> dict[str, Any]:
        """What an observation stores: the formula, the span, and each measure's value and provenance."""
        return {"formula": formula, "formula_label": describe(formula), "start": start.isoformat(),
                "end": end.isoformat(), "town": town, "inputs": self.inputs}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class _NoValue(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def evaluate(formula: Formula, lookup: Lookup) -> Evaluation:
    """The value of `formula` with each measure's figure from `lookup(key, category)`.

    A measure with nothing to count (None) or a division by zero gives no value (None and the reason);
    the result is rounded to 4 decimal places (half up)."""
    inputs: list[dict[str, Any]] = []
    seen: dict[tuple[str, str | None], Decimal | None] = {}
    labels: dict[tuple[str, str | None], str] = {}
    # Every input is read first, so the provenance is complete even when one has no value.
    for ref in formula.refs:
        slot = (ref.key, ref.category)
        if slot in seen:
            continue
        result = lookup(ref.key, ref.category)
        measure = measures._MEASURES.get(ref.key)
        seen[slot], labels[slot] = result.value, _ref_label(ref)
        inputs.append({"key": ref.key, "category": ref.category or "", "label": labels[slot],
                       "unit": measure.unit if measure is not None else "", "value": _number(result.value),
                       "provenance": [dict(p) for p in result.provenance]})

    def walk(node) -> Decimal:
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Ref):
            value = seen[(node.key, node.category)]
            if value is None:
                raise _NoValue(_("%(measure)s has nothing to count yet")
                               % {"measure": labels[(node.key, node.category)]})
            return value
        if isinstance(node, Neg):
            return -walk(node.operand)
        left, right = walk(node.left), walk(node.right)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if right == 0:
            raise _NoValue(_("division by zero"))
        return left / right

    with localcontext() as context:
        context.prec = 34
        try:
            value = walk(formula.tree)
        except _NoValue as no_value:
            return Evaluation(None, inputs, no_value.reason)
        except (InvalidOperation, DivisionByZero, OverflowError):
            return Evaluation(None, inputs, _("the result is not a number"))
        if not value.is_finite() or abs(value) >= MAX_ABS:
            return Evaluation(None, inputs, _("the result is out of range"))
        return Evaluation(value.quantize(PLACES, rounding=ROUND_HALF_UP), inputs)


def evaluate_for(text: str, *, start: dt.date, end: dt.date, town_id: int | None = None) -> Evaluation:
    """The value of the stored formula `text` for `start`..`end` (one town or all), from the measures.

    An unreadable formula or one naming a measure no longer registered gives no value with the reason."""
    try:
        formula = parse(text)
    except FormulaError as exc:
        return Evaluation(None, [], exc.message)
    return evaluate(formula, lambda key, category: measures.measure_value(
        key, start=start, end=end, town_id=town_id, category=category))
