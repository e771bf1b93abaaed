"""Numbers: as a person writes them, as strict JSON carries them, and exact when asked.

Values are floats. With ``--exact``, rational values are kept as
:class:`~fractions.Fraction` (``1/3``, not ``0.333333``) for as long as the
operations keep them rational and they stay a reasonable size.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

Value = float | Fraction
"""A node value, partial, adjoint or tangent: a float, or an exact fraction with --exact."""

MAX_EXACT_BITS = 4096
"""Largest exact value, in bits of numerator plus denominator: about 1 200 decimal digits.
Beyond it arithmetic slows down sharply, so the value becomes a float."""

# Beyond this, a float no longer holds every integer exactly, so printing it as
# an integer would claim digits it does not have.
_EXACT_INTEGER_LIMIT = 2**53

_MAX_FRACTION_DIGITS = 24
"""A fraction with more digits than this prints as a rounded decimal, marked ≈."""


def exact_size(x: Fraction) -> int:
    return x.numerator.bit_length() + x.denominator.bit_length()


def to_float(x: Value | int) -> float:
    """A float for any value; a fraction too large for a float becomes ±inf."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


# NOTE: math.isfinite(x) and its kin convert x to a float first, which raises for an exact
# value past 1e308 (2^1100 is a fine fraction); only a float can be infinite or nan.


def is_finite(x: Value | int) -> bool:
    return not isinstance(x, float) or math.isfinite(x)


def is_infinite(x: Value | int) -> bool:
    return isinstance(x, float) and math.isinf(x)


def is_nan(x: Value | int) -> bool:
    return isinstance(x, float) and math.isnan(x)


def settle(x: Value | int, exact: bool) -> Value:
    """The value as the mode keeps it: a float, or (exact) a fraction while it is small
    enough to compute with and inside a float's range."""
    if exact and isinstance(x, int | Fraction):
        fraction = Fraction(x)
        if exact_size(fraction) <= MAX_EXACT_BITS and _in_float_range(fraction):
            return fraction
    return to_float(x)


_SMALLEST, _LARGEST = Fraction(sys.float_info.min), Fraction(sys.float_info.max)


def _in_float_range(fraction: Fraction) -> bool:
    """Whether a float holds the fraction's size (0, or 2.2e-308 to 1.8e308).

    NOTE: an exact value outside it (2^1100) would be right as a fraction but wrong
    wherever it meets a float: sin(w1) * 2^1100 turns the fraction into inf, and a
    float over 2^-1100 divides by 0. Past the range, exact mode gives way to floats,
    with the same inf, 0 and warning as without --exact.
    """
    size = abs(fraction)
    return size == 0 or _SMALLEST <= size <= _LARGEST


def multiply(a: Value, b: Value, exact: bool) -> Value:
    """a · b; with ``exact``, an exact 0 times any finite number stays an exact 0.

    Without that rule, 0 · 1.39561 would make a float of a product that is
    exactly 0, and every sum it joins would lose its exactness.
    """
    if exact:
        for zero, other in ((a, b), (b, a)):
            if isinstance(zero, Fraction) and zero == 0 and is_finite(other):
                return zero
        return settle(a * b, exact=True)
    return a * b


def add(a: Value, b: Value, exact: bool) -> Value:
    """a + b, kept exact while both are fractions (with ``exact``)."""
    return settle(a + b, exact=True) if exact else a + b


def format_number(x: Value | int, digits: int = 6) -> str:
    """``2`` not ``2.0``, ``0.693147`` not ``0.6931471805599453``; ``digits`` significant digits.

    An exact fraction prints as ``1/3``, or, when very long, as ``≈`` and its rounded value.
    """
    if isinstance(x, int | Fraction):
        fraction = Fraction(x)
        numerator, denominator = str(fraction.numerator), str(fraction.denominator)
        if fraction.denominator == 1 and len(numerator) <= _MAX_FRACTION_DIGITS:
            return numerator
        if len(numerator) + len(denominator) <= _MAX_FRACTION_DIGITS:
            return f"{numerator}/{denominator}"
        return "≈" + _format_large(fraction, digits)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"  # also for -0.0, which means nothing to a learner
    if x.is_integer() and abs(x) < 10.0**digits:
        return str(int(x))
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def _format_large(fraction: Fraction, digits: int) -> str:
    """A long fraction, rounded; past a float's range (2^1100) by its power of ten."""
    as_float = to_float(fraction)
    if math.isfinite(as_float) and abs(as_float) >= sys.float_info.min:  # not subnormal
        return format_number(as_float, digits)
    # math.log10 takes integers of any size, so the exponent comes without a float.
    exponent = math.floor(math.log10(abs(fraction.numerator)) - math.log10(fraction.denominator))
    mantissa = float(fraction / Fraction(10) ** exponent)
    if abs(float(format_number(mantissa, digits))) >= 10:  # 9.9999999 rounds up to 10
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{format_number(mantissa, digits)}e{exponent}"


def constant_text(x: Value | int) -> str:
    """A constant computed inside a formula (``n - 1`` in ``n * x^(n-1)``), to 12 digits."""
    return format_number(x, digits=12)


def json_number(x: Value | int) -> int | float | str:
    """A value for strict JSON: integers where exact, and the strings inf, -inf, nan."""
    if type(x) is float and math.isfinite(x):  # the common case, without slower type tests
        return int(x) if x.is_integer() and abs(x) < _EXACT_INTEGER_LIMIT else x
    if isinstance(x, int | Fraction) and Fraction(x).denominator == 1:
        whole = int(x)
        if abs(whole) < _EXACT_INTEGER_LIMIT:
            return whole
    x = to_float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x.is_integer() and abs(x) < _EXACT_INTEGER_LIMIT:
        return int(x)
    return x


_COUNT_DIGITS = 4000
"""Python will not write an integer of more than 4 300 digits in decimal (a guard against
slow conversions); a path count that large is given by its size instead."""


def count_is_huge(count: int) -> bool:
    return count.bit_length() > _COUNT_DIGITS * 3.32


def format_count(count: int) -> str:
    """A path count: exact up to 24 digits, then as a power of ten (2^60 fits, 2^100 000 not)."""
    if count.bit_length() <= 79:
        return str(count)
    digits = math.log10(count)  # exact enough for an int of any size
    mantissa = 10 ** (digits - math.floor(digits))
    return f"about {mantissa:.3g}e{math.floor(digits)} (a {math.floor(digits) + 1}-digit number)"


def json_count(count: int) -> int | str:
    """A path count for JSON: the exact integer, unless it is too long to write in decimal."""
    return format_count(count) if count_is_huge(count) else count


def exact_text(x: Value) -> str | None:
    """``"1/3"`` for an exact fraction, None for a float: JSON's ``exact`` fields."""
    return str(x) if isinstance(x, Fraction) else None
