"""Arithmetic: the one place that decides how values are computed, float or exact.

Every pass takes an :class:`Arithmetic` and asks it to add, multiply, sum and
apply operations; none of them knows which kind it has. There are two:

- :data:`FLOAT`, IEEE 754 doubles, the default;
- :data:`EXACT` (``--exact``), which keeps a value as a :class:`~fractions.Fraction`
  while the operation that made it is rational and its arguments are exact.

Whether an operation is rational is *declared* in the op table (``Op.rational``,
``Partial.rational``), never guessed from the type a function happens to return.
The rule for mixing is one sentence: an exact result needs exact arguments and a
rational operation; anything else is computed in floats. IEEE 754 behaviour where
Python raises (overflow, ``sin(inf)``) lives in one wrapper, :func:`ieee`.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Final

from .numbers import Value, is_finite, to_float

if TYPE_CHECKING:
    from .ops import Op, Partial

MAX_EXACT_BITS = 4096
"""Largest exact value, in bits of numerator plus denominator: about 1 200 decimal digits.
Beyond it arithmetic slows down sharply, so the value becomes a float."""

Real = float | int | Fraction


class TooLargeForExact(ArithmeticError):
    """An exact result would pass MAX_EXACT_BITS; the arithmetic computes it in floats."""


def exact_size(x: Fraction) -> int:
    return x.numerator.bit_length() + x.denominator.bit_length()


def ieee(function: Callable[..., Real], args: Sequence[Real]) -> Real:
    """``function(*args)`` with IEEE 754's answers where Python raises instead.

    An overflow is retried in floats (exp(1000) stays inf; with --exact, an exact
    intermediate past a float's range divided into a float gives the float's 0 or inf);
    no value at an infinite argument (``sin(inf)``) is nan. At finite arguments a
    ValueError means a domain the op table forgot to declare: a bug, raised, not hidden.
    """
    try:
        return function(*args)
    except OverflowError:
        # Arguments are settled, so inside a float's range: as floats they stay finite.
        floats = [float(a) for a in args]
        try:
            return function(*floats)
        except OverflowError:
            return math.inf
    except ValueError:
        if _not_finite(args):
            return math.nan
        raise


def _in_floats(evaluate: Callable[[Sequence[Real]], Real], args: Sequence[Value]) -> float:
    return to_float(evaluate([to_float(a) for a in args]))


def _not_finite(args: Sequence[Real]) -> bool:
    return not all(is_finite(a) for a in args)  # nan is not finite either


class Arithmetic:
    """How values are computed. The float arithmetic is this class; exact overrides it."""

    exact: bool = False
    zero: Value = 0.0
    one: Value = 1.0

    # NOTE: the float methods are C builtins, bound once, because the passes call them
    # once per edge of graphs with 200 000 edges.
    add: Callable[[Value, Value], Value] = staticmethod(operator.add)
    multiply: Callable[[Value, Value], Value] = staticmethod(operator.mul)

    def settle(self, x: Real) -> Value:
        """A value as this arithmetic keeps it."""
        return to_float(x)

    def number(self, text: str) -> Value:
        """A number literal as written (``0.1``); raises ValueError if it is not one."""
        return float(text)

    def total(self, values: Sequence[Value]) -> Value:
        """A sum of many values, correctly rounded; IEEE 754's inf and nan where fsum raises."""
        floats = [to_float(v) for v in values]
        try:
            return math.fsum(floats)
        except OverflowError:  # 1e308 + 1e308
            return sum(floats)
        except ValueError:  # inf + (-inf)
            return math.nan

    def apply(self, op: Op, args: Sequence[Value]) -> tuple[Value, str]:
        """The op's value at ``args`` (inside its domain), and why it is not exact
        (``""``, ``"inexact"`` or ``"exact-too-large"``; always ``""`` in floats)."""
        # Float mode's values and constants are floats already: no conversion per argument.
        return to_float(op.evaluate(args)), ""

    def partial(self, partial: Partial, args: Sequence[Value], value: Value) -> Value:
        """One local partial at ``args``, where the node's value is ``value``."""
        result = partial.evaluate(args, value)
        return result if result.__class__ is float else to_float(result)

    def exact_text(self, x: Value) -> str | None:
        """``"1/3"`` for a value kept exactly, None otherwise: JSON's ``exact`` fields."""
        return None


_SMALLEST, _LARGEST = Fraction(sys.float_info.min), Fraction(sys.float_info.max)


