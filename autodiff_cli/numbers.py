"""Numbers as a person writes them, and as strict JSON carries them."""

from __future__ import annotations

import math

# Beyond this, a float no longer holds every integer exactly, so printing it as
# an integer would claim digits it does not have.
_EXACT_INTEGER_LIMIT = 2.0**53


def format_number(x: float, digits: int = 6) -> str:
    """``2`` not ``2.0``, ``0.693147`` not ``0.6931471805599453``; ``digits`` significant digits."""
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


def constant_text(x: float) -> str:
    """A constant computed inside a formula (``n - 1`` in ``n * x^(n-1)``), to 12 digits."""
    return format_number(x, digits=12)


def json_number(x: float) -> int | float | str:
    """A value for strict JSON: integers where exact, and the strings inf, -inf, nan."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x.is_integer() and abs(x) < _EXACT_INTEGER_LIMIT:
        return int(x)
    return x
