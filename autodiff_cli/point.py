"""The point of evaluation: ``--at y=5,w=2`` and problem-file ``at`` tables, read and checked.

A value may be a constant expression (``1/3``, ``pi/2``, ``-e^2``), evaluated
with the same grammar and operation table as the expression itself.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, SupportsFloat

from .arithmetic import FLOAT, Arithmetic
from .errors import AdexplainError, Span, clip
from .fold import fold_constant
from .numbers import Value, is_finite, underflowed
from .parser import parse_expression
from .tensor import flatten, split_array

_NAME = re.compile(r"[^\W\d]\w*(\[\d+(,\d+)*\])?\Z")
"""A name, or an element of a vector or matrix (``x[2]``, ``W[1,2]``: --expect, --seed)."""
EDGE_KEY = re.compile(r"[^\W\d]\w*/[^\W\d]\w*\Z")
"""What ``--expect`` takes besides a name: an edge, ``w8/w7`` for ∂w8/∂w7."""


def parse_assignments(
    text: str, *, code: str = "bad-at", edges: bool = False
) -> list[tuple[str, str]]:
    """Split ``"y=5, w=pow(2,3)"`` into ``[("y", "5"), ("w", "pow(2,3)")]``.

    Commas inside parentheses belong to the value (``pow(2,3)``), not the list. Errors
    carry ``code`` (``--expect`` has its own); with ``edges``, a key may be ``w8/w7``.
    """
    pairs: list[tuple[str, str]] = []
    for start, piece in _split_top_level(text):
        name, sep, value = piece.partition("=")
        # Composed, as the expression's names must be: e + U+0301 is the name 'é'.
        stripped = unicodedata.normalize("NFC", name.strip())
        where = Span(start, start + max(1, len(piece)))
        if not sep:
            hint = _decimal_comma(pairs, piece)
            raise AdexplainError(
                f"{clip(piece.strip())!r} is not NAME=VALUE{hint}",
                code=code,
                text=text,
                span=where,
            )
        spaced = _SPACED_PAIR.search(value)
        if spaced:
            raise AdexplainError(
                f"{clip(piece.strip())!r} holds two values: separate NAME=VALUE pairs with "
                f"commas, as in {name.strip()}={value[: spaced.start()].strip()},"
                f"{spaced.group(1)}=…",
                code=code,
                text=text,
                span=where,
            )
        if not (_NAME.match(stripped) or (edges and EDGE_KEY.match(stripped))):
            what = "a variable name" + (", a node id or an edge such as w8/w7" if edges else "")
            raise AdexplainError(
                f"{clip(stripped)!r} is not {what}", code=code, text=text, span=where
            )
        pairs.append((stripped, value.strip()))
    return pairs


_SPACED_PAIR = re.compile(r"\s([^\W\d]\w*)\s*=")
"""``x=1 y=2`` in one --at: a second NAME= after a space, where a comma was meant."""


def _decimal_comma(pairs: list[tuple[str, str]], piece: str) -> str:
    """The hint for ``x=1,5``: digits after a comma, right after a whole number, are the
    decimals of a writer used to a decimal comma."""
    if pairs and pairs[-1][1].isdigit() and piece.strip().isdigit():
        name, whole = pairs[-1]
        return (
            f" (a decimal comma? write {name}={whole}.{piece.strip()}: "
            "commas separate NAME=VALUE pairs)"
        )
    return ""


def _split_top_level(text: str) -> list[tuple[int, str]]:
    pieces: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth <= 0:
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


PointValue = SupportsFloat | str | Sequence[Any]
"""What a coordinate may be given as: any real number (int, float, Fraction, numpy's
int64 and float32, ...) or a constant expression in a string; a vector or matrix as a
(nested) list of those, or an array with ``tolist()`` (``tensor.flatten``)."""


def evaluate_value(
    name: str,
    value: PointValue,
    arithmetic: Arithmetic = FLOAT,
    allow_infinite: bool = False,
) -> Value:
    """A coordinate of the point: a number, or a constant expression in a string.

    With exact arithmetic, ``0.1`` is the fraction 1/10 (as written, not the nearest
    float), and ``"1/3"`` is 1/3. ``allow_infinite`` admits inf, -inf and nan
    (an answer may be: the partial of sqrt at 0 is inf); a point may not.
    """
    value = _builtin_number(value)  # type: ignore[assignment]  # a narrower kind of the same
    if allow_infinite:
        text = value.strip().lower() if isinstance(value, str) else None
        if text in ("inf", "+inf", "-inf", "nan"):
            return float(text)
        if isinstance(value, float) and not math.isfinite(value):
            return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, str)):
        raise AdexplainError(
            f"the value of {name} must be a number or a constant expression, not {kind_of(value)}",
            code="bad-at",
        )
    if isinstance(value, str):
        if not value.strip():
            raise AdexplainError(f"{name} is given no value", code="bad-at")
        try:
            number = _plain_decimal(value, arithmetic)
            if number is None:
                number = fold_constant(parse_expression(value), value, arithmetic=arithmetic)
        except AdexplainError as err:
            raise err.with_origin(f"the value of {name}") from None
    elif isinstance(value, float) and not math.isfinite(value):
        raise AdexplainError(f"the value of {name} is not a finite number", code="bad-at")
    else:
        # repr is the shortest text that reads back as this float: 0.1, not 0.1000…055…
        number = arithmetic.number(repr(value)) if isinstance(value, float) else value
        number = arithmetic.settle(number)
    if not is_finite(number) and not allow_infinite:  # an answer may fold to inf: 1e300*1e300
        raise AdexplainError(
            f"the value of {name} is not a finite number (a float's range ends near 1.8e308)",
            code="bad-at",
        )
    return number


_PLAIN_DECIMAL = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?\Z")
"""A number as written, which reads the same with or without the parser: ``-0.25``, ``3``,
``1e-3``. The exponent has at most three digits, so ``1e-999999999`` takes the parser's
road, whose checks bound the work."""


def _plain_decimal(text: str, arithmetic: Arithmetic) -> Value | None:
    """The value of a plain decimal, read without the parser (a network's 4 000 weights in
    --at took 20 µs each through it); None for anything else (``1/3``, ``pi/2``)."""
    stripped = text.strip()
    if len(stripped) > 30 or not _PLAIN_DECIMAL.match(stripped):
        return None
    number = arithmetic.number(stripped)
    if not is_finite(number) or underflowed(stripped, number):
        return None  # past a float's range either way: the parser's road says so
    return number


def _builtin_number(value: object) -> object:
    """A real number of another library (numpy's int64, float32) as Python's own int, Fraction
    or float, a Decimal as its text (so --exact keeps 0.1 as 1/10); anything else as it is.

    NOTE: the number tower (PEP 3141) says what a number is, so numpy is never imported:
    numpy registers its scalars as numbers.Integral and numbers.Real.
    """
    # Exact types only: numpy's float64 is a float whose repr is "np.float64(2.25)".
    if type(value) in (bool, int, float, str, Fraction):
        return value
    if not isinstance(value, numbers.Real):
        if isinstance(value, numbers.Number) and not isinstance(value, numbers.Complex):
            return str(value)  # a Decimal: its digits as written, read as a literal is
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    return float(value)


def resolve_point(
    pairs: Iterable[tuple[str, PointValue]], arithmetic: Arithmetic = FLOAT
) -> dict[str, Value]:
    """Names to values, in the order given (which is the input numbering); no name twice.

    A vector or matrix (``[1, 2, 3]`` in --at, or a TOML array) is one value per element,
    named ``x[1]``, ``x[2]``…, row by row (``tensor.py``)."""
    point: dict[str, Value] = {}
    given: set[str] = set()
    for name, value in pairs:
        if name in given:
            raise AdexplainError(f"{name} is given a value twice", code="bad-at")
        given.add(name)
        try:
            elements = flatten(name, value, split_array)
        except AdexplainError as err:
            raise err.with_origin(f"the value of {name}") from None
        for element, item in elements:
            if element in point:  # x=[1,2] and x[1]=3 name the same input
                raise AdexplainError(f"{element} is given a value twice", code="bad-at")
            point[element] = evaluate_value(element, item, arithmetic)
    return point


def kind_of(value: object) -> str:
    """What a wrong TOML value is, in TOML's words (``true``, ``a table``), not Python's."""
    if isinstance(value, bool):
        return "true" if value else "false"
    import datetime

    kinds = {
        dict: "a table",
        list: "a list",
        datetime.date: "a date",
        datetime.time: "a time",
        int: "an integer",
        float: "a float",
    }
    found = (name for kind, name in kinds.items() if isinstance(value, kind))
    return next(found, f"a {type(value).__name__}")
