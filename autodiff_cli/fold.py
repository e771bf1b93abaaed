"""Constant folding: a subexpression without variables becomes one :class:`Constant`.

The graph builder folds with a :class:`Folder`: it reads a number as written, gives
``pi`` and ``e`` their values, and applies an operation whose arguments are all
constants, checking the operation's domain now (``log(-1)`` is an error at fold time,
with the text's span) and remembering an overflow to inf for the node that uses the
constant. :func:`fold_constant` is the same walk over a tree in which every name must
be a constant: the evaluator of ``--at x=pi/2`` and of a student's answer ``1/3``.

Whether a constant is kept exact or as a float is the arithmetic's decision
(``arithmetic.py``): this module is the same in both modes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeGuard

from .arithmetic import FLOAT, Arithmetic, underflows
from .errors import AdexplainError, Span, clip
from .formula import ATOM, number_precedence
from .numbers import Value, constant_text, is_finite, is_infinite, underflowed
from .ops import CONSTANTS, Op
from .scope import not_a_constant, operation
from .syntax import Call, Expr, Name, Number, Operator
from .walk import post_order


class Constant(NamedTuple):
    """A folded constant: its value and the text it was written as (``0``, ``pi/2``)."""

    value: Value
    """A float, or with --exact a fraction while the constant is rational."""
    text: str
    overflowed: bool = False
    """Folding it overflowed a float (exp(1000)): the node that uses it says so."""
    binds: int = ATOM
    """The precedence of its text's outermost operation (``pi/2`` is a quotient): a formula
    writes it in parentheses unless it is an atom (``2``, ``pi``, ``sin(1)``)."""
    underflowed: bool = False
    """Folding it went below a float's range (2^-1100): it is 0, and the node that uses it
    says so."""


@dataclass(frozen=True, slots=True)
class Folder:
    """Folds the constants of one text; it keeps nothing between calls."""

    source: str
    arithmetic: Arithmetic = FLOAT

    def number(self, expr: Number) -> Constant:
        if not math.isfinite(expr.value):  # float("1e999") is inf
            raise AdexplainError(
                f"the number {clip(expr.text, 20)} is too large for a float",
                code="number-too-large",
                text=self.source,
                span=expr.span,
            )
        try:
            # With --exact, 0.1 is 1/10 as written; 1e-400 is too small to keep exactly.
            value = self.arithmetic.number(expr.text)
        except ValueError:  # Python reads at most 4 300 digits into an integer
            raise AdexplainError(
                f"the number {clip(expr.text, 20)} has too many digits for --exact",
                code="number-too-long",
                text=self.source,
                span=expr.span,
            ) from None
        return Constant(value, expr.text, underflowed=underflowed(expr.text, value))

    def named(self, expr: Name) -> Constant | None:
        """``pi`` or ``e``; None for any other name."""
        value = CONSTANTS.get(expr.name)
        return None if value is None else Constant(value, expr.name)

    def apply(self, op: Op, expr: Operator | Call, args: Sequence[Constant]) -> Constant:
        """The operation applied to constants, as one constant written as the text was."""
        values = [arg.value for arg in args]
        text = " ".join(self.source[expr.span.start : expr.span.end].split())
        reason = op.undefined(values)
        if reason is not None:
            raise AdexplainError(
                f"{text} is undefined: {reason}", code="domain", text=self.source, span=expr.span
            )
        folded, _ = self.arithmetic.apply(op, values)
        overflowed = is_infinite(folded) and all(is_finite(v) for v in values)
        overflowed = overflowed or any(arg.overflowed for arg in args)
        underflowed = underflows(op, values, folded) or any(arg.underflowed for arg in args)
        binds = ATOM if _grouped(expr, self.source) else op.written.precedence
        return Constant(folded, text, overflowed, binds, underflowed)

    def apply_values(self, op: Op, args: Sequence[Constant], span: Span) -> Constant:
        """An element of a vector operation on constants (``[1, 2] * 3``), written as its
        value: the text of the whole operation would not be this element's."""
        values = [arg.value for arg in args]
        reason = op.undefined(values)
        if reason is not None:
            text = " ".join(self.source[span.start : span.end].split())
            raise AdexplainError(
                f"{text} is undefined: {reason}", code="domain", text=self.source, span=span
            )
        folded, _ = self.arithmetic.apply(op, values)
        overflowed = is_infinite(folded) and all(is_finite(v) for v in values)
        overflowed = overflowed or any(arg.overflowed for arg in args)
        underflowed = underflows(op, values, folded) or any(arg.underflowed for arg in args)
        text = constant_text(folded)
        binds = number_precedence(folded) if is_finite(folded) else ATOM
        return Constant(folded, text, overflowed, binds, underflowed)


def _grouped(expr: Operator | Call, source: str) -> bool:
    """Whether the text is one parenthesised group, ``(1+2)``: then it is an atom as written.

    A group's span takes in its parentheses, so it starts before the first argument's
    span (which starts the text otherwise, ``(1)+2`` included); a prefix operator starts
    with its own symbol, not with a parenthesis.
    """
    first = expr.args[0].span.start if expr.args else expr.span.end
    if isinstance(expr, Operator) and len(expr.args) == 1:
        return source[expr.span.start] == "("
    return expr.span.start < first and source[expr.span.start] == "("


def all_constant(args: tuple[int | Constant, ...]) -> TypeGuard[tuple[Constant, ...]]:
    """Whether an operation's arguments are all constants, so that it folds (no node)."""
    # NOTE: a loop, not all(...): this runs once per node, and a generator costs a frame.
    for arg in args:  # noqa: SIM110
        if arg.__class__ is int:
            return False
    return True


def fold_constant(tree: Expr, source: str, *, arithmetic: Arithmetic = FLOAT) -> Value:
    """The value of an expression without variables (``pi/2``, ``-e^2``)."""
    folder = Folder(source, arithmetic)

    def name(expr: Name) -> Constant:
        constant = folder.named(expr)
        if constant is None:
            raise not_a_constant(expr, source)
        return constant

    def apply(expr: Operator | Call, args: tuple[Constant, ...]) -> Constant:
        return folder.apply(operation(expr, source), expr, args)

    folded = post_order(tree, folder.number, name, apply)
    if folded.underflowed:
        # As a value past a float's range is refused, so is one under it: it would be 0,
        # silently, and 1/x there a division by zero.
        raise AdexplainError(
            f"{clip(' '.join(source.split()))} is too small for a float "
            "(the smallest is about 5e-324), so it would be 0",
            code="bad-at",
        )
    return folded.value
