"""Constant folding: a subexpression without variables becomes one :class:`Constant`.

The graph builder folds with a :class:`Folder`: it reads a number as written, gives
``pi`` and ``e`` their values, and applies an operation whose arguments are all
constants, checking the operation's domain now (``log(-1)`` is an error at fold time,
with the text's span) and remembering an overflow to inf for the node that uses the
constant. :func:`fold_constant` is the same walk over a tree in which every name must
be a constant: the evaluator of ``--at x=pi/2`` and of a student's answer ``1/3``.

NOTE: whether a constant is kept exact or as a float is decided in one place,
:func:`settle_constant`; everything else here is the same in both modes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple, TypeGuard, TypeVar

from .errors import AdexplainError
from .numbers import Value, is_finite, settle, to_float
from .ops import CONSTANTS, Op, TooLargeForExact
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


Exact = TypeVar("Exact")


def settle_constant(
    exact: bool, compute: Callable[[Exact], Value | int], argument: Exact
) -> Fraction | None:
    """The constant ``compute(argument)`` as a fraction, or None for a float.

    None without ``exact``, and with it when the value is irrational or past what exact
    mode keeps (too many digits, or outside a float's range: see ``numbers.settle``);
    the caller then computes the float itself, as without ``exact``. ``compute`` is
    called only in exact mode, so floats pay nothing for this.
    """
    if not exact:
        return None
    try:
        value = settle(compute(argument), exact=True)
    except TooLargeForExact:
        return None
    return value if isinstance(value, Fraction) else None


@dataclass(frozen=True, slots=True)
class Folder:
    """Folds the constants of one text; it keeps nothing between calls."""

    source: str
    exact: bool = False

    def number(self, expr: Number) -> Constant:
        if not math.isfinite(expr.value):  # float("1e999") is inf
            raise AdexplainError(
                f"the number {_clip(expr.text)} is too large for a float",
                code="number-too-large",
                text=self.source,
                span=expr.span,
            )
        try:
            # 1e-400 is exact as written, but too small to keep exactly: a float, as 0.
            exact_value = settle_constant(self.exact, Fraction, expr.text)
        except ValueError:  # Python reads at most 4 300 digits into an integer
            raise AdexplainError(
                f"the number {_clip(expr.text)} has too many digits for --exact",
                code="number-too-long",
                text=self.source,
                span=expr.span,
            ) from None
        return Constant(expr.value if exact_value is None else exact_value, expr.text)

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
        exact_value = settle_constant(self.exact, op.evaluate, values)
        if exact_value is not None:
            return Constant(exact_value, text)
        folded = to_float(op.evaluate([to_float(v) for v in values]))
        overflowed = math.isinf(folded) and all(is_finite(v) for v in values)
        return Constant(folded, text, overflowed or any(arg.overflowed for arg in args))


def all_constant(args: tuple[int | Constant, ...]) -> TypeGuard[tuple[Constant, ...]]:
    """Whether an operation's arguments are all constants, so that it folds (no node)."""
    # NOTE: a loop, not all(...): this runs once per node, and a generator costs a frame.
    for arg in args:  # noqa: SIM110
        if arg.__class__ is int:
            return False
    return True


def fold_constant(tree: Expr, source: str, *, exact: bool = False) -> Value:
    """The value of an expression without variables (``pi/2``, ``-e^2``)."""
    folder = Folder(source, exact)

    def name(expr: Name) -> Constant:
        constant = folder.named(expr)
        if constant is None:
            raise not_a_constant(expr, source)
        return constant

    def apply(expr: Operator | Call, args: tuple[Constant, ...]) -> Constant:
        return folder.apply(operation(expr, source), expr, args)

    return post_order(tree, folder.number, name, apply).value


def _clip(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else f"{text[: limit // 2]}…{text[-limit // 2 :]}"
