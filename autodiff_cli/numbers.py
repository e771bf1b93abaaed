"""Numbers: as a person writes them, and as strict JSON carries them.

Values are floats, or with ``--exact`` :class:`~fractions.Fraction` (``1/3``, not
``0.333333``); how they are computed is ``arithmetic.py``'s business.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

Value = float | Fraction
"""A node value, partial, adjoint or tangent: a float, or an exact fraction with --exact."""

# Beyond this, a float no longer holds every integer exactly, so printing it as
# an integer would claim digits it does not have.
_EXACT_INTEGER_LIMIT = 2**53

_MAX_FRACTION_DIGITS = 24
"""A fraction with more digits than this prints as a rounded decimal, marked ≈."""


def underflowed(text: str, value: Value) -> bool:
    """Whether a number written as ``text`` came out as 0 only because it is under a float's
    range (``1e-400``): a mantissa with a digit that is not 0 is no 0."""
    mantissa = text.lower().partition("e")[0]
    return value == 0 and any(digit in mantissa for digit in "123456789")


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