class ExactArithmetic(Arithmetic):
    """Fractions while the operations are rational and the values stay a sensible size."""

    exact = True
    zero = Fraction(0)
    one = Fraction(1)

    def settle(self, x: Real) -> Value:
        """A fraction while it is at most MAX_EXACT_BITS and inside a float's range.

        NOTE: an exact value outside a float's range (2^1100) would be right as a
        fraction but wrong wherever it meets a float: sin(w1) * 2^1100 turns it into
        inf. Past the range, exact mode gives way to floats, with the same inf, 0
        and warning as without --exact.
        """
        if isinstance(x, int | Fraction):
            fraction = Fraction(x)
            size = abs(fraction)
            in_range = size == 0 or _SMALLEST <= size <= _LARGEST
            if in_range and exact_size(fraction) <= MAX_EXACT_BITS:
                return fraction
        return to_float(x)

    def number(self, text: str) -> Value:
        """``0.1`` is 1/10 as written, not the float nearest it; ``1e-400`` is too small to
        keep, so a float (0). ValueError for more digits than Python reads into an int.

        NOTE: the work is bounded by the size of the result, not of the exponent.
        ``Fraction("1e-999999999")`` would build 10^999999999 (minutes, gigabytes) only for
        :meth:`settle` to make a float of it; the order of magnitude is read off the text
        first, and a literal surely past a float's range is read as a float at once.
        """
        mantissa, _, exponent = text.lower().partition("e")
        if exponent:
            whole, _, fraction = mantissa.lstrip("+-").partition(".")
            digits = whole + fraction
            leading_zeros = len(digits) - len(digits.lstrip("0"))
            if digits and leading_zeros == len(digits):
                return self.zero  # 0e999999999 is 0, whatever the exponent
            # An exponent of more than 12 digits is astronomically far out either way.
            sign = -1 if exponent.startswith("-") else 1
            power = int(exponent) if len(exponent) <= 12 else sign * 10**12
            # The value lies in [10^(order-1), 10^order); floats span 2.2e-308 to 1.8e308.
            order = power + len(whole) - leading_zeros
            if not -308 < order < 310:
                return float(text)
        return self.settle(Fraction(text))

    def add(self, a: Value, b: Value) -> Value:
        return self.settle(a + b)

    def multiply(self, a: Value, b: Value) -> Value:
        """a · b, where an exact 0 times any finite number stays an exact 0.

        Without that rule, 0 · 1.39561 would make a float of a product that is exactly
        0, and every sum it joins would lose its exactness.
        """
        if _absorbed((a, b), (0, 1)):
            return Fraction(0)
        return self.settle(a * b)

    def total(self, values: Sequence[Value]) -> Value:
        if all(isinstance(v, Fraction) for v in values):
            return self.settle(sum(values, Fraction(0)))
        return super().total(values)

    def apply(self, op: Op, args: Sequence[Value]) -> tuple[Value, str]:
        if op.zero_absorbs and _absorbed(args, op.zero_absorbs):
            return Fraction(0), ""
        exact_in = all(isinstance(a, Fraction) for a in args)
        if not op.rational(args):
            return _in_floats(op.evaluate, args), "inexact" if exact_in else ""
        try:
            # Python's own rule mixes the types: fractions give a fraction, a float a float.
            value = self.settle(_exactly(op.evaluate(args), exact_in))
        except TooLargeForExact:
            return _in_floats(op.evaluate, args), "exact-too-large"
        too_large = exact_in and not isinstance(value, Fraction)
        return value, "exact-too-large" if too_large else ""

    def partial(self, partial: Partial, args: Sequence[Value], value: Value) -> Value:
        if partial.rational(args):
            exact_in = isinstance(value, Fraction) and all(isinstance(a, Fraction) for a in args)
            try:
                return self.settle(_exactly(partial.evaluate(args, value), exact_in))
            except TooLargeForExact:
                pass
        floats = [to_float(a) for a in args]
        return to_float(partial.evaluate(floats, to_float(value)))

    def exact_text(self, x: Value) -> str | None:
        return str(x) if isinstance(x, Fraction) else None


def _absorbed(args: Sequence[Value], positions: Sequence[int]) -> bool:
    """Whether an exact 0 at one of ``positions`` makes the result an exact 0: the others
    are finite (0 · inf is nan). The one rule behind a node's value and an adjoint's term."""
    if not any(isinstance(args[i], Fraction) and args[i] == 0 for i in positions):
        return False
    return all(is_finite(arg) for arg in args)


def _exactly(result: Real, exact_in: bool) -> Real:
    """A rational result of exact arguments as a fraction.

    NOTE: an op may be declared rational at a special point only (sin at 0, exp at 0,
    log at 1), where its float formula is exact: sin(0) is 0.0 and nothing is rounded.
    Reading that float back exactly keeps max(x, 10*x*x + sin(0*x)) a tie at x = 1/10.
    An op is declared rational only where its float formula is exact like this: sqrt
    is declared rational nowhere, since sqrt(4/9) = 2/3 would come out of math.sqrt rounded.
    """
    if exact_in and isinstance(result, float) and math.isfinite(result):
        return Fraction(result)
    return result


def underflows(op: Op, args: Sequence[Value], value: Value) -> bool:
    """Whether a float 0 is a value too small for a float (2^-1100 · x), not a true 0.

    Told for rational operations only, by computing the value exactly: a product of two
    numbers that are not 0 is not 0. (exp(-1000) is 0 too, but it is no surprise.)
    """
    if value != 0 or not isinstance(value, float) or not op.rational(args):
        return False
    if not all(a != 0 and is_finite(a) for a in args):
        return False
    exact_args = [Fraction(a) for a in args]
    try:
        return op.evaluate(exact_args) != 0
    except TooLargeForExact:
        return True  # an exact power too large to compute is far from 0


FLOAT: Final = Arithmetic()
EXACT: Final = ExactArithmetic()


def arithmetic(exact: bool) -> Arithmetic:
    """The arithmetic a caller's ``--exact`` choice names: the one place that reads it."""
    return EXACT if exact else FLOAT
