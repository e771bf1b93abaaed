"""The point of evaluation: ``--at y=5,w=2`` and problem-file ``at`` tables, read and checked.

A value may be a constant expression (``1/3``, ``pi/2``, ``-e^2``), evaluated
with the same grammar and operation table as the expression itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .errors import AdexplainError, Span
from .graph import fold_constant
from .parser import parse_expression

_NAME = re.compile(r"[^\W\d]\w*\Z")


def parse_assignments(text: str) -> list[tuple[str, str]]:
    """Split ``"y=5, w=pow(2,3)"`` into ``[("y", "5"), ("w", "pow(2,3)")]``.

    Commas inside parentheses belong to the value (``pow(2,3)``), not the list.
    """
    pairs: list[tuple[str, str]] = []
    for start, piece in _split_top_level(text):
        name, sep, value = piece.partition("=")
        stripped = name.strip()
        where = Span(start, start + max(1, len(piece)))
        if not sep:
            raise AdexplainError(
                f"{piece.strip()!r} is not NAME=VALUE", code="bad-at", text=text, span=where
            )
        if not _NAME.match(stripped):
            raise AdexplainError(
                f"{stripped!r} is not a variable name", code="bad-at", text=text, span=where
            )
        pairs.append((stripped, value.strip()))
    return pairs


def _split_top_level(text: str) -> list[tuple[int, str]]:
    pieces: list[tuple[int, str]] = []
    depth = 0
    start = 0
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth <= 0:
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


def evaluate_value(name: str, value: float | int | str) -> float:
    """A coordinate of the point: a number, or a constant expression in a string."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AdexplainError(
            f"the value of {name} must be a number or a constant expression, not {value!r}",
            code="bad-at",
        )
    if isinstance(value, str):
        if not value.strip():
            raise AdexplainError(f"{name} is given no value", code="bad-at")
        try:
            number = fold_constant(parse_expression(value), value)
        except AdexplainError as err:
            raise err.with_origin(f"the value of {name}") from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise AdexplainError(f"the value of {name} is not a finite number", code="bad-at")
    return number


def resolve_point(pairs: Iterable[tuple[str, float | int | str]]) -> dict[str, float]:
    """Names to values, in the order given (which is the input numbering); no name twice."""
    point: dict[str, float] = {}
    for name, value in pairs:
        if name in point:
            raise AdexplainError(f"{name} is given a value twice", code="bad-at")
        point[name] = evaluate_value(name, value)
    return point
